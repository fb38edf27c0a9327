/** Building a parameterised WHERE clause, and the page shape the read repositories answer. */
import type { DataSource, EntityManager } from 'typeorm';

/** Anything that runs a query: the data source or a transaction's manager. */
export type Db = Pick<DataSource | EntityManager, 'query'>;

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
