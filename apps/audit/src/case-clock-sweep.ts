/**
 * The periodic check of the open cases' legal clocks: reads every open case
 * and raises the DEADLINE_APPROACHING and OVERDUE notices its clocks owe now
 * and that were not raised before (case-clock-notices.ts), in one transaction.
 * However often it runs, and across restarts, each notice is raised once.
 */
import type { JwsSigner } from '@liaison/crypto';
import { CaseRepository } from '@liaison/persistence';
import type { DataSource } from 'typeorm';
import { planClockNotices, raiseClockNotices } from './case-clock-notices';

export class CaseClockSweep {
  constructor(
    private readonly ds: DataSource,
    private readonly signer: JwsSigner,
    private readonly now: () => number = Date.now,
  ) {}

  /** Raises what is owed now; returns how many notices were new. */
  async run(): Promise<number> {
    const open = await new CaseRepository(this.ds).openStates();
    const planned = planClockNotices(open, this.now());
    if (planned.length === 0) return 0;
    return this.ds.transaction((manager) => raiseClockNotices(manager, planned, this.signer));
  }
}
