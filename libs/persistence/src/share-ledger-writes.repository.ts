/**
 * The share ledger's writes: the statements of its single writer (the audit
 * app's LedgerWriter) and the retention purge of the content its rows refer to.
 * The writer runs them on its own session, a QueryRunner holding the writer
 * lock for its whole life; its batch statements run inside the batch's
 * transaction on that session. The rows themselves and the recipients'
 * presentations go in by COPY (copyFromStdin). The reads are in
 * share-ledger-reads.repository.ts.
 */
import { leLogInsertSql, leLogParams, type LeLogEntry } from './le-log.repository';
import { selectRows } from './sql-conditions';
import { returnedRows, type SqlRunner } from './sql-runner';

/** Key of the session advisory lock only the ledger writer takes ("LIAISON1" as an int8). */
export const LEDGER_WRITER_LOCK = 0x4c494149534f4e31n;

/** The originator's token as the hub keeps it, until every recipient's retention ends. */
export interface MessageContentDraft {
  readonly messageId: string;
  readonly sdJwt: string;
  readonly retainUntil: string;
}

/** A case notice's event, as the case_event table records it. */
export interface CaseEventDraft {
  readonly messageId: string;
  readonly originatorAgency: string;
  readonly jurisdiction: string;
  readonly caseRef: string | null;
  readonly noticeType: string;
  readonly outcome: string | null;
  readonly occurredAt: string;
}

/** A row of the ledger as its writer loads the tree: its seq and leaf hash (hex). */
export interface StoredLeaf {
  readonly seq: number;
  readonly leafHash: string;
}

/** A (message, recipient) pair's place in the ledger: its first decision's row, or its release. */
export interface LedgerPair {
  readonly messageId: string;
  readonly recipientAgency: string;
}

export interface StoredLedgerPair extends LedgerPair {
  /** The row is a release under onward consent (release_of set). */
  readonly release: boolean;
}

/** A delivery whose presentation the retention purge erased. */
export interface ErasedDelivery {
  readonly messageId: string;
  readonly recipientAgency: string;
}

export class ShareLedgerWrites {
  /** The writer's session (its QueryRunner), or for the purge a transaction's EntityManager. */
  constructor(private readonly db: SqlRunner) {}

  /** Waits for the writer lock and holds it until the session ends or unlockWriter. */
  async lockWriter(): Promise<void> {
    await this.db.query('SELECT pg_advisory_lock($1)', [LEDGER_WRITER_LOCK.toString()]);
  }

  /** Takes the writer lock if it is free; false when another session holds it. */
  async tryLockWriter(): Promise<boolean> {
    const rows = await selectRows<{ locked: boolean }>(
      this.db,
      'SELECT pg_try_advisory_lock($1) AS locked',
      [LEDGER_WRITER_LOCK.toString()],
    );
    return rows[0]?.locked === true;
  }

  async unlockWriter(): Promise<void> {
    await this.db.query('SELECT pg_advisory_unlock($1)', [LEDGER_WRITER_LOCK.toString()]);
  }

  /** READ COMMITTED for every transaction of the session: once, rather than a round trip a batch. */
  async readCommittedSession(): Promise<void> {
    await this.db.query(
      'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED',
    );
  }

  /** Up to `limit` leaves after seq `after`, in ledger order. */
  async leavesAfter(after: number, limit: number): Promise<StoredLeaf[]> {
    const rows = await selectRows<{ seq: string; leaf_hash: string }>(
      this.db,
      'SELECT seq, leaf_hash FROM share_ledger WHERE seq > $1 ORDER BY seq LIMIT $2',
      [after, limit],
    );
    return rows.map((r) => ({ seq: Number(r.seq), leafHash: r.leaf_hash }));
  }

