/**
 * Sends the release of a granted onward consent request (the held message
 * re-submitted under the request) until Kafka takes it. A grant records its
 * release as DUE in the same transaction as the answer; the release is sent
 * right after the commit and, should that fail (Kafka unavailable, the gateway
 * stopped between the two), again by a sweep every GATEWAY_RELEASE_RETRY_MS
 * on whichever gateway runs it first. A grant therefore never stands without
 * its release. Each send holds the request's row (SKIP LOCKED), so two
 * gateways never send one release at once; were one sent twice anyway (Kafka
 * took it, the row was not updated), the worker refuses the second as a
 * replay of the request.
 */
import { randomUUID } from 'node:crypto';
import type { Gauge } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import type { ReleaseState } from '@liaison/links';
import type { Logger } from '@liaison/observability';
import {
  countDueReleases,
  heldMessageOf,
  lockDueRelease,
  lockDueReleases,
  recordReleaseOutcome,
  type DueRelease,
  type HeldMessage,
} from '@liaison/persistence';

/** Releases one sweep sends at most. */
const SWEEP_LIMIT = 20;

export interface ReleaseSenderDeps {
  readonly ds: DataSource;
  readonly log: Logger;
  /** Puts the release submission on the submissions topic; throws when Kafka does not take it. */
  readonly send: (held: HeldMessage, requestId: string, correlationId: string) => Promise<void>;
  /** Releases still due, sampled after each sweep. */
  readonly due?: Gauge<string>;
  readonly retryMs: number;
}

export class ReleaseSender {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(private readonly deps: ReleaseSenderDeps) {}

  /** Starts the sweep that sends the releases still due. */
  start(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep().finally(() => {
        this.sweeping = undefined;
      });
    }, this.deps.retryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /**
   * Sends the request's release now if it is still due, and says where it
   * stands: QUEUED (Kafka took it), NOTHING (no content left to release), or
   * DUE (Kafka did not take it, or another gateway's sweep holds it: the
   * sweep sends it).
   */
  async releaseNow(requestId: string, correlationId: string): Promise<ReleaseState> {
    return this.deps.ds.transaction(async (tx) => {
      const due = await lockDueRelease(tx, requestId);
      return due === undefined ? 'DUE' : this.sendLocked(tx, due, correlationId);
    });
  }

  /** One sweep: the releases due for longer than one period, oldest grant first. */
  async sweep(): Promise<void> {
    try {
      await this.deps.ds.transaction(async (tx) => {
        const due = await lockDueReleases(
          tx,
          new Date(Date.now() - this.deps.retryMs),
          SWEEP_LIMIT,
        );
        for (const release of due) {
          // Kafka refused one: the rest would fail alike; the next sweep tries again.
          if ((await this.sendLocked(tx, release, randomUUID())) === 'DUE') break;
        }
      });
      this.deps.due?.set(await countDueReleases(this.deps.ds));
    } catch (error) {
      this.deps.log.error({ err: error }, 'onward releases due were not swept');
    }
  }

  private async sendLocked(
    tx: EntityManager,
    due: DueRelease,
    correlationId: string,
  ): Promise<ReleaseState> {
    const held = await heldMessageOf(tx, due.heldMessageId);
    if (held === undefined) {
      this.deps.log.warn(
        { requestId: due.requestId, heldMessageId: due.heldMessageId },
        'onward release not sent: the held content is no longer kept',
      );
      await recordReleaseOutcome(tx, due.requestId, { state: 'NOTHING' });
      return 'NOTHING';
    }
    try {
      await this.deps.send(held, due.requestId, correlationId);
    } catch (error) {
      const failed = error instanceof Error ? error.message : String(error);
      this.deps.log.warn(
        { requestId: due.requestId, attempts: due.attempts + 1, err: error },
        'onward release not taken by Kafka: it stays due and is sent again',
      );
      await recordReleaseOutcome(tx, due.requestId, { failed });
      return 'DUE';
    }
    await recordReleaseOutcome(tx, due.requestId, { state: 'QUEUED' });
    return 'QUEUED';
  }
}
