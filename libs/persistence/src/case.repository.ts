/**
 * Cases in PostgreSQL: the folded state of each case (case_state, written by
 * the audit app's ledger writer), the case's notices as the share ledger
 * records them, and the clock notices the hub raised (case_clock_notice,
 * each once by its derived id). Reads for the gateway's case views and TAXII
 * collections, and for the audit app's clock sweep; the ledger writer's fold
 * (states locked, changed states and refused notices saved) and the clock
 * notices' writes run on the caller's transaction.
 */
import type { CaseRefusalCode, CaseState } from '@liaison/cases';
import type { CaseClockNotice } from '@liaison/contracts';
import type { SqlRunner } from './sql-runner';

/** A case notice in the share ledger, as one agency's timeline shows it. */
export interface CaseNoticeRow {
  /** Ledger seq (bigint, as text). */
  readonly seq: string;
  readonly messageId: string;
  readonly messageType: string;
  readonly originatorAgency: string;
  readonly decidedAt: Date;
  readonly decision: 'FULL' | 'REDACTED' | 'DENIED';
}

/** A clock notice the hub raised to an agency. */
export interface ClockNoticeRow {
  readonly noticeId: string;
  readonly alert: 'DEADLINE_APPROACHING' | 'OVERDUE';
  readonly requestId: string;
  readonly requestedAgency: string;
  readonly clock: string;
  readonly dueAt: Date;
  readonly raisedAt: Date;
}

/** A clock notice to record: the notice's fields the table keeps. */
export type NewClockNotice = Pick<
  CaseClockNotice,
  | 'noticeId'
  | 'recipientAgency'
  | 'alert'
  | 'caseRef'
  | 'requestId'
  | 'requestedAgency'
  | 'clock'
  | 'dueAt'
  | 'raisedAt'
>;

/** A case notice the case state machine refused (case_event_refusal), with its code and reason. */
export interface CaseEventRefusal {
  readonly messageId: string;
  readonly caseRef: string;
  readonly agency: string;
  readonly code: CaseRefusalCode;
  readonly reason: string;
  readonly occurredAt: string;
}

/** Where an agency's case list stood: after this case (its change time in microseconds, exact). */
export interface CaseListPosition {
  readonly changedUs: string;
  readonly caseRef: string;
}

export class CaseRepository {
  constructor(private readonly db: SqlRunner) {}

  /** The states of the cases `agency` takes part in or is invited to, most recently changed first. */
  /**
   * A page of the cases `agency` takes part in or is invited to, most recently
   * changed first (then by reference), after `after`; with where the next page
   * begins (none after the last) and how many there are in all.
   */
  async statesPageOf(
    agency: string,
    limit: number,
    after?: CaseListPosition,
  ): Promise<{ states: CaseState[]; next: CaseListPosition | undefined; total: number }> {
    const rows = (await this.db.query(
      `SELECT state, changed_us::text AS changed_us, case_ref FROM (
         SELECT state, case_ref, (extract(epoch FROM updated_at) * 1000000)::bigint AS changed_us
           FROM case_state
          WHERE participants @> ARRAY[$1]::text[] OR state->'invited' @> to_jsonb($1::text)
       ) c
        WHERE $3::bigint IS NULL OR changed_us < $3::bigint OR (changed_us = $3::bigint AND case_ref > $4)
        ORDER BY changed_us DESC, case_ref LIMIT $2`,
      [agency, limit + 1, after?.changedUs ?? null, after?.caseRef ?? null],
    )) as { state: CaseState; changed_us: string; case_ref: string }[];
    const [counted] = (await this.db.query(
      `SELECT count(*)::int AS total FROM case_state
        WHERE participants @> ARRAY[$1]::text[] OR state->'invited' @> to_jsonb($1::text)`,
      [agency],
    )) as { total: number }[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      states: page.map((r) => r.state),
      next:
        rows.length > limit && last !== undefined
          ? { changedUs: last.changed_us, caseRef: last.case_ref }
          : undefined,
      total: counted?.total ?? 0,
    };
  }

  async state(caseRef: string): Promise<CaseState | undefined> {
    const rows = (await this.db.query('SELECT state FROM case_state WHERE case_ref = $1', [
      caseRef,
    ])) as { state: CaseState }[];
    return rows[0]?.state;
  }

  /** The states of every open case. */
  async openStates(): Promise<CaseState[]> {
    const rows = (await this.db.query(
      `SELECT state FROM case_state WHERE state->>'status' = 'OPEN'`,
    )) as { state: CaseState }[];
    return rows.map((r) => r.state);
  }

  /** The states of the cases opened in the period (the metrics' cases). */
  async statesOpenedBetween(from: Date, to: Date): Promise<CaseState[]> {
    const rows = (await this.db.query(
      `SELECT state FROM case_state
        WHERE (state->>'openedAt')::bigint >= $1 AND (state->>'openedAt')::bigint <= $2`,
      [from.getTime(), to.getTime()],
    )) as { state: CaseState }[];
    return rows.map((r) => r.state);
  }

