/**
 * Feeds hub.decisions.v1 (read_committed, group liaison-audit-ledger) into the
 * ledger writer. Offsets are committed by kafkajs only after the handler
 * returns, i.e. after the batch's database transaction committed: at-least-once
 * delivery plus idempotent rows = each row once. A batch that fails is retried
 * one decision at a time so one bad decision cannot block its partition.
 *
 * Only the lock holder is a member of the group. A writer that lost its
 * session and, with it, the lock to another instance steps down: its batch
 * fails uncommitted, it leaves the group (the partitions go to the new
 * holder), waits for the lock as a standby does and joins again once it
 * holds it. Waiting inside the batch instead would keep its partitions from
 * the holder for as long as the member stays in the group. With no decision
 * coming, the session is checked every SESSION_CHECK_MS, so an idle former
 * active steps down as well.
 */
import type { Kafka } from '@liaison/kafka';
import { codecFor, type Decision } from '@liaison/contracts';
import { Topic, TypedConsumer, groupId, type ConsumedRecord } from '@liaison/kafka';
import {
  LedgerWriterLockLost,
  isConnectionLost,
  type IngestResult,
  type LedgerWriter,
} from './ledger-writer';

export const LEDGER_GROUP = 'liaison-audit-ledger';

/**
 * How often the writer's session is checked between batches: a former active
 * whose session a restart ended learns within this whether another instance
 * holds the lock now, even with no decision coming.
 */
export const SESSION_CHECK_MS = 5000;

export interface DecisionIngestOptions {
  readonly groupId?: string;
  readonly topic?: string;
  readonly onIngested?: (result: IngestResult) => void;
  readonly onRejected?: (
    record: { offset: string; messageId: string | null },
    error: unknown,
  ) => void;
  /** Stepping down (`left`: another writer holds the lock) and back (`rejoined`). */
  readonly onRoleChange?: (change: 'left' | 'rejoined' | 'rejoin failed', error?: unknown) => void;
  /** The standby's lock wait lost its session (it waits again). */
  readonly onLockWaitLost?: (error: unknown) => void;
}

export class DecisionIngest {
  private readonly consumer: TypedConsumer<Decision>;
  /** The step-down in progress, if any. */
  private stepping: Promise<void> | undefined;
  private stopped = false;
  private sessionWatch: NodeJS.Timeout | undefined;

  constructor(
    kafka: Kafka,
    private readonly writer: LedgerWriter,
    private readonly options: DecisionIngestOptions = {},
  ) {
    this.consumer = new TypedConsumer<Decision>(kafka, {
      groupId: options.groupId ?? groupId(LEDGER_GROUP),
      topics: [options.topic ?? Topic.decisions],
      codec: codecFor('Decision'),
      fromBeginning: true,
      onUndecodable: ({ offset, error }) => {
        options.onRejected?.({ offset, messageId: null }, error);
        return Promise.resolve();
      },
    });
  }

  async start(): Promise<void> {
    await this.consumer.start((batch) => this.handle(batch));
    this.watchSession();
  }

  async handle(batch: readonly ConsumedRecord<Decision>[]): Promise<void> {
    try {
      this.options.onIngested?.(await this.writer.ingest(batch.map((r) => r.value)));
      return;
    } catch (error) {
      if (error instanceof LedgerWriterLockLost) this.stepDown(error);
      // otherwise fall through: isolate the decision that fails
    }
    for (const record of batch) {
      try {
        this.options.onIngested?.(await this.writer.ingest([record.value]));
      } catch (error) {
        if (error instanceof LedgerWriterLockLost) this.stepDown(error);
        if (isTransient(error)) throw error; // let kafkajs retry the batch
        this.options.onRejected?.(
          { offset: record.offset, messageId: record.value.messageId },
          error,
        );
      }
    }
  }

  /** Fails the batch (its offsets stay uncommitted) and steps down. */
  private stepDown(error: LedgerWriterLockLost): never {
    this.leave(error);
    throw error;
  }

  /**
   * Once at a time: leaves the group, waits for the lock and joins again. The
   * leaving starts on the next turn, so a batch that failed is seen to fail
   * first: kafkajs stops its consumer only between batches.
   */
  private leave(error: LedgerWriterLockLost): void {
    this.stepping ??= (async () => {
      await new Promise((r) => setImmediate(r));
      await this.consumer.stop();
      this.options.onRoleChange?.('left', error);
      if (this.stopped) return;
      await this.writer.waitForLock(this.options.onLockWaitLost);
      if (this.stopped) return;
      await this.start();
      this.options.onRoleChange?.('rejoined');
    })()
      .catch((failure: unknown) => this.options.onRoleChange?.('rejoin failed', failure))
      .finally(() => {
        this.stepping = undefined;
      });
  }

  /** Between batches, the writer's session every SESSION_CHECK_MS: see LedgerWriter.checkSession. */
  private watchSession(): void {
    this.sessionWatch ??= setInterval(() => {
      if (this.stepping !== undefined) return;
      this.writer.checkSession().catch((error: unknown) => {
        if (error instanceof LedgerWriterLockLost) this.leave(error);
      });
    }, SESSION_CHECK_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sessionWatch);
    await this.consumer.stop();
  }
}

/** Connection, resource and serialisation failures are retried; anything else is the decision's fault. */
function isTransient(error: unknown): boolean {
  if (isConnectionLost(error)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^(40|53|57|58)/.test(code)) return true;
  return /connect|timeout/i.test(error instanceof Error ? error.message : String(error));
}
