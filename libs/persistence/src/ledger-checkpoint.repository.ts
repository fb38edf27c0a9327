/**
 * The ledger's signed checkpoints (ledger_checkpoint): one per tree size, each
 * a JWS over the tree size and root hash, written once by the audit app and
 * read by oversight (pages, counts, one by tree size).
 */
import { selectRows, type Page } from './sql-conditions';
import type { SqlRunner } from './sql-runner';

/** A stored checkpoint as oversight reads it: the tree size a bigint, as text. */
export interface CheckpointRow {
  readonly tree_size: string;
  readonly root_hash: string;
  readonly jws: string;
  readonly issued_at: Date;
}

const CHECKPOINT_COLUMNS = 'tree_size, root_hash, jws, issued_at';

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

  /** Signed checkpoints, largest first, below tree size `before` when given. */
  async page(limit: number, before: number | undefined): Promise<Page<CheckpointRow>> {
    const rows = await selectRows<CheckpointRow>(
      this.db,
      `SELECT ${CHECKPOINT_COLUMNS} FROM ledger_checkpoint
        WHERE ($1::bigint IS NULL OR tree_size < $1) ORDER BY tree_size DESC LIMIT $2`,
      [before ?? null, limit + 1],
    );
    return { rows: rows.slice(0, limit), more: rows.length > limit };
  }

  /** How many signed checkpoints there are. */
  async count(): Promise<number> {
    const [row] = await selectRows<{ n: string }>(
      this.db,
      'SELECT count(*) AS n FROM ledger_checkpoint',
    );
    return Number(row?.n ?? 0);
  }

  /** The checkpoint of this tree size, or the latest. */
  async at(size: number | 'latest'): Promise<CheckpointRow | undefined> {
    const [row] =
      size === 'latest'
        ? await selectRows<CheckpointRow>(
            this.db,
            `SELECT ${CHECKPOINT_COLUMNS} FROM ledger_checkpoint ORDER BY tree_size DESC LIMIT 1`,
          )
        : await selectRows<CheckpointRow>(
            this.db,
            `SELECT ${CHECKPOINT_COLUMNS} FROM ledger_checkpoint WHERE tree_size = $1`,
            [size],
          );
    return row;
  }
}