  /** The rows the ledger already holds for these pairs (message ids lower case); none asked, no round trip. */
  async existingPairs(pairs: readonly LedgerPair[]): Promise<StoredLedgerPair[]> {
    if (pairs.length === 0) return [];
    const rows = await selectRows<{
      message_id: string;
      recipient_agency: string;
      release_of: string | null;
    }>(
      this.db,
      `SELECT l.message_id, l.recipient_agency, l.release_of FROM share_ledger l
         JOIN unnest($1::uuid[], $2::text[]) AS c(message_id, recipient_agency)
           ON l.message_id = c.message_id AND l.recipient_agency = c.recipient_agency`,
      [pairs.map((p) => p.messageId), pairs.map((p) => p.recipientAgency)],
    );
    return rows.map((r) => ({
      messageId: r.message_id,
      recipientAgency: r.recipient_agency,
      release: r.release_of !== null,
    }));
  }

  /**
   * The originators' content, case events and the law-enforcement log entries
   * of a batch in one statement (one round trip): data-modifying CTEs run
   * whether or not the outer query reads them; the log rows go in the order
   * given. Content and events already stored are kept.
   */
  async insertContentAndLog(
    contents: readonly MessageContentDraft[],
    caseEvents: readonly CaseEventDraft[],
    log: readonly LeLogEntry[],
  ): Promise<void> {
    await this.db.query(
      `WITH content AS (
         INSERT INTO message_content (message_id, sd_jwt, retain_until)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[])
         ON CONFLICT (message_id) DO NOTHING
       ), case_events AS (
         INSERT INTO case_event (message_id, originator_agency, jurisdiction, case_ref, notice_type, outcome, occurred_at)
         SELECT * FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
         ON CONFLICT (message_id) DO NOTHING
       )
       ${leLogInsertSql(11)}`,
      [
        contents.map((c) => c.messageId),
        contents.map((c) => c.sdJwt),
        contents.map((c) => c.retainUntil),
        caseEvents.map((e) => e.messageId),
        caseEvents.map((e) => e.originatorAgency),
        caseEvents.map((e) => e.jurisdiction),
        caseEvents.map((e) => e.caseRef),
        caseEvents.map((e) => e.noticeType),
        caseEvents.map((e) => e.outcome),
        caseEvents.map((e) => e.occurredAt),
        ...leLogParams(log),
      ],
    );
  }

  /**
   * Erases up to `limit` recipients' presentations kept past `now`, and the
   * feed entries that carried them to the recipients (a feed keeps a delivery
   * only as long as its content may be kept); returns the deliveries erased
   * and how many feed entries went with them.
   */
  async eraseExpiredDeliveries(
    now: Date,
    limit: number,
  ): Promise<{ deliveries: ErasedDelivery[]; feedEntries: number }> {
    const deliveries = returnedRows<{ message_id: string; recipient_agency: string }>(
      await this.db.query(
        `DELETE FROM delivery_content WHERE ctid IN (
           SELECT ctid FROM delivery_content WHERE retain_until < $1 LIMIT $2)
         RETURNING message_id, recipient_agency`,
        [now.toISOString(), limit],
      ),
    );
    const feedEntries = returnedRows<{ id: string }>(
      await this.db.query(
        `DELETE FROM feed_entry f USING unnest($1::uuid[], $2::text[]) AS e(message_id, agency_id)
         WHERE f.message_id = e.message_id AND f.agency_id = e.agency_id
         RETURNING f.id`,
        [deliveries.map((r) => r.message_id), deliveries.map((r) => r.recipient_agency)],
      ),
    );
    return {
      deliveries: deliveries.map((r) => ({
        messageId: r.message_id,
        recipientAgency: r.recipient_agency,
      })),
      feedEntries: feedEntries.length,
    };
  }

  /** Erases up to `limit` originators' tokens kept past `now`; returns their message ids. */
  async eraseExpiredMessages(now: Date, limit: number): Promise<string[]> {
    const rows = returnedRows<{ message_id: string }>(
      await this.db.query(
        `DELETE FROM message_content WHERE ctid IN (
           SELECT ctid FROM message_content WHERE retain_until < $1 LIMIT $2)
         RETURNING message_id`,
        [now.toISOString(), limit],
      ),
    );
    return rows.map((r) => r.message_id);
  }
}
