/** Writes law-enforcement log entries (one row per processing act). */
import type { SqlRunner } from './sql-runner';

/** What an entry records: collection, alteration, consultation, disclosure, combination, erasure, or refusal of an agency's request. */
export type LeLogAction =
  | 'COLLECTION'
  | 'ALTERATION'
  | 'CONSULTATION'
  | 'DISCLOSURE'
  | 'COMBINATION'
  | 'ERASURE'
  | 'REFUSAL';

export interface LeLogEntry {
  readonly actor: string;
  readonly action: LeLogAction;
  readonly subject: string;
  readonly justification: string;
  readonly details?: Record<string, unknown>;
  /** Set only by writers that append once per event (see appendLeLogOnce). */
  readonly eventKey?: string;
}

/**
 * The INSERT of log entries given as five array parameters, from `$first` on
 * (actors, actions, subjects, justifications, details as JSON text; see
 * leLogParams), in the order given. A statement of its own, or the last part
 * of one that writes other tables in CTEs before it.
 */
export function leLogInsertSql(first = 1): string {
  const p = (i: number) => `$${first + i}`;
  return `INSERT INTO le_log (actor, action, subject, justification, details)
    SELECT actor, action, subject, justification, details
      FROM unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::text[], ${p(3)}::text[], ${p(4)}::jsonb[])
           WITH ORDINALITY AS e(actor, action, subject, justification, details, n)
     ORDER BY n`;
}

/** The five array parameters of leLogInsertSql for these entries. */
export function leLogParams(entries: readonly LeLogEntry[]): unknown[] {
  return [
    entries.map((e) => e.actor),
    entries.map((e) => e.action),
    entries.map((e) => e.subject),
    entries.map((e) => e.justification),
    entries.map((e) => JSON.stringify(e.details ?? {})),
  ];
}

export async function appendLeLog(db: SqlRunner, entries: readonly LeLogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.query(leLogInsertSql(), leLogParams(entries));
}

/** A COMBINATION entry's members as the audit app writes them (null when absent). */
export interface CombinationEntry {
  readonly learner: string | null;
  readonly learner_message: string;
  readonly holder: string | null;
  readonly holder_message: string | null;
  readonly kinds: unknown;
  readonly strength: string | null;
  readonly outcome: string | null;
}

/** The COMBINATION entries (link hits, notified or denied) logged in the period. */
export async function combinationEntries(
  db: SqlRunner,
  from: Date,
  to: Date,
): Promise<CombinationEntry[]> {
  return (await db.query(
    `SELECT details->>'learnerAgency' AS learner, subject AS learner_message,
            details->>'holderAgency' AS holder, details->>'holderMessageId' AS holder_message,
            details->'kinds' AS kinds, details->>'strength' AS strength,
            details->>'outcome' AS outcome
       FROM le_log
      WHERE action = 'COMBINATION' AND at >= $1 AND at <= $2`,
    [from.toISOString(), to.toISOString()],
  )) as CombinationEntry[];
}
