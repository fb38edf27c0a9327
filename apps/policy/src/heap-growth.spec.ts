/**
 * The worker's heap limit takes effect when set at start-up: a child process
 * turning over a live set of ~30 MB reaches a smaller heap under the worker's
 * growing factor than under V8's largest (4×, 300 %), whatever V8 would choose.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { WORKER_HEAP_GROWING_PERCENT, limitHeapGrowth } from './heap-growth';

const dir = mkdtempSync(path.join(tmpdir(), 'heap-growth-'));
const compiled = path.join(dir, 'heap-growth.js');

beforeAll(() => {
  const source = readFileSync(path.join(__dirname, 'heap-growth.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  writeFileSync(compiled, outputText);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The largest heap a churning process reached after `limitHeapGrowth(percent)`. */
function largestHeap(percent: number): number {
  const script = `
    require(${JSON.stringify(compiled)}).limitHeapGrowth(${percent});
    const keep = [];
    let largest = 0;
    for (let i = 0; i < 3000; i++) {
      const batch = [];
      for (let j = 0; j < 2000; j++) batch.push({ n: j, s: 'x' + j });
      keep.push(batch);
      if (keep.length > 300) keep.shift();
      largest = Math.max(largest, process.memoryUsage().heapTotal);
    }
    process.stdout.write(String(largest));`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
  return Number(run.stdout);
}

describe('limitHeapGrowth', () => {
  it("keeps a churning heap well below V8's largest growing factor", () => {
    const widest = largestHeap(300);
    const worker = largestHeap(WORKER_HEAP_GROWING_PERCENT);
    expect(widest).toBeGreaterThan(0);
    expect(worker).toBeLessThan(widest * 0.8);
  }, 60_000);

  it.each([0, -5, 301, 12.5, Number.NaN])('refuses %p per cent', (percent) => {
    expect(() => limitHeapGrowth(percent)).toThrow(RangeError);
  });
});
