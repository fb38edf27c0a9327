/** Writes law-enforcement log entries (one row per processing act). */
import type { DataSource, EntityManager } from 'typeorm';
import type { LeLogAction } from './entities';

export interface LeLogEntry {
  readonly actor: string;
  readonly action: LeLogAction;
  readonly subject: string;
  readonly justification: string;
  readonly details?: Record<string, unknown>;
}

export async function appendLeLog(
  db: DataSource | EntityManager,
  entries: readonly LeLogEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const values: unknown[] = [];
  const rows = entries.map((e, i) => {
    values.push(e.actor, e.action, e.subject, e.justification, JSON.stringify(e.details ?? {}));
    const b = i * 5;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb)`;
  });
  await db.query(
    `INSERT INTO le_log (actor, action, subject, justification, details) VALUES ${rows.join(', ')}`,
    values,
  );
}

/**
 * Entries as parallel column arrays (details as JSON text), for a statement
 * that inserts them with unnest, in this order, alongside other writes.
 */
export function leLogColumns(entries: readonly LeLogEntry[]): {
  readonly actors: string[];
  readonly actions: LeLogAction[];
  readonly subjects: string[];
  readonly justifications: string[];
  readonly details: string[];
} {
  return {
    actors: entries.map((e) => e.actor),
    actions: entries.map((e) => e.action),
    subjects: entries.map((e) => e.subject),
    justifications: entries.map((e) => e.justification),
    details: entries.map((e) => JSON.stringify(e.details ?? {})),
  };
}
