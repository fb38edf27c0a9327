/**
 * docs/integration.md is executable: every ```bash test block runs AS WRITTEN
 * (after the ```bash test-prelude block) with bash -euo pipefail, in document
 * order, each in a new empty folder, against a hub this test starts, with
 * LIAISON_HUB pointing at it and LIAISON_REPO at this checkout. Each block must
 * exit 0; a ```text expect block right after it lists lines that must appear in
 * its output (stdout + stderr, as substrings; `...` lines are skipped).
 * Set LIAISON_GUIDE_HUB=<url> to run the blocks against a hub you already run.
 */
import '../support/isolated-namespace';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  ROOT,
  dropNamespaceDatabase,
  seedNamespace,
  startHub,
  type RunningHub,
} from '../support/hub-processes';

export interface GuideBlock {
  readonly line: number;
  readonly kind: 'prelude' | 'test';
  readonly script: string;
  readonly expect: readonly string[];
}

/** The tested blocks of a Markdown document, with their expectations. */
export function guideBlocks(markdown: string): GuideBlock[] {
  const fence = /^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
  const blocks: GuideBlock[] = [];
  let previous: { kind: GuideBlock['kind']; line: number; script: string; end: number } | null =
    null;
  const flush = (expect: string[]): void => {
    if (previous)
      blocks.push({ kind: previous.kind, line: previous.line, script: previous.script, expect });
    previous = null;
  };
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    const info = (m[1] ?? '').trim().split(/\s+/);
    const body = m[2] ?? '';
    const line = markdown.slice(0, m.index).split('\n').length;
    const adjacent = previous !== null && markdown.slice(previous.end, m.index).trim() === '';
    if (info[0] === 'text' && info[1] === 'expect' && adjacent) {
      flush(
        body
          .split('\n')
          .map((l) => l.replace(/\r$/, ''))
          .filter((l) => l.trim() !== '' && l.trim() !== '...'),
      );
      continue;
    }
    flush([]);
    if (info[0] === 'bash' && (info[1] === 'test' || info[1] === 'test-prelude')) {
      previous = {
        kind: info[1] === 'test' ? 'test' : 'prelude',
        line,
        script: body,
        end: m.index + m[0].length,
      };
    }
  }
  flush([]);
  return blocks;
}

function runBash(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

const GUIDE = path.join(ROOT, 'docs/integration.md');
const blocks = guideBlocks(readFileSync(GUIDE, 'utf8'));
const prelude = blocks
  .filter((b) => b.kind === 'prelude')
  .map((b) => b.script)
  .join('\n');
const tested = blocks.filter((b) => b.kind === 'test');

describe('docs/integration.md', () => {
  let hub: RunningHub | undefined;
  let url = process.env.LIAISON_GUIDE_HUB ?? '';

  beforeAll(async () => {
    if (url) return;
    await seedNamespace();
    hub = await startHub();
    url = hub.url;
  }, 180_000);

  afterAll(async () => {
    await hub?.stop();
    if (hub) await dropNamespaceDatabase();
  }, 60_000);

  it('has a prelude and tested blocks, each with what it should print', () => {
    expect(prelude).toContain('liaison()');
    expect(tested.length).toBeGreaterThanOrEqual(10);
    // Every tested block says what it prints, so each run checks more than an exit code.
    expect(tested.filter((b) => b.expect.length === 0).map((b) => b.line)).toEqual([]);
    expect(guideBlocks('```bash test\ntrue\n```\n\n```text expect\na\n...\nb\n```\n')).toEqual([
      { kind: 'test', line: 1, script: 'true\n', expect: ['a', 'b'] },
    ]);
  });

  it.each(tested.map((b) => [`block at line ${b.line}`, b] as const))(
    'runs the %s as written',
    async (_name, block) => {
      const env: NodeJS.ProcessEnv = { ...process.env, LIAISON_HUB: url, LIAISON_REPO: ROOT };
      for (const key of ['LIAISON_AGENCY', 'LIAISON_KEYS']) delete env[key];
      const cwd = mkdtempSync(path.join(tmpdir(), 'liaison-guide-'));
      const result = await runBash(`${prelude}\n${block.script}`, cwd, env, 150_000);
      const context = `docs/integration.md line ${block.line}, exit ${result.code}:\n${result.output}`;
      if (result.code !== 0) throw new Error(context);
      for (const line of block.expect) {
        if (!result.output.includes(line))
          throw new Error(`expected output to contain ${JSON.stringify(line)}\n${context}`);
      }
    },
    160_000,
  );
});
