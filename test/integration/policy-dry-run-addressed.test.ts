/**
 * `liaison policy dry-run` against the real hub (gateway, seeded world) for an
 * addressed case notice: the officer sees whom the notice names, that only they can
 * receive it, the addressed agreement that carries it and why every other agency is
 * left out.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  dropNamespaceDatabase,
  runCli,
  seedNamespace,
  startHub,
  type RunningHub,
} from '../support/hub-processes';
import { freshMessage } from '../support/submissions';

interface Report {
  addressedTo: string[];
  addressedOnly: boolean;
  recipients: { recipient: string; outcome: string; rules: string[] }[];
}

describe('policy dry-run of an addressed case notice', () => {
  let hub: RunningHub;
  const work = mkdtempSync(path.join(tmpdir(), 'liaison-dry-run-'));
  const file = path.join(work, 'request.json');

  beforeAll(async () => {
    await seedNamespace();
    hub = await startHub();
    const request = freshMessage('case-notice-assistance-request', 'ro-diicot', (m) => {
      m.caseRef = `DRY-${randomUUID().slice(0, 8)}`;
    });
    writeFileSync(file, JSON.stringify(request));
  }, 180_000);

  afterAll(async () => {
    await hub?.stop();
    await dropNamespaceDatabase();
  }, 60_000);

  const dryRun = (...extra: string[]): ReturnType<typeof runCli> =>
    runCli([
      '--hub',
      hub.url,
      '--agency',
      'ro-diicot',
      '--officer',
      'radu',
      '--roles',
      'liaison',
      ...extra,
      'policy',
      'dry-run',
      file,
    ]);

  it('reports the named agencies and that nobody else receives the notice', async () => {
    const run = await dryRun('--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report).toMatchObject({ addressedTo: ['fr-ocriest', 'hu-nni'], addressedOnly: true });
    const byId = new Map(report.recipients.map((r) => [r.recipient, r]));
    expect(byId.get('fr-ocriest')).toMatchObject({ outcome: 'FULL', rules: ['RO-EU-ADDR-01'] });
    for (const other of ['nl-knp', 'de-bka', 'uk-nca', 'int-hub'])
      expect(byId.get(other)).toMatchObject({
        outcome: 'DENIED',
        rules: ['builtin:not-addressed'],
      });
  }, 60_000);

  it('prints it for the officer', async () => {
    const run = await dryRun();
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    // The policy version first, then who the notice is addressed to.
    expect(lines[0]).toMatch(/^policy sha256:[0-9a-f]{64}$/);
    expect(lines[1]).toBe(
      'addressed to fr-ocriest, hu-nni (an addressed notice: no one else receives it)',
    );
    expect(lines).toContainEqual(expect.stringMatching(/^fr-ocriest +FULL +rules=RO-EU-ADDR-01$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^de-bka +DENIED +rules=builtin:not-addressed$/),
    );
  }, 60_000);
});
