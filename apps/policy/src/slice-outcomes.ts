/**
 * What a slice decided, kept from its transform until its transaction commits,
 * so the worker counts decisions and publish -> feed latency only for what was
 * committed (a retried slice is counted once, when it finally commits).
 */
import type { Decision } from '@liaison/contracts';

export interface SliceOutcomes {
  /** One per committed message: when the gateway accepted it (ms since the epoch). */
  readonly receivedAtMs: readonly number[];
  /** One per recipient decision: outcome and reason (the denying rule, or `shared`). */
  readonly decisions: readonly { readonly outcome: string; readonly reason: string }[];
}

/** Slices transformed but not yet committed; a slice abandoned on a rebalance ages out. */
const MAX_PENDING = 256;

export class PendingSliceOutcomes {
  private readonly pending = new Map<string, SliceOutcomes>();

  /** Keeps a slice's outcomes under its partition and last offset (a retry replaces them). */
  keep(
    partition: number,
    lastOffset: string,
    decisions: readonly Decision[],
    receivedAt: readonly string[],
  ): void {
    const key = `${partition}:${lastOffset}`;
    this.pending.delete(key);
    this.pending.set(key, {
      receivedAtMs: receivedAt.map((at) => Date.parse(at)).filter((ms) => Number.isFinite(ms)),
      decisions: decisions.flatMap((d) =>
        d.outcomes.map((o) => ({
          outcome: o.decision,
          reason: o.decision === 'DENIED' ? (o.rules[0] ?? 'denied') : 'shared',
        })),
      ),
    });
    while (this.pending.size > MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest === undefined) break;
      this.pending.delete(oldest);
    }
  }

  /** The committed slice's outcomes, once. */
  take(partition: number, lastOffset: string): SliceOutcomes | undefined {
    const key = `${partition}:${lastOffset}`;
    const found = this.pending.get(key);
    this.pending.delete(key);
    return found;
  }
}
