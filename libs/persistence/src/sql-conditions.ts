/** Building a parameterised WHERE clause, and the page shape the read repositories answer. */
import type { SqlRunner } from './sql-runner';

/** The rows a SELECT answers, typed as the caller's columns. */
export async function selectRows<T>(
  db: SqlRunner,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (await db.query(sql, params)) as T[];
}

/** SQL conditions and their parameters, numbered as they are added. */
export class SqlConditions {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(clause: string): void {
    this.clauses.push(clause);
  }

  where(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

export interface Page<T> {
  readonly rows: readonly T[];
  /** More rows follow the last one. */
  readonly more: boolean;
}

/** Newest first (the console's lists), or in log order (exports, replays). */
export type ReadOrder = 'newest' | 'ledger';

/**
 * The keyset condition and ORDER BY for a page after `cursor` on the key
 * column: newest first reads keys below the cursor, log order keys above it.
 */
export function keysetPage(
  c: SqlConditions,
  key: string,
  order: ReadOrder,
  cursor: number | undefined,
): string {
  if (cursor !== undefined) c.add(`${key} ${order === 'newest' ? '<' : '>'} ${c.param(cursor)}`);
  return `ORDER BY ${key} ${order === 'newest' ? 'DESC' : 'ASC'}`;
}
