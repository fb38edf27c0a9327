/**
 * Traffic for the cluster tests, paced by the policy workers: a batch of
 * submissions is sent, then the next waits until the workers' group is nearly
 * through what came before, so slices stay small and transactions follow one
 * another for the whole run. A send that fails (a leader down) is retried by the
 * idempotent producer's next attempt.
 */
import type { Admin, Producer } from '@liaison/kafka';
import { groupLag, sleep } from '../chaos/chaos-support';

export interface TrafficRecord {
  readonly key: string;
  readonly value: Buffer | null;
}

export interface PacedTrafficOptions {
  readonly producer: Producer;
  readonly admin: Admin;
  readonly topic: string;
  /** The workers' consumer group. */
  readonly group: string;
  readonly records: readonly TrafficRecord[];
  readonly perSend: number;
  /** The next batch goes out once the group's lag is at most this. */
  readonly maxLag: number;
  /** How long to wait for the lag to come down before sending anyway. */
  readonly lagWaitMs?: number;
}

export class PacedTraffic {
  /** Records sent so far. */
  sent = 0;
  private sending = true;
  readonly done: Promise<void>;

  constructor(private readonly o: PacedTrafficOptions) {
    this.done = this.run();
  }

  /** Stops after the batch in flight. */
  stop(): void {
    this.sending = false;
  }

  /** Resolves once `fraction` of the records have been sent. */
  async reached(fraction: number, timeoutMs = 600_000): Promise<void> {
    const target = Math.ceil(this.o.records.length * fraction);
    const deadline = Date.now() + timeoutMs;
    while (this.sent < target) {
      if (Date.now() > deadline) {
        throw new Error(`traffic: ${this.sent} of ${target} records sent after ${timeoutMs} ms`);
      }
      await sleep(100);
    }
  }

  private lag(): Promise<bigint> {
    return groupLag(this.o.admin, this.o.group, this.o.topic).catch(() => -1n);
  }

  private async run(): Promise<void> {
    const { producer, topic, records, perSend, maxLag } = this.o;
    while (this.sending && this.sent < records.length) {
      const batch = records.slice(this.sent, this.sent + perSend);
      try {
        await producer.send({ topic, acks: -1, messages: batch.map((r) => ({ ...r })) });
        this.sent += batch.length;
      } catch {
        await sleep(500);
        continue;
      }
      const deadline = Date.now() + (this.o.lagWaitMs ?? 120_000);
      while (this.sending && Date.now() < deadline) {
        const lag = await this.lag();
        if (lag >= 0n && lag <= BigInt(maxLag)) break;
        await sleep(100);
      }
    }
  }

  /** Waits until the group has processed everything sent; returns the last lag read. */
  async drained(timeoutMs = 600_000): Promise<bigint> {
    await this.done;
    const deadline = Date.now() + timeoutMs;
    let lag = -1n;
    while (Date.now() < deadline && (lag = await this.lag()) !== 0n) await sleep(500);
    return lag;
  }
}
