/**
 * Signs a checkpoint (tree size + root, hub EdDSA JWS) whenever the ledger grew
 * since the last one, stores it in ledger_checkpoint and publishes it on
 * hub.checkpoints.v1 so holders of checkpoints need not trust this database.
 */
import type { DataSource } from 'typeorm';
import type { Checkpoint } from '@liaison/contracts';
import { signCheckpoint, type Clock, type JwsSigner } from '@liaison/crypto';
import { LedgerCheckpointRepository } from '@liaison/persistence';

export interface CheckpointSink {
  send(records: readonly { key: string; value: Checkpoint }[]): Promise<void>;
}

export interface LedgerHead {
  head(): { treeSize: number; rootHash: string };
}

export class CheckpointPublisher {
  /** The latest checkpoint in the store, as last read or signed (null: none yet, or not read). */
  private latestSigned: { treeSize: number; issuedAtMs: number } | null = null;

  private readonly checkpoints: LedgerCheckpointRepository;

  constructor(
    ds: DataSource,
    private readonly ledger: LedgerHead,
    private readonly signer: JwsSigner,
    private readonly sink: CheckpointSink | null,
    private readonly clock: Clock = Date.now,
  ) {
    this.checkpoints = new LedgerCheckpointRepository(ds);
  }

  /** Returns the new checkpoint, or null when the tree has not grown. */
  async tick(): Promise<Checkpoint | null> {
    const { treeSize, rootHash } = this.ledger.head();
    if (treeSize === 0) return null;
    const latest = await this.checkpoints.latest();
    if (latest) {
      this.latestSigned = { treeSize: latest.treeSize, issuedAtMs: latest.issuedAt.getTime() };
    }
    if ((this.latestSigned?.treeSize ?? 0) >= treeSize) return null;
    const jws = signCheckpoint({ treeSize, rootHash }, this.signer, this.clock);
    const issuedAt = new Date(this.clock()).toISOString();
    const checkpoint: Checkpoint = { treeSize, rootHash, jws, issuedAt };
    await this.checkpoints.insert(checkpoint);
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
