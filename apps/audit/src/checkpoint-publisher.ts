/**
 * Signs a checkpoint (tree size + root, hub EdDSA JWS) whenever the ledger grew
 * since the last one, stores it in ledger_checkpoint and publishes it on
 * hub.checkpoints.v1 so holders of checkpoints need not trust this database.
 */
import type { DataSource } from 'typeorm';
import type { Checkpoint } from '@liaison/contracts';
import { signCheckpoint, type Clock, type JwsSigner } from '@liaison/crypto';

export interface CheckpointSink {
  send(records: readonly { key: string; value: Checkpoint }[]): Promise<void>;
}

export interface LedgerHead {
  head(): { treeSize: number; rootHash: string };
}

export class CheckpointPublisher {
  /** The latest checkpoint in the store, as last read or signed (null: none yet, or not read). */
  private latestSigned: { treeSize: number; issuedAtMs: number } | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly ledger: LedgerHead,
    private readonly signer: JwsSigner,
    private readonly sink: CheckpointSink | null,
    private readonly clock: Clock = Date.now,
  ) {}

  /** Returns the new checkpoint, or null when the tree has not grown. */
  async tick(): Promise<Checkpoint | null> {
    const { treeSize, rootHash } = this.ledger.head();
    if (treeSize === 0) return null;
    const [latest] = await this.ds.query<{ tree_size: string; issued_at: Date }[]>(
      'SELECT tree_size, issued_at FROM ledger_checkpoint ORDER BY tree_size DESC LIMIT 1',
    );
    if (latest) {
      this.latestSigned = {
        treeSize: Number(latest.tree_size),
        issuedAtMs: new Date(latest.issued_at).getTime(),
      };
    }
    if ((this.latestSigned?.treeSize ?? 0) >= treeSize) return null;
    const jws = signCheckpoint({ treeSize, rootHash }, this.signer, this.clock);
    const issuedAt = new Date(this.clock()).toISOString();
    await this.ds.query(
      `INSERT INTO ledger_checkpoint (tree_size, root_hash, jws, issued_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT (tree_size) DO NOTHING`,
      [treeSize, rootHash, jws, issuedAt],
    );
    const checkpoint: Checkpoint = { treeSize, rootHash, jws, issuedAt };
    this.latestSigned = { treeSize, issuedAtMs: Date.parse(issuedAt) };
    // Stored first: a failed publish is retried with the next checkpoint, never lost from the store.
    if (this.sink) await this.sink.send([{ key: 'ledger', value: checkpoint }]);
    return checkpoint;
  }

  /** Seconds since the latest checkpoint was signed; undefined before the first is known. */
  checkpointAgeSeconds(now = this.clock()): number | undefined {
    return this.latestSigned === null ? undefined : (now - this.latestSigned.issuedAtMs) / 1000;
  }

  /** Ledger rows no checkpoint covers yet. */
  unsignedRows(): number {
    return Math.max(0, this.ledger.head().treeSize - (this.latestSigned?.treeSize ?? 0));
  }
}
