/**
 * An agency reading its traffic on the real hub (gateway, policy worker, audit
 * app on the real Kafka and PostgreSQL). nl-knp publishes a victim-at-risk
 * alert with `liaison publish`; then:
 * - GET /v1/submissions/{id} answers nl-knp with the outcome for each recipient
 *   (agency, outcome, rules, withheld fields by path, the delivery's entry in
 *   the recipient's feed), and any other agency with 404;
 * - `liaison status <id>` prints the same, one recipient a line;
 * - a redacted recipient's `liaison feed` line has time, type, urgency, case and
 *   headline, with the withheld count the hub recorded; `liaison show` (by entry
 *   number and by message id) prints the alert readably with each withheld field
 *   and its rule, and the signature and receipt verdicts; `liaison verify` of
 *   the same delivery prints the alert too, with the same count;
 * - an agency with nothing in its feed is told so; `--version` prints the
 *   package version; a bad reference is a usage error (exit 2).
 */
import '../support/isolated-namespace';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { SubmissionStatus } from '@liaison/contracts';
import {
  ROOT,
  dropNamespaceDatabase,
  eventually,
  runCli,
  seedNamespace,
  startHub,
  type RunningHub,
} from '../support/hub-processes';
import { agencyToken } from '../support/case-notices';
import { freshMessage } from '../support/submissions';

jest.setTimeout(120_000);

const CASE_REF = `NL-2026-${randomInt(1000, 9999)}-${process.pid}`;

