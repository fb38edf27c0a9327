/**
 * The single writer of the share ledger. It holds a PostgreSQL advisory lock on
 * its own session for its whole life (a second instance waits), continues from
 * max(seq)+1, and keeps the ledger's Merkle tree as a compact range in memory,
 * loaded once at start. Each batch of decisions is one transaction: rows that
 * already exist are skipped BEFORE seqs are assigned, so a redelivered decision
 * never consumes a seq and the tree always equals the table.
 * With link notices on, the same transaction indexes each newly recorded
 * message's selector pseudonyms, matches them against other agencies' messages
 * and writes the revealed link notices into the feeds (link-notices.ts), so
 * links are found exactly once however often a decision is delivered. The
 * case notices of a batch are folded into their cases in the same
 * transaction, which also raises the clock notices the changed cases owe.
 * A decision the worker held for onward sharing asks the original
 * originator's consent in the same transaction (onward-consent-requests.ts);
 * a release under a granted consent adds a release row per delivered
 * recipient and logs each consented recipient the policy now denies
 * (onward-releases.ts).
 */
import type { PoolClient } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import type { CaseState } from '@liaison/cases';
import type { Decision, RecipientOutcome } from '@liaison/contracts';
import type { JwsSigner } from '@liaison/crypto';
import { MerkleAccumulator } from '@liaison/ledger';
import {
  appendLeLogOnce,
  consentNoticeOf,
  insertConsentRequests,
  insertHubNotices,
  insertLinkRows,
  leLogInsertSql,
  leLogParams,
  raiseConsentNotices,
  rowsSharing,
  type LeLogEntry,
  type NewConsentRequest,
} from '@liaison/persistence';
import {
  appendLedgerRow,
  caseEventDraft,
  decidedAtOf,
  deliveryContentDraft,
  leLogEntriesFor,
  ledgerRowFields,
  ledgerRowKey,
  messageContentDraft,
  type CaseEventDraft,
  type DeliveryContentDraft,
  type MessageContentDraft,
  type NewLedgerRow,
  type PresentationCache,
} from './decision-records';
import { planClockNotices, raiseClockNotices } from './case-clock-notices';
import { caseNoticeDecisions, caseRefusalLogEntry, foldCaseNotices } from './case-fold';
import { copyDeliveryContent, copyLedgerRows } from './ledger-copy';
import type { LinkWorld } from '@liaison/links';
import { planLinkNotices } from './link-notices';
import { planConsentRequests } from './onward-consent-requests';
import { releaseLogEntries, releaseRefusals } from './onward-releases';

/** What the writer needs to find links: the world's links rules and the hub's signer. */
export interface LinkNoticeContext {
  /** The last world that compiled; undefined while there is none (links wait, rows do not). */
  readonly world: () => LinkWorld | undefined;
  readonly signer: JwsSigner;
}

/** What the writer needs to raise clock notices for the cases a batch changes. */
export interface ClockNoticeContext {
  readonly signer: JwsSigner;
  readonly now: () => number;
}

/** An outcome to record, with its decision. */
interface Candidate {
  readonly decision: Decision;
  readonly outcome: RecipientOutcome;
}

/** Key of the advisory lock only the ledger writer takes ("LIAISON1" as an int8). */
export const LEDGER_WRITER_LOCK = 0x4c494149534f4e31n;

export interface IngestResult {
  readonly decisions: number;
  readonly rowsWritten: number;
  readonly rowsSkipped: number;
  readonly digestMismatches: number;
  readonly treeSize: number;
  /** Link notices written into feeds. */
  readonly linkNotices: number;
  /** Clock notices (DEADLINE_APPROACHING, OVERDUE) written into feeds. */
  readonly clockNotices: number;
}

export type { NewLedgerRow } from './decision-records';

interface WriterSession {
  readonly runner: QueryRunner;
  /** The runner's own pg connection (the session holding the lock), for COPY. */
  readonly connection: PoolClient;
  readonly accumulator: MerkleAccumulator;
}

