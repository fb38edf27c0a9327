/**
 * Flood control for the refusal log: per agency (and how it was attributed) and
 * per window (a minute by default), the first `limit` refusals are listed one
 * entry each; the rest are only counted, and become ONE aggregate entry with
 * their count and reason codes when the window ends. Pure: the caller passes
 * the time and writes the entries.
 */
import type { AgencyAttribution, RefusalAggregate, RefusalStage } from '@liaison/persistence';

export type Admission = 'listed' | 'counted';

interface OpenWindow {
  readonly agency: string | null;
  readonly attribution: AgencyAttribution;
  readonly startMs: number;
  listed: number;
  counted: number;
  readonly codes: Map<string, number>;
}

export class RefusalWindows {
  private readonly open = new Map<string, OpenWindow>();
  /** Windows replaced by a newer one before close() saw them end. */
  private ended: OpenWindow[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly stage: RefusalStage = 'gateway',
  ) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError('limit: a whole number >= 0');
    if (!Number.isInteger(windowMs) || windowMs < 1) throw new RangeError('windowMs: >= 1');
  }

  /** Whether this refusal gets an entry of its own or is counted into the window's aggregate. */
  admit(
    agency: string | null,
    attribution: AgencyAttribution,
    reasonCode: string,
    nowMs: number,
  ): Admission {
    const key = `${attribution} ${agency ?? ''}`;
    const startMs = Math.floor(nowMs / this.windowMs) * this.windowMs;
    let window = this.open.get(key);
    if (window && window.startMs !== startMs) {
      if (window.counted > 0) this.ended.push(window);
      window = undefined;
    }
    if (!window) {
      window = { agency, attribution, startMs, listed: 0, counted: 0, codes: new Map() };
      this.open.set(key, window);
    }
    if (window.listed < this.limit) {
      window.listed += 1;
      return 'listed';
    }
    window.counted += 1;
    window.codes.set(reasonCode, (window.codes.get(reasonCode) ?? 0) + 1);
    return 'counted';
  }

  /**
   * The aggregates of every window that ended by `nowMs` (all windows with
   * `everything`, e.g. at shutdown), each returned once.
   */
  close(nowMs: number, everything = false): RefusalAggregate[] {
    const done = this.ended;
    this.ended = [];
    for (const [key, window] of this.open) {
      if (everything || window.startMs + this.windowMs <= nowMs) {
        this.open.delete(key);
        if (window.counted > 0) done.push(window);
      }
    }
    return done.map((w) => ({
      stage: this.stage,
      agency: w.agency,
      attribution: w.attribution,
      count: w.counted,
      windowStart: new Date(w.startMs).toISOString(),
      windowEnd: new Date(
        Math.min(w.startMs + this.windowMs, everything ? nowMs : Infinity),
      ).toISOString(),
      reasonCodes: Object.fromEntries(w.codes),
    }));
  }

  /** Windows held open (for tests and a gauge). */
  get size(): number {
    return this.open.size + this.ended.length;
  }
}
