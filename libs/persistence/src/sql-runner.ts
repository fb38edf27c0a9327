/** What a repository runs its SQL on: a DataSource, a transaction's EntityManager or a QueryRunner. */
export interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * The rows an UPDATE or DELETE ... RETURNING gave back: TypeORM answers those
 * on PostgreSQL with [rows, affected], a SELECT or INSERT with the rows alone.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

/** One round trip to the database (`SELECT 1`): the readiness check's question. */
export async function pingDatabase(db: SqlRunner): Promise<void> {
  await db.query('SELECT 1');
}
