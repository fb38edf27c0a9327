import type { StoredLedgerReport } from '@liaison/persistence';
import { LedgerSelfCheck } from './ledger-self-check';

const report = (ok: boolean, findings = 0, badSignatures: number[] = []): StoredLedgerReport => ({
  ok,
  status: ok ? 'verified' : 'broken',
  rows: 10,
  rootHash: 'ab',
  latestCheckpoint: null,
  checkpointsChecked: 0,
  badCheckpointSignatures: badSignatures,
  uncheckpointedRows: 10,
  findings: Array.from({ length: findings }, (_, i) => ({ kind: 'seq-duplicate', seq: i + 1 })),
  summary: [],
});

describe('LedgerSelfCheck', () => {
  it('reports nothing before its first run, then the outcome and its age', async () => {
    let now = 1_000;
    const check = new LedgerSelfCheck(
      () => Promise.resolve(report(true)),
      () => now,
    );
    expect([check.verifiedState(), check.findings(), check.ageSeconds()]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    await check.run();
    now = 31_000;
    expect([check.verifiedState(), check.findings(), check.ageSeconds()]).toEqual([1, 0, 30]);
  });

  it('reports a broken ledger with its findings and bad signatures', async () => {
    const check = new LedgerSelfCheck(() => Promise.resolve(report(false, 2, [5])));
    await check.run();
    expect([check.verifiedState(), check.findings()]).toEqual([0, 3]);
  });

  it('keeps the last outcome when a run fails, so its age grows', async () => {
    let now = 0;
    let fail = false;
    const check = new LedgerSelfCheck(
      () => (fail ? Promise.reject(new Error('database away')) : Promise.resolve(report(true))),
      () => now,
    );
    await check.run();
    fail = true;
    now = 600_000;
    await expect(check.run()).rejects.toThrow('database away');
    expect([check.verifiedState(), check.ageSeconds()]).toEqual([1, 600]);
  });

  it('joins a run under way instead of starting a second', async () => {
    let calls = 0;
    const check = new LedgerSelfCheck(() => {
      calls += 1;
      return new Promise((resolve) => setTimeout(() => resolve(report(true)), 10));
    });
    await Promise.all([check.run(), check.run()]);
    expect(calls).toBe(1);
  });
});