describe('an agency reads its traffic: status, feed, show, verify', () => {
  let hub: RunningHub;
  let work = '';
  let messageId = '';
  let headline = '';
  let status: SubmissionStatus;

  const cli = (agency: string, ...args: string[]) =>
    runCli(['--hub', hub.url, '--agency', agency, ...args]);

  async function statusAs(agency: string): Promise<{ code: number; body: unknown }> {
    const res = await fetch(`${hub.url}/v1/submissions/${messageId}`, {
      headers: { authorization: `Bearer ${agencyToken(agency)}` },
    });
    return { code: res.status, body: await res.json() };
  }

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'liaison-reading-'));
    await seedNamespace();
    hub = await startHub();
    const alert = freshMessage('alert-victim-at-risk', 'nl-knp', (m) => {
      m.caseRef = CASE_REF;
    });
    messageId = String(alert.messageId);
    headline = String(alert.headline);
    const file = path.join(work, 'alert.json');
    writeFileSync(file, JSON.stringify(alert));
    const published = await cli('nl-knp', 'publish', file);
    expect(published.code).toBe(0);
    // Decided, and every delivery projected into its recipient's feed.
    status = await eventually(
      async () => {
        const { code, body } = await statusAs('nl-knp');
        const s = body as SubmissionStatus;
        return code === 200 &&
          s.status === 'DECIDED' &&
          s.recipients.every((r) => r.outcome === 'DENIED' || r.deliveryEntryId !== null)
          ? s
          : undefined;
      },
      60_000,
      'the alert decided and delivered',
    );
  }, 180_000);

  afterAll(async () => {
    await hub?.stop();
    await dropNamespaceDatabase();
    rmSync(work, { recursive: true, force: true });
  }, 30_000);

  const redacted = () => {
    const r = status.recipients.find((x) => x.outcome === 'REDACTED');
    if (!r) throw new Error(`no redacted recipient in ${JSON.stringify(status.recipients)}`);
    return r;
  };

  it('GET /v1/submissions/{id}: one outcome per recipient, for the publisher only', async () => {
    const byAgency = new Map(status.recipients.map((r) => [r.agency, r]));
    expect(byAgency.get('ro-diicot')).toMatchObject({ outcome: 'FULL', withheld: [] });
    expect(byAgency.get('fr-ocriest')).toMatchObject({
      outcome: 'DENIED',
      rules: ['builtin:releasability'],
      deliveryEntryId: null,
    });
    const r = redacted();
    expect(r.withheld.length).toBeGreaterThan(0);
    expect(r.withheldCount).toBe(r.withheld.length);
    for (const w of r.withheld) {
      expect(Object.keys(w).sort()).toEqual(['path', 'ruleId']);
      expect([typeof w.path, w.ruleId.length > 0]).toEqual(['string', true]);
    }
    expect(r.deliveryEntryId).toMatch(/^\d+$/);
    const tally: Record<string, number> = {};
    for (const x of status.recipients) tally[x.outcome] = (tally[x.outcome] ?? 0) + 1;
    expect(status.outcomes).toEqual(tally);
    expect(status).toMatchObject({ messageId, caseRef: CASE_REF, messageType: 'VICTIM_AT_RISK' });

    // A recipient (or anyone else) cannot read the publisher's outcomes.
    const other = await statusAs(r.agency);
    expect(other.code).toBe(404);
    expect(JSON.stringify(other.body)).toContain('submission.not-found');
  });

  it('liaison status: a line per recipient, withheld fields with their rule', async () => {
    const out = await cli('nl-knp', 'status', messageId);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`VICTIM_AT_RISK ${messageId}  case ${CASE_REF}`);
    const r = redacted();
    expect(out.stdout).toMatch(
      new RegExp(
        `^${r.agency} +REDACTED +\\d+ disclosed, ${r.withheldCount} withheld, feed entry #${r.deliveryEntryId}`,
        'm',
      ),
    );
    expect(out.stdout).toMatch(
      /^fr-ocriest +DENIED +nothing delivered +rules=builtin:releasability$/m,
    );
    for (const w of r.withheld) expect(out.stdout).toContain(`- ${w.path}  (rule ${w.ruleId})`);
  });

  it('feed, show and verify agree: the alert readable, one withheld count', async () => {
    const r = redacted();
    const feed = await cli(r.agency, 'feed');
    expect(feed.code).toBe(0);
    const line = feed.stdout.split('\n').find((l) => l.includes(messageId)) ?? '';
    expect(line).toMatch(
      new RegExp(
        `^#${r.deliveryEntryId}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ  VICTIM_AT_RISK from nl-knp  IMMEDIATE  case ${CASE_REF}  `,
      ),
    );
    expect(line).toContain(JSON.stringify(headline));
    expect(line).toContain(`${r.withheldCount} withheld`);

    const byEntry = await cli(r.agency, 'show', String(r.deliveryEntryId));
    const byMessage = await cli(r.agency, 'show', messageId);
    expect([byEntry.code, byMessage.code, byEntry.stderr]).toEqual([0, 0, '']);
    expect(byMessage.stdout).toBe(byEntry.stdout);
    const shown = byEntry.stdout;
    expect(shown).toContain(
      `VICTIM_AT_RISK  IMMEDIATE  TLP:AMBER  case ${CASE_REF}\n${headline}\n`,
    );
    expect(shown).toContain(`from nl-knp to ${r.agency}`);
    expect(shown).toContain(`(feed entry #${r.deliveryEntryId})`);
    expect(shown).toMatch(/^Route\n {2}1: Rotterdam \(NL\) → Duisburg \(DE\) by ROAD/m);
    expect(shown).toContain(`withheld: ${r.withheldCount} fields`);
    for (const w of r.withheld) expect(shown).toContain(`  ${w.path}  (rule ${w.ruleId})`);
    expect(shown).toContain('originator signature: VALID (nl-knp');
    expect(shown).toContain('hub receipt: VALID');

    const entry = await cli(r.agency, '--json', 'feed');
    const json = entry.stdout.split('\n').find((l) => l.includes(messageId)) ?? '';
    const verified = await runCli(['--hub', hub.url, '--agency', r.agency, 'verify', '-'], json);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(headline);
    expect(verified.stdout).toContain(`, ${r.withheldCount} withheld`);
    expect(verified.stdout).toContain(`withheld: ${r.withheldCount} fields`);
  });

  it('an empty feed says so; --version; a bad reference is a usage error', async () => {
    const empty = await cli('fr-ocriest', 'feed');
    expect([empty.code, empty.stdout]).toEqual([0, 'no entries after #0\n']);
    const emptyJson = await cli('fr-ocriest', '--json', 'feed');
    expect([emptyJson.code, emptyJson.stdout]).toEqual([0, '']);

    const version = await runCli(['--version']);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
      bin: Record<string, string>;
    };
    expect([version.code, version.stdout]).toEqual([0, `${pkg.version}\n`]);
    expect(pkg.bin.liaison).toBe('bin/liaison.js');

    const bad = await cli('de-bka', 'show', 'not-an-entry');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('neither a feed entry number');
    const absent = await cli('de-bka', 'show', '999999999');
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('no entry #999999999 in your feed');
  });
});
