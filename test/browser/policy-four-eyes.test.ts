/**
 * The four-eyes cycle on a running hub, from the command line and in the console
 * (headless Debian Chromium). CLI: a draft policy's dry-run prints who changes,
 * before -> after ("no change" when nothing does), replayed over NL's latest
 * shares; an author drafts; an approver reads the rule-level and effect-level
 * diff and rejects with a reason; the history names the rejecter (not as
 * approver) with the reason. Console: a policy approver (no liaison role) logs
 * in to the policy view, opens a second draft's diff and approves it with a
 * statement signed by `liaison policy sign`. The version the draft, the dry-run,
 * /v1/policies and the next ledger row name is one content hash. The apps'
 * metrics show it all to an operator (decisions by reason, publish -> feed,
 * route latency, auth failures, consumer lag, checkpoint age).
 * Screenshots: test-artifacts/browser/policy-*.png.
 */
import '../support/isolated-namespace';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { parsePolicyDocument, policyDocumentVersion } from '@liaison/policy';
import {
  DEMO_KEYS_DIR,
  ROOT,
  dropNamespaceDatabase,
  eventually,
  runCli,
  seedNamespace,
  startHub,
  type RunningHub,
} from '../support/hub-processes';
import { DATABASE_URL } from '../support/isolated-namespace';
import { agencyToken } from '../support/case-notices';
import { freshMessage, handling } from '../support/submissions';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import { signMessage } from '../../apps/cli/src/message-signing';
import type { Browser } from 'playwright-core';
import { collectPageErrors, launchChromium, screenshot } from './support/chromium';
import { expectNoHorizontalOverflow, expectText } from './support/page-helpers';

jest.setTimeout(180_000);