/** The database session is gone (server restarted, connection cut): open a new one. */
export function isConnectionLost(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^(08|57P0)/.test(code)) return true;
  if (error instanceof Error && error.name === 'QueryRunnerAlreadyReleasedError') return true;
  return /Connection terminated|not queryable|ECONNRESET|ECONNREFUSED|EPIPE/i.test(
    error instanceof Error ? error.message : String(error),
  );
}

export class LedgerWriter {
  private queue: Promise<unknown> = Promise.resolve();
  /** The last batch lost the session: the next one starts with a new session. */
  private sessionLost = false;

  private constructor(
    private readonly ds: DataSource,
    private readonly pageSize: number,
    private session: WriterSession,
    private readonly links: LinkNoticeContext | undefined,
    private readonly clocks: ClockNoticeContext | undefined,
  ) {}

  private get runner(): QueryRunner {
    return this.session.runner;
  }

  private get accumulator(): MerkleAccumulator {
    return this.session.accumulator;
  }

  /** Takes the writer lock (waits for it) and loads the tree from the table, once. */
  static async open(
    ds: DataSource,
    pageSize = 50_000,
    links?: LinkNoticeContext,
    clocks?: ClockNoticeContext,
  ): Promise<LedgerWriter> {
    return new LedgerWriter(
      ds,
      pageSize,
      await LedgerWriter.openSession(ds, pageSize),
      links,
      clocks,
    );
  }

