/** What a repository runs its SQL on: a DataSource, a transaction's EntityManager or a QueryRunner. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}
