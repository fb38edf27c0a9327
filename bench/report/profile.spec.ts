import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { summariseProfile } from './profile';

/** A profile with start-up work (module loading) before the work that counts. */
function writeProfile(dir: string): string {
  const file = path.join(dir, 'CPU.test.cpuprofile');
  const frame = (id: number, functionName: string, url: string) => ({
    id,
    callFrame: { functionName, url, lineNumber: 0 },
  });
  writeFileSync(
    file,
    JSON.stringify({
      startTime: 1_000_000,
      nodes: [
        frame(1, '(idle)', ''),
        frame(2, 'wrapSafe', 'node:internal/modules/cjs/loader'),
        frame(3, 'transform', 'file:///x/dist/apps/policy/src/submission.processor.js'),
      ],
      // 3 samples of start-up (10 ms each), then idle, then 2 of transform.
      samples: [2, 2, 2, 1, 3, 3],
      timeDeltas: [10_000, 10_000, 10_000, 5_000, 10_000, 10_000],
    }),
  );
  return file;
}

describe('summariseProfile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'profile-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts every sample without a start', () => {
    const s = summariseProfile(writeProfile(dir));
    expect(s.busyMs).toBe(50);
    expect(s.idleMs).toBe(5);
    expect(s.areas.map((a) => a.name)).toEqual(['Node internals', 'apps/policy']);
  });

  it('leaves out the samples before the given monotonic time', () => {
    // Samples end at 1.010, 1.020, 1.030 (start-up), 1.035 (idle), 1.045, 1.055 s.
    const s = summariseProfile(writeProfile(dir), 20, 1_031_000);
    expect(s.busyMs).toBe(20);
    expect(s.idleMs).toBe(5);
    expect(s.topFunctions).toEqual([expect.objectContaining({ selfMs: 20, share: 1 })]);
    expect(s.topFunctions[0]?.name).toMatch(/^transform /);
  });
});
