/**
 * The ledger's signed checkpoints (ledger_checkpoint): one per tree size, each
 * a JWS over the tree size and root hash, written once by the audit app.
 */
import type { SqlRunner } from './sql-runner';

/** A stored checkpoint, as the publisher tracks it. */
export interface CheckpointMark {
  readonly treeSize: number;
  readonly issuedAt: Date;
}

export interface NewCheckpoint {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly jws: string;
  /** RFC 3339. */
  readonly issuedAt: string;
}

export class LedgerCheckpointRepository {
  constructor(private readonly db: SqlRunner) {}

  /** The checkpoint of the largest tree; undefined before the first. */
  async latest(): Promise<CheckpointMark | undefined> {
    const rows = (await this.db.query(
      'SELECT tree_size, issued_at FROM ledger_checkpoint ORDER BY tree_size DESC LIMIT 1',
    )) as { tree_size: string; issued_at: Date }[];
    const row = rows[0];
    return row && { treeSize: Number(row.tree_size), issuedAt: new Date(row.issued_at) };
  }

  /** Stores the checkpoint; one already stored for its tree size is kept. */
  async insert(checkpoint: NewCheckpoint): Promise<void> {
    await this.db.query(
      `INSERT INTO ledger_checkpoint (tree_size, root_hash, jws, issued_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT (tree_size) DO NOTHING`,
      [checkpoint.treeSize, checkpoint.rootHash, checkpoint.jws, checkpoint.issuedAt],
    );
  }
}