  /** The references of the cases `agency` takes part in (invitations aside), in order. */
  async caseRefsOf(agency: string): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT case_ref FROM case_state WHERE participants @> ARRAY[$1]::text[] ORDER BY case_ref`,
      [agency],
    )) as { case_ref: string }[];
    return rows.map((r) => r.case_ref);
  }

  /**
   * The case's notices `agency` sent, or that were delivered to it (never one
   * denied to it, nor one between other agencies): one row per message, its
   * own row when it sent it, in no particular order.
   */
  async noticesFor(caseRef: string, agency: string): Promise<CaseNoticeRow[]> {
    const rows = (await this.db.query(
      `SELECT DISTINCT ON (message_id) seq, message_id, message_type, originator_agency,
              decided_at, decision
         FROM share_ledger
        WHERE case_ref = $1
          AND (originator_agency = $2 OR (recipient_agency = $2 AND decision <> 'DENIED'))
        ORDER BY message_id, (originator_agency = $2) DESC, seq`,
      [caseRef, agency],
    )) as {
      seq: string;
      message_id: string;
      message_type: string;
      originator_agency: string;
      decided_at: Date;
      decision: CaseNoticeRow['decision'];
    }[];
    return rows.map((r) => ({
      seq: String(r.seq),
      messageId: r.message_id,
      messageType: r.message_type,
      originatorAgency: r.originator_agency,
      decidedAt: r.decided_at,
      decision: r.decision,
    }));
  }

  /** The clock notices the hub raised to `agency` on this case's requests, oldest first. */
  async clockNoticesTo(caseRef: string, agency: string): Promise<ClockNoticeRow[]> {
    const rows = (await this.db.query(
      `SELECT notice_id, alert, request_id, requested_agency, clock, due_at, raised_at
         FROM case_clock_notice
        WHERE case_ref = $1 AND recipient_agency = $2
        ORDER BY raised_at, notice_id`,
      [caseRef, agency],
    )) as {
      notice_id: string;
      alert: ClockNoticeRow['alert'];
      request_id: string;
      requested_agency: string;
      clock: string;
      due_at: Date;
      raised_at: Date;
    }[];
    return rows.map((r) => ({
      noticeId: r.notice_id,
      alert: r.alert,
      requestId: r.request_id,
      requestedAgency: r.requested_agency,
      clock: r.clock,
      dueAt: r.due_at,
      raisedAt: r.raised_at,
    }));
  }

  /** Records the notices not recorded before; returns the ids of those that were new. */
  async recordClockNotices(notices: readonly NewClockNotice[]): Promise<Set<string>> {
    if (notices.length === 0) return new Set();
    const rows = (await this.db.query(
      `INSERT INTO case_clock_notice (notice_id, recipient_agency, alert, case_ref, request_id,
                                      requested_agency, clock, due_at, raised_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[],
                            $7::text[], $8::timestamptz[], $9::timestamptz[])
       ON CONFLICT (notice_id) DO NOTHING
       RETURNING notice_id`,
      [
        notices.map((p) => p.noticeId),
        notices.map((p) => p.recipientAgency),
        notices.map((p) => p.alert),
        notices.map((p) => p.caseRef),
        notices.map((p) => p.requestId),
        notices.map((p) => p.requestedAgency),
        notices.map((p) => p.clock),
        notices.map((p) => p.dueAt),
        notices.map((p) => p.raisedAt),
      ],
    )) as { notice_id: string }[];
    return new Set(rows.map((r) => r.notice_id));
  }

  /**
   * The stored states of these cases, locked FOR UPDATE until the caller's
   * transaction ends (the ledger writer folds a batch's notices into them).
   */
  async lockStates(caseRefs: readonly string[]): Promise<Map<string, CaseState>> {
    const rows = (await this.db.query(
      'SELECT case_ref, state FROM case_state WHERE case_ref = ANY($1::text[]) FOR UPDATE',
      [caseRefs],
    )) as { case_ref: string; state: CaseState }[];
    return new Map(rows.map((r) => [r.case_ref, r.state]));
  }

  /**
   * A fold's outcome in one statement: the changed states (inserted or
   * replaced, participants from the state) and the refused notices (one per
   * message, a refusal already recorded kept).
   */
  async saveFold(
    changed: ReadonlyMap<string, CaseState>,
    refusals: readonly CaseEventRefusal[],
  ): Promise<void> {
    const states = [...changed.entries()];
    await this.db.query(
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
        states.map(([ref]) => ref),
        states.map(([, state]) => JSON.stringify(state)),
        refusals.map((r) => r.messageId),
        refusals.map((r) => r.caseRef),
        refusals.map((r) => r.agency),
        refusals.map((r) => r.code),
        refusals.map((r) => r.reason),
        refusals.map((r) => r.occurredAt),
      ],
    );
  }
}