describe('liaison policy dry-run | draft | diff | reject | approve | history', () => {
  let hub: RunningHub | undefined;
  let db: Client | undefined;
  let browser: Browser | undefined;
  let draftVersion = '';
  const dir = mkdtempSync(path.join(tmpdir(), 'liaison-policy-cli-'));
  const file = (name: string, value: unknown): string => {
    const target = path.join(dir, name);
    writeFileSync(target, JSON.stringify(value));
    return target;
  };
  const seedNl = JSON.parse(
    readFileSync(path.join(ROOT, 'deploy/seed/policies/NL.json'), 'utf8'),
  ) as { jurisdiction: string; outbound: unknown[] };
  const paused = {
    ...seedNl,
    outbound: [
      ...seedNl.outbound,
      {
        id: 'NL-TH-PAUSE-01',
        effect: 'deny',
        to: { agencies: ['th-dsi'] },
        messageTypes: '*',
        description: 'Sharing with th-dsi paused pending review.',
      },
    ],
  };
  const amber = (): Record<string, unknown> =>
    freshMessage('alert-suspect-movement', 'nl-knp', (m) => {
      handling(m).tlp = 'AMBER';
    });

  const as = (officer: string, roles: string, ...args: string[]) =>
    runCli([
      '--hub',
      hub!.url,
      '--keys',
      DEMO_KEYS_DIR,
      '--agency',
      'nl-knp',
      '--officer',
      officer,
      '--roles',
      roles,
      ...args,
    ]);

  /** Publishes an NL alert through the gateway and waits for its ledger rows. */
  async function publish(message: Record<string, unknown>): Promise<string> {
    const { sdJwt } = await signMessage(
      new AgencyIdentity({ agency: 'nl-knp', keys: DEMO_KEYS_DIR }),
      message,
    );
    const res = await fetch(`${hub!.url}/v1/alerts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${agencyToken('nl-knp')}`,
        'content-type': 'application/sd+jwt',
      },
      body: sdJwt,
    });
    expect(res.status).toBe(202);
    const id = String(message.messageId);
    return eventually(
      async () => {
        const r = await db!.query<{ v: string }>(
          `SELECT l.policy_version AS v FROM share_ledger l
           JOIN message_content m ON m.message_id = l.message_id
           WHERE l.message_id = $1 AND l.recipient_agency = 'th-dsi'`,
          [id],
        );
        return r.rows[0]?.v;
      },
      30_000,
      'the alert ledgered',
    );
  }

  beforeAll(async () => {
    await seedNamespace();
    [hub, browser] = await Promise.all([startHub(), launchChromium()]);
    db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await db?.end();
    await hub?.stop();
    await dropNamespaceDatabase();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('CLI: speaks the what-if, and a rejection keeps its rejecter and reason', async () => {
    const seededVersion = await publish(amber());
    await publish(amber());
    const current = policyDocumentVersion(parsePolicyDocument(seedNl));
    expect(seededVersion).toBe(current);

    const message = file('message.json', amber());
    const same = await as(
      'pia',
      'policy-author',
      'policy',
      'dry-run',
      message,
      '--draft-policy',
      file('same.json', seedNl),
    );
    expect({ code: same.code, stderr: same.stderr }).toEqual({ code: 0, stderr: '' });
    expect(same.stdout).toContain('no change: every recipient gets the same outcome');
    expect(same.stdout).toContain('this draft would have changed 0 of the last 2 NL shares');

    const draftFile = file('paused.json', paused);
    const what = await as(
      'pia',
      'policy-author',
      'policy',
      'dry-run',
      message,
      '--draft-policy',
      draftFile,
    );
    expect(what.code).toBe(0);
    expect(what.stdout).toMatch(
      /th-dsi\s+REDACTED\s+-> DENIED\s+rules NL-ASEAN-01 -> NL-TH-PAUSE-01/,
    );
    expect(what.stdout).toContain('this draft would have changed 2 of the last 2 NL shares');
    expect(what.stdout.split('\n').filter((l) => l.trim() === '')).toEqual(['']);
    const whatJson = JSON.parse(
      (
        await as(
          'pia',
          'policy-author',
          '--json',
          'policy',
          'dry-run',
          message,
          '--draft-policy',
          draftFile,
        )
      ).stdout,
    ) as { currentVersion: string; draftVersion: string };
    expect(whatJson.currentVersion).toBe(current);

    const drafted = await as('pia', 'policy-author', 'policy', 'draft', draftFile);
    expect(drafted.code).toBe(0);
    const [, id, version] = /^draft (\S+) \((sha256:[0-9a-f]{64})\)/.exec(drafted.stdout) ?? [];
    expect(version).toBe(whatJson.draftVersion);

    const diff = await as('quinn', 'policy-approver', 'policy', 'diff', id!);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('  + outbound NL-TH-PAUSE-01');
    expect(diff.stdout).toContain('this draft would have changed 2 of the last 2 NL shares');

    const rejected = await as(
      'quinn',
      'policy-approver',
      'policy',
      'reject',
      id!,
      '--reason',
      'pause not agreed with DSI',
    );
    expect(rejected.stdout.trim()).toBe(`${id} rejected`);
    const history = await as('quinn', 'policy-approver', 'policy', 'history');
    const line = history.stdout.split('\n').find((l) => l.startsWith(id!)) ?? '';
    expect(line).toContain('rejected');
    expect(line).toContain('by nl-knp/pia');
    expect(line).toContain('rejected by nl-knp/quinn');
    expect(line).toContain('pause not agreed with DSI');
    expect(line).not.toContain('approved by');

    draftVersion = version!;
  });

  it('console: a policy approver reviews the diff and approves with a signed statement', async () => {
    const drafted = await as('pia', 'policy-author', 'policy', 'draft', file('again.json', paused));
    const [, id] = /^draft (\S+) /.exec(drafted.stdout) ?? [];
    const token = (await as('quinn', 'policy-approver', 'token')).stdout.trim();

    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectPageErrors(page);
    await page.goto(`${hub!.url}/console/`);
    await page.getByTestId('login-token').fill(token);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('policy-history').waitFor();
    expect(await page.getByTestId('justification-input').isVisible()).toBe(false);
    await expectText(
      page.locator(`[data-testid="policy-row"][data-status="rejected"]`),
      'pause not agreed with DSI',
    );
    await page
      .locator(`[data-testid="policy-row"][data-id="${id}"] [data-testid="policy-open"]`)
      .click();
    await page.getByTestId('policy-draft').waitFor();
    await expectText(
      page.locator('[data-testid="rule-change"][data-change="added"]'),
      'NL-TH-PAUSE-01',
    );
    await expectText(
      page.getByTestId('replay-summary'),
      'This draft would have changed 2 of the last 2 NL shares',
    );
    await expectText(
      page.locator('[data-testid="effect-row"][data-recipient="th-dsi"]').first(),
      'NL-TH-PAUSE-01',
    );
    expect(await page.getByTestId('policy-draft-version').textContent()).toBe(draftVersion);
    await screenshot(page, 'policy-01-draft-diff');

    await page.getByTestId('policy-reject').click();
    await expectText(page.getByTestId('policy-decision-error'), 'needs a reason');
    const signed = await as('quinn', 'policy-approver', 'policy', 'sign', 'approve', id!);
    expect(signed.code).toBe(0);
    await page.getByTestId('policy-statement').fill(signed.stdout.trim());
    await page.getByTestId('policy-approve').click();
    await expectText(
      page.locator(`[data-testid="policy-row"][data-id="${id}"]`),
      'approved by nl-knp/quinn',
    );
    await page.setViewportSize({ width: 420, height: 900 });
    await expectNoHorizontalOverflow(page);
    await screenshot(page, 'policy-02-history-420px');
    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
    await page.close();

    const listed = (await (
      await fetch(`${hub!.url}/v1/policies`, {
        headers: { authorization: `Bearer ${agencyToken('nl-knp', 'quinn', 'policy-approver')}` },
      })
    ).json()) as { id: string; version: string; status: string }[];
    expect(listed.find((v) => v.id === id)).toMatchObject({
      version: draftVersion,
      status: 'approved',
    });
    // The worker reloads on the approval: the next ledger rows name the approved version.
    const ledgered = await eventually(
      async () => {
        const v = await publish(amber());
        return v === draftVersion ? v : undefined;
      },
      60_000,
      'a decision under the approved version',
    );
    expect(ledgered).toBe(draftVersion);
  });

  it('operators see it: decisions, publish -> feed, routes, auth failures, lag, checkpoint age', async () => {
    const scrape = async (port: number): Promise<string[]> =>
      (await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).split('\n');
    const value = (lines: string[], name: string, ...labels: string[]): number | undefined => {
      const line = lines.find(
        (l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)),
      );
      return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    const refused = await fetch(`${hub!.url}/v1/policies`, {
      headers: { authorization: 'Bearer not-a-token' },
    });
    expect(refused.status).toBe(401);
    const gateway = await scrape(hub!.gateway.port);
    expect(
      value(gateway, 'liaison_http_request_duration_seconds_count', 'route="/v1/policies/what-if"'),
    ).toBeGreaterThan(0);
    expect(value(gateway, 'liaison_auth_failures_total')).toBeGreaterThan(0);
    expect(value(gateway, 'liaison_sse_streams_open')).toBe(0);
    const worker = await eventually(
      async () => {
        const lines = await scrape(hub!.policy.port);
        return value(lines, 'liaison_consumer_lag_records', 'group="liaison-policy"') === undefined
          ? undefined
          : lines;
      },
      30_000,
      'consumer lag sampled',
    );
    expect(
      value(worker, 'liaison_decisions_total', 'outcome="DENIED"', 'reason="NL-TH-PAUSE-01"'),
    ).toBeGreaterThan(0);
    expect(
      value(worker, 'liaison_decisions_total', 'outcome="FULL"', 'reason="shared"'),
    ).toBeGreaterThan(0);
    expect(value(worker, 'liaison_publish_to_feed_seconds_count')).toBeGreaterThan(0);
    const audit = await eventually(
      async () => {
        const lines = await scrape(hub!.audit.port);
        return value(lines, 'liaison_checkpoint_age_seconds') === undefined ? undefined : lines;
      },
      30_000,
      'a checkpoint signed',
    );
    expect(value(audit, 'liaison_checkpoint_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(value(audit, 'liaison_ledger_unsigned_rows')).toBeGreaterThanOrEqual(0);
  });

  it('documents the policy and audit operations in the OpenAPI 3.1 document', async () => {
    const doc = (await (await fetch(`${hub!.url}/docs/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['ErrorResponseDto', 'WhatIfRequestDto', 'WhatIfAnswerDto']),
    );
    const whatIf = doc.paths['/v1/policies/what-if']?.post;
    expect(JSON.stringify(whatIf?.requestBody)).toContain('#/components/schemas/WhatIfRequestDto');
    expect(JSON.stringify(whatIf?.responses)).toContain('#/components/schemas/WhatIfAnswerDto');
    expect(JSON.stringify(whatIf?.responses)).toContain('#/components/schemas/ErrorResponseDto');
    const reject = doc.paths['/v1/policies/drafts/{id}/reject']?.post;
    expect(JSON.stringify(reject?.requestBody)).toContain('PolicyRejectRequestDto');
    const records = JSON.stringify(doc.paths['/v1/audit/records']?.get?.parameters);
    expect(records).toContain('X-Justification');
    expect(records).toContain('caseRef');
  });
});
