/**
 * The audit app re-verifies the whole stored ledger on a timer
 * (verifyStoredLedger: every leaf recomputed, every checkpoint signature and
 * root checked) and keeps the latest outcome for its metrics: whether the
 * ledger verified, how many findings, and how long ago it was checked. A run
 * that could not complete (the database away) keeps the last outcome, so its
 * age keeps growing and the staleness alert fires.
 */
import type { StoredLedgerReport } from '@liaison/persistence';

/** How often the ledger is verified in full. */
export const LEDGER_SELF_CHECK_INTERVAL_MS = 10 * 60_000;

interface Outcome {
  readonly ok: boolean;
  readonly findings: number;
  readonly atMs: number;
}

export class LedgerSelfCheck {
  private latest: Outcome | null = null;
  private running: Promise<StoredLedgerReport> | null = null;

  constructor(
    private readonly verify: () => Promise<StoredLedgerReport>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** One full verification (a run already under way is joined, not doubled). */
  run(): Promise<StoredLedgerReport> {
    this.running ??= this.verify()
      .then((report) => {
        this.latest = {
          ok: report.ok,
          findings: report.findings.length + report.badCheckpointSignatures.length,
          atMs: this.clock(),
        };
        return report;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** 1: the latest run verified; 0: it found the ledger broken; undefined before the first. */
  verifiedState(): number | undefined {
    return this.latest === null ? undefined : this.latest.ok ? 1 : 0;
  }

  /** Findings of the latest run (leaf, sequence, root and signature problems). */
  findings(): number | undefined {
    return this.latest?.findings;
  }

  /** Seconds since the latest completed run. */
  ageSeconds(now = this.clock()): number | undefined {
    return this.latest === null ? undefined : (now - this.latest.atMs) / 1000;
  }
}