  private static async openSession(ds: DataSource, pageSize: number): Promise<WriterSession> {
    const runner = ds.createQueryRunner();
    const connection = (await runner.connect()) as PoolClient;
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [LEDGER_WRITER_LOCK.toString()]);
      // Once per session rather than a SET TRANSACTION in every batch (a round trip each).
      await runner.query(
        'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED',
      );
      const accumulator = MerkleAccumulator.empty();
      let after = 0;
      for (;;) {
        const page = (await runner.query(
          'SELECT seq, leaf_hash FROM share_ledger WHERE seq > $1 ORDER BY seq LIMIT $2',
          [after, pageSize],
        )) as { seq: string; leaf_hash: string }[];
        for (const row of page) {
          const seq = Number(row.seq);
          if (seq !== accumulator.size + 1) {
            throw new Error(
              `share_ledger is not contiguous at seq ${accumulator.size + 1} (found ${seq}); run the verifier`,
            );
          }
          accumulator.appendHex(row.leaf_hash);
          after = seq;
        }
        if (page.length < pageSize) break;
      }
      return { runner, connection, accumulator };
    } catch (error) {
      await LedgerWriter.discard(runner, error);
      throw error;
    }
  }

  /**
   * Gives a session's connection back, destroyed when it was lost: released
   * plainly, a connection whose end pg has not reported yet would go back to the
   * pool and be handed straight to the next session.
   */
  private static async discard(runner: QueryRunner, error?: unknown): Promise<void> {
    const lost = error === undefined || isConnectionLost(error);
    const pgRunner = runner as QueryRunner & {
      releasePostgresConnection?: (err?: Error) => Promise<void>;
    };
    if (lost && pgRunner.releasePostgresConnection) {
      await pgRunner.releasePostgresConnection(new Error('ledger writer session lost'));
    } else {
      await runner.release();
    }
  }

  /**
   * After a lost session (PostgreSQL restarted, connection cut): the lock went
   * with it, so take it again on a new session and reload the tree from the
   * table, which holds exactly the committed rows.
   */
  private async reopen(): Promise<void> {
    await LedgerWriter.discard(this.session.runner).catch(() => undefined);
    this.session = await LedgerWriter.openSession(this.ds, this.pageSize);
    this.sessionLost = false;
  }

  get treeSize(): number {
    return this.accumulator.size;
  }

  /** Size and root of the committed rows, read together. */
  head(): { treeSize: number; rootHash: string } {
    return { treeSize: this.accumulator.size, rootHash: this.accumulator.rootHex() };
  }

  /** Serialised: one batch at a time on the locked session. */
  ingest(decisions: readonly Decision[]): Promise<IngestResult> {
    const run = this.queue.then(async () => {
      // typeorm releases a runner whose connection emitted an error.
      if (this.sessionLost || this.runner.isReleased) await this.reopen();
      try {
        return await this.ingestNow(decisions);
      } catch (error) {
        if (isConnectionLost(error)) this.sessionLost = true;
        throw error;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async ingestNow(decisions: readonly Decision[]): Promise<IngestResult> {
    // Unique (message, recipient) candidates, first occurrence wins.
    const candidates = new Map<string, Candidate>();
    // A release writes deliveries only: the pair keeps its first denial.
    const refusedReleases: Decision[] = [];
    for (const decision of decisions) {
      const release = decision.releaseOf !== null;
      if (release && decision.outcomes.some((o) => o.decision === 'DENIED')) {
        refusedReleases.push(decision);
      }
      for (const outcome of decision.outcomes) {
        if (release && outcome.decision === 'DENIED') continue;
        const key = ledgerRowKey(decision.messageId, outcome.recipientAgency, release);
        if (!candidates.has(key)) candidates.set(key, { decision, outcome });
      }
    }
    const total = decisions.reduce((n, d) => n + d.outcomes.length, 0);
    const runner = this.runner;
    await runner.startTransaction(); // READ COMMITTED: the session's characteristic
    try {
      const existing = await this.existingKeys([...candidates.values()]);
      const pending: Candidate[] = [];
      for (const [key, candidate] of candidates) if (!existing.has(key)) pending.push(candidate);
      const next = this.accumulator.clone();
      const recordedByMessage = new Map<
        string,
        { decision: Decision; outcomes: RecipientOutcome[] }
      >();
      // Seqs and leaves assigned as the COPY pulls them, so the server inserts
      // one chunk while the next is hashed.
      const newRows = function* (): Generator<NewLedgerRow> {
        // A decision's rows are consecutive: its decidedAt is normalised once.
        let drafted: Decision | undefined;
        let decidedAt = '';
        for (const { decision, outcome } of pending) {
          if (decision !== drafted) {
            decidedAt = decidedAtOf(decision);
            drafted = decision;
          }
          const row = appendLedgerRow(next, ledgerRowFields(decision, outcome, decidedAt));
          const id = `${row.fields.messageId}|${row.fields.releaseOf ?? ''}`;
          const entry = recordedByMessage.get(id) ?? { decision, outcomes: [] };
          entry.outcomes.push(outcome);
          recordedByMessage.set(id, entry);
          yield row;
        }
      };
      let digestMismatches = 0;
      let linkNotices = 0;
      let clockNotices = 0;
      if (pending.length > 0) {
        // Deliberately no conflict handling: redelivered rows were filtered out
        // above, so a unique violation means a second writer without the lock,
        // and it rolls the batch back rather than leaving a hole in the seqs.
        const written = await copyLedgerRows(this.session.connection, newRows());
        // The server's count of rows copied, against the rows hashed into the tree.
        if (written !== pending.length) {
          throw new Error(`ledger COPY wrote ${written} of ${pending.length} rows`);
        }
        const contents: MessageContentDraft[] = [];
        const deliveries: DeliveryContentDraft[] = [];
        const caseEvents: CaseEventDraft[] = [];
        const log: LeLogEntry[] = [];
        for (const { decision, outcomes } of recordedByMessage.values()) {
          const content = messageContentDraft(decision);
          if (decision.releaseOf !== null) {
            // The held message's content was kept when it was first decided.
            contents.push(content);
            for (const outcome of outcomes) {
              const delivery = deliveryContentDraft(decision, outcome);
              if (!delivery) continue;
              if (!delivery.digestMatches) digestMismatches += 1;
              deliveries.push(delivery);
            }
            log.push(...releaseLogEntries(decision, outcomes));
            continue;
          }
          contents.push(content);
          const presentations: PresentationCache = new Map();
          for (const outcome of outcomes) {
            const delivery = deliveryContentDraft(decision, outcome, presentations);
            if (!delivery) continue;
            if (!delivery.digestMatches) digestMismatches += 1;
            deliveries.push(delivery);
          }
          const caseEvent = caseEventDraft(decision);
          if (caseEvent) caseEvents.push(caseEvent);
          log.push(...leLogEntriesFor(decision, outcomes, content));
        }
        const folded = await this.foldCases(
          caseNoticeDecisions(
            [...recordedByMessage.values()]
              .map((r) => r.decision)
              .filter((d) => d.releaseOf === null),
          ),
        );
        log.push(...folded.refusals);
        clockNotices = folded.clockNotices;
        await this.insertContentAndLog(contents, caseEvents, log);
        await copyDeliveryContent(this.session.connection, deliveries);
        linkNotices = await this.recordLinks(contents, recordedByMessage);
        await this.requestConsents(recordedByMessage.values());
      }
      await appendLeLogOnce(this.runner.manager, refusedReleases.flatMap(releaseRefusals));
      await runner.commitTransaction();
      this.session = { ...this.session, accumulator: next };
      return {
        decisions: decisions.length,
        rowsWritten: pending.length,
        rowsSkipped: total - pending.length,
        digestMismatches,
        treeSize: next.size,
        linkNotices,
        clockNotices,
      };
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  }

  /**
   * In batch order, so a message links to one earlier in the same batch: match
   * against the index, then add the message's own rows.
   */
  private async recordLinks(
    contents: readonly MessageContentDraft[],
    recorded: ReadonlyMap<string, { decision: Decision }>,
  ): Promise<number> {
    const world = this.links?.world();
    if (this.links === undefined || world === undefined) return 0;
    const retainUntil = new Map(contents.map((c) => [c.messageId, c.retainUntil]));
    let written = 0;
    for (const { decision } of recorded.values()) {
      const messageId = decision.messageId.toLowerCase();
      const links = decision.links;
      if (links === null || links.pseudonyms.length === 0) continue;
      const plan = planLinkNotices({
        decision,
        links,
        matched: await rowsSharing(this.runner, links.pseudonyms),
        world,
        signer: this.links.signer,
        retainUntil: retainUntil.get(messageId) ?? decidedAtOf(decision),
        decidedAt: decidedAtOf(decision),
      });
      await insertLinkRows(this.runner, plan.rows);
      written += await insertHubNotices(this.runner, 'LINK_NOTICE', plan.notices);
      await appendLeLogOnce(
        this.runner.manager,
        plan.log.map((e) => ({ ...e, eventKey: e.eventKey ?? '' })),
      );
    }
    return written;
  }

  /**
   * A consent request per held message and original, once, with its log entry
   * and a hub-signed notice in the original originator's feed.
   */
  private async requestConsents(recorded: Iterable<{ decision: Decision }>): Promise<void> {
    const requests: NewConsentRequest[] = [];
    const log: LeLogEntry[] = [];
    for (const { decision } of recorded) {
      if (decision.onwardHolds.length === 0) continue;
      const plan = planConsentRequests(decision, decidedAtOf(decision));
      requests.push(...plan.requests);
      log.push(...plan.log);
    }
    if (requests.length === 0) return;
    const raised = new Set(await insertConsentRequests(this.runner, requests));
    const signer = this.links?.signer ?? this.clocks?.signer;
    if (signer !== undefined) {
      await raiseConsentNotices(
        this.runner,
        requests
          .filter((r) => raised.has(r.requestId))
          .map((r) =>
            consentNoticeOf({ ...r, reason: null }, 'CONSENT_REQUESTED', r.requestedAt, signer),
          ),
      );
    }
    await appendLeLogOnce(
      this.runner.manager,
      log.map((e) => ({ ...e, eventKey: e.eventKey ?? '' })),
    );
  }

  private async existingKeys(candidates: readonly Candidate[]): Promise<Set<string>> {
    if (candidates.length === 0) return new Set();
    const found = (await this.runner.query(
      `SELECT l.message_id, l.recipient_agency, l.release_of FROM share_ledger l
         JOIN unnest($1::uuid[], $2::text[]) AS c(message_id, recipient_agency)
           ON l.message_id = c.message_id AND l.recipient_agency = c.recipient_agency`,
      [
        candidates.map((c) => c.decision.messageId.toLowerCase()),
        candidates.map((c) => c.outcome.recipientAgency),
      ],
    )) as { message_id: string; recipient_agency: string; release_of: string | null }[];
    return new Set(
      found.map((r) => ledgerRowKey(r.message_id, r.recipient_agency, r.release_of !== null)),
    );
  }

  /**
   * Folds the batch's case notices into the stored cases (locked for the
   * transaction), writes the changed states and the refused notices, raises
   * the clock notices the changed cases owe now, and returns the REFUSAL log
   * entries for the refused notices.
   */
  private async foldCases(
    decisions: readonly Decision[],
  ): Promise<{ refusals: LeLogEntry[]; clockNotices: number }> {
    if (decisions.length === 0) return { refusals: [], clockNotices: 0 };
    const refs = [...new Set(decisions.map((d) => d.caseRef ?? ''))];
    const rows = (await this.runner.query(
      'SELECT case_ref, state FROM case_state WHERE case_ref = ANY($1::text[]) FOR UPDATE',
      [refs],
    )) as { case_ref: string; state: CaseState }[];
    const fold = foldCaseNotices(decisions, new Map(rows.map((r) => [r.case_ref, r.state])));
    const changed = [...fold.changed.entries()];
    await this.runner.query(
      `WITH states AS (
         INSERT INTO case_state (case_ref, state, participants, updated_at)
         SELECT c.case_ref, c.state, ARRAY(SELECT jsonb_array_elements_text(c.state->'participants')), now()
           FROM unnest($1::text[], $2::jsonb[]) AS c(case_ref, state)
         ON CONFLICT (case_ref) DO UPDATE
           SET state = EXCLUDED.state, participants = EXCLUDED.participants, updated_at = now()
       )
       INSERT INTO case_event_refusal (message_id, case_ref, agency, code, reason, occurred_at)
       SELECT * FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
       ON CONFLICT (message_id) DO NOTHING`,
      [
        changed.map(([ref]) => ref),
        changed.map(([, state]) => JSON.stringify(state)),
        fold.refusals.map((r) => r.messageId),
        fold.refusals.map((r) => r.caseRef),
        fold.refusals.map((r) => r.agency),
        fold.refusals.map((r) => r.code),
        fold.refusals.map((r) => r.reason),
        fold.refusals.map((r) => r.occurredAt),
      ],
    );
    const clockNotices =
      this.clocks === undefined
        ? 0
        : await raiseClockNotices(
            this.runner,
            planClockNotices(fold.changed.values(), this.clocks.now()),
            this.clocks.signer,
          );
    return { refusals: fold.refusals.map(caseRefusalLogEntry), clockNotices };
  }

  /**
   * The originator's content, case events and the law-enforcement log entries
   * of a batch in one statement (one round trip): data-modifying CTEs run
   * whether or not the outer query reads them; the log rows go in the order
   * given.
   */
  private async insertContentAndLog(
    contents: readonly MessageContentDraft[],
    caseEvents: readonly CaseEventDraft[],
    log: readonly LeLogEntry[],
  ): Promise<void> {
    await this.runner.query(
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

  /** Releases the lock (by ending the session). */
  async close(): Promise<void> {
    await this.queue;
    await this.runner
      .query('SELECT pg_advisory_unlock($1)', [LEDGER_WRITER_LOCK.toString()])
      .catch(() => undefined);
    await this.runner.release();
  }
}
