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
