/**
 * Hostile input to the real `liaison` CLI (issue 18 §4): a folder holding a
 * symlink to /dev/zero, an endless stdin, and files whose content must not
 * appear in the error. Each command refuses at once, exit 1, nothing echoed;
 * nothing reaches a hub (none runs at --hub).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../support/hub-processes';

jest.setTimeout(2 * 60_000);

const SECRET = 'SECRET-Maria-Example-2009';
const NO_HUB = 'http://127.0.0.1:9';

describe('CLI: hostile input files and stdin', () => {
  let dir = '';
  const at = (name: string): string => path.join(dir, name);
  const cli = (args: string[], input?: string): ReturnType<typeof runCli> =>
    runCli(['--hub', NO_HUB, '--agency', 'nl-knp', ...args], input);

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'liaison-hostile-input-'));
    writeFileSync(at('bad.json'), `{"fullName": "${SECRET}"`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('publish <folder> with a symlink to /dev/zero → "not a regular file", exit 1, at once', async () => {
    const folder = at('folder');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'a.json'), '{}');
    symlinkSync('/dev/zero', path.join(folder, 'zero.json'));
    const started = Date.now();
    const r = await runCli(['--hub', NO_HUB, '--agency', 'nl-knp', 'publish', folder]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/zero\.json is not a regular file/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('publish - with more than 64 MiB on stdin → refused, exit 1', async () => {
    const r = await cli(['publish', '-'], 'x'.repeat(64 * 1024 * 1024 + 1));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stdin is larger than 64 MiB/);
  });

  it.each([
    ['publish <file>', (): string[] => ['publish', at('bad.json')]],
    ['publish - (stdin)', (): string[] => ['publish', '-']],
    ['verify <file>', (): string[] => ['verify', at('bad.json')]],
    ['agency register <file>', (): string[] => ['agency', 'register', at('bad.json')]],
    ['policy dry-run <file>', (): string[] => ['policy', 'dry-run', at('bad.json')]],
  ])('%s with broken JSON → names where, never echoes the content', async (_name, args) => {
    const r = await cli(args(), `{"fullName": "${SECRET}"`);
    expect(r.code).toBe(1);
    expect(r.stderr + r.stdout).toMatch(
      /not (valid JSON( at position \d+| \(ends too early\))|JSON at offset \d+)/,
    );
    expect(r.stderr + r.stdout).not.toContain('SECRET');
  });
});
