/**
 * The console in headless Debian Chromium against the real hub (gateway, policy
 * worker and audit writer on the real Kafka and PostgreSQL): nl-knp publishes
 * alerts through the CLI, a liaison officer logs in with a minted officer token,
 * attaches a justification signed with their own key (`liaison justify`),
 * searches by the case reference, opens a redacted
 * delivery and sees the withheld fields with their rules and the ledger's
 * verified badge; an oversight officer sees the rows but no content.
 * Screenshots: test-artifacts/browser/*.png.
 */
import '../support/isolated-namespace';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  ROOT,
  dropNamespaceDatabase,
  eventually,
  runCli,
  seedNamespace,
  startHub,
  type RunningHub,
} from '../support/hub-processes';
import { collectPageErrors, launchChromium, screenshot } from './support/chromium';
import { attributesOf, expectAttribute, expectCount, expectText } from './support/page-helpers';

jest.setTimeout(180_000);

const CASE_REF = `NL-2025-${String(randomInt(1000, 9999))}-${process.pid}`;
const JUSTIFICATION = `case ${CASE_REF} review (browser test)`;

interface LedgerRow {
  seq: number;
  messageId: string;
  decision: string;
  withheld: { path: string; ruleId: string }[];
}

let browser: Browser;
let hub: RunningHub;
let workDir: string;
let rows: LedgerRow[] = [];

async function officerToken(agency: string, officer: string, roles: string): Promise<string> {
  const out = await runCli(['--agency', agency, '--officer', officer, '--roles', roles, 'token']);
  if (out.code !== 0) throw new Error(`liaison token failed (${out.code}): ${out.stderr}`);
  return out.stdout.trim();
}

/** The officer's signed justification for a console session (`liaison ... justify`). */
async function signedJustification(agency: string, officer: string): Promise<string> {
  const out = await runCli(['--agency', agency, '--officer', officer, 'justify', JUSTIFICATION]);
  if (out.code !== 0) throw new Error(`liaison justify failed (${out.code}): ${out.stderr}`);
  return out.stdout.trim();
}

/** A fresh copy of a schema example as nl-knp's: new messageId, times now, this run's case ref. */
function freshAlert(example: string): string {
  const message = JSON.parse(
    readFileSync(path.join(ROOT, 'schemas/examples', example), 'utf8'),
  ) as Record<string, unknown>;
  const now = Date.now();
  message.messageId = randomUUID();
  message.issuedAt = new Date(now).toISOString();
  if ('validFrom' in message) message.validFrom = new Date(now).toISOString();
  if ('validUntil' in message) message.validUntil = new Date(now + 7 * 86_400_000).toISOString();
  message.caseRef = CASE_REF;
  message.originatorAgency = 'nl-knp';
  const file = path.join(workDir, `${String(message.messageId)}.json`);
  writeFileSync(file, JSON.stringify(message));
  return file;
}

/** The audit API as the console calls it, with a session opened from a fresh officer token. */
async function ledgerRowsForCase(): Promise<LedgerRow[]> {
  const token = await officerToken('nl-knp', 'anna', 'liaison');
  const session = await fetch(`${hub.url}/v1/console/session`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  if (session.status !== 201)
    throw new Error(`console session: ${session.status} ${await session.text()}`);
  const { sessionToken } = (await session.json()) as { sessionToken: string };
  const justified = await fetch(`${hub.url}/v1/console/session/justification`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sessionToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ statement: await signedJustification('nl-knp', 'anna') }),
  });
  if (justified.status !== 201)
    throw new Error(`session justification: ${justified.status} ${await justified.text()}`);
  const res = await fetch(
    `${hub.url}/v1/audit/records?caseRef=${encodeURIComponent(CASE_REF)}&limit=100`,
    { headers: { authorization: `Bearer ${sessionToken}` } },
  );
  if (res.status !== 200)
    throw new Error(
      `GET /v1/audit/records answered ${res.status} ${await res.text()}` +
        (res.status === 404 ? ' (is the audit API mounted in the gateway?)' : ''),
    );
  const page = (await res.json()) as { records?: LedgerRow[]; items?: LedgerRow[] };
  return page.records ?? page.items ?? [];
}

async function logIn(page: Page, agency: string, officer: string, roles: string): Promise<void> {
  await page.goto(`${hub.url}/console/`);
  await page.getByTestId('login-token').fill(await officerToken(agency, officer, roles));
  await page.getByTestId('login-submit').click();
  await page.getByTestId('justification-input').fill(await signedJustification(agency, officer));
  await page.getByTestId('justification-submit').click();
  await page.getByTestId('filters').waitFor();
}

async function searchCase(page: Page): Promise<void> {
  await page.getByTestId('filter-caseRef').fill(CASE_REF);
  await page.getByTestId('search-submit').click();
  await expectCount(page.getByTestId('record-row'), rows.length, 20_000);
}

beforeAll(async () => {
  // Fail first, and clearly, when the browser is missing.
  browser = await launchChromium();
  workDir = mkdtempSync(path.join(tmpdir(), 'liaison-browser-'));
  await seedNamespace();
  hub = await startHub({ AUDIT_CHECKPOINT_INTERVAL_MS: '500' });
  for (const example of ['alert-victim-at-risk.json', 'alert-suspect-movement.json']) {
    const out = await runCli([
      '--hub',
      hub.url,
      '--agency',
      'nl-knp',
      'publish',
      freshAlert(example),
    ]);
    if (out.code !== 0)
      throw new Error(`publish ${example} failed (${out.code}): ${out.stderr}${out.stdout}`);
  }
  // Both messages decided for every agency (the originator gets no row about itself).
  rows = await eventually(
    async () => {
      const found = await ledgerRowsForCase();
      const messages = new Set(found.map((r) => r.messageId));
      return messages.size >= 2 && found.some((r) => r.decision === 'REDACTED') ? found : undefined;
    },
    90_000,
    `ledger rows for ${CASE_REF} including a REDACTED delivery`,
  ).catch((error: Error) => {
    const tail = (app: { name: string; output: string[] }): string =>
      `--- ${app.name} ---\n${app.output.join('').slice(-2000)}`;
    throw new Error(`${error.message}\n${tail(hub.policy)}\n${tail(hub.audit)}`);
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await dropNamespaceDatabase();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('console on the real hub', () => {
  it('a liaison officer logs in, searches by case, opens a redacted delivery and sees what was withheld, by which rule, and a verified ledger', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectPageErrors(page);
    await logIn(page, 'nl-knp', 'anna', 'liaison');

    await expectText(page.getByTestId('who'), 'anna');
    await expectText(page.getByTestId('who'), 'nl-knp');
    await expectText(page.getByTestId('who'), 'liaison');
    await expectText(page.getByTestId('justification-text'), JUSTIFICATION);

    await searchCase(page);
    await screenshot(page, '01-liaison-search');

    const redacted = rows.find((r) => r.decision === 'REDACTED' && r.withheld.length > 0);
    if (!redacted) throw new Error('no REDACTED row with withheld fields to open');
    await page.locator(`[data-testid="record-row"][data-seq="${redacted.seq}"] a`).click();
    await page.getByTestId('comparison').waitFor({ timeout: 20_000 });

    // Every withheld path of the ledger row is listed with its rule ...
    const list = page.getByTestId('withheld-item');
    await expectCount(list, redacted.withheld.length);
    for (const w of redacted.withheld) {
      await expectText(list.filter({ hasText: w.path }), w.ruleId);
    }
    // ... and marked in the side-by-side view: struck through on the sender's side,
    // "Withheld by <rule>" on the recipient's.
    const marked = page.getByTestId('withheld-field');
    expect(await marked.count()).toBeGreaterThan(0);
    const markedRules = new Set(await attributesOf(marked, 'data-rule'));
    for (const w of redacted.withheld) expect(markedRules).toContain(w.ruleId);
    await expectText(marked.first().getByTestId('withheld-rule'), 'Withheld by');
    expect(await page.locator('[data-testid="withheld-field"] del').count()).toBeGreaterThan(0);
    await expectText(page.getByTestId('detail-decision'), 'Redacted');

    // The ledger's integrity: verified once a checkpoint covers the rows.
    await eventually(
      async () => {
        const state = await page.getByTestId('chain-status').getAttribute('data-state');
        if (state === 'verified') return true;
        if (state === 'tampered')
          throw new Error(
            `ledger reported TAMPERED: ${await page.getByTestId('chain-status').getAttribute('title')}`,
          );
        await page.reload();
        await page.getByTestId('comparison').waitFor({ timeout: 20_000 });
        return undefined;
      },
      30_000,
      'chain status badge "verified"',
    );
    await expectText(page.getByTestId('chain-status'), 'verified');
    await screenshot(page, '02-liaison-redacted-delivery');

    // CSV export of the same search.
    await page.getByTestId('detail-back').click();
    const download = page.waitForEvent('download', { timeout: 20_000 });
    await page.getByTestId('export-csv').click();
    const csv = await (await download).path();
    expect(readFileSync(csv, 'utf8')).toContain(CASE_REF);

    await page.getByTestId('tab-dashboard').click();
    await page.getByTestId('chart-shares').waitFor();
    await page.getByTestId('chart-denials').waitFor();
    await page.getByTestId('chart-cases').waitFor();
    await screenshot(page, '03-liaison-dashboard');

    await page.getByTestId('tab-integrity').click();
    await expectAttribute(page.getByTestId('integrity-status'), 'data-state', 'verified');
    await screenshot(page, '04-ledger-integrity');

    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
    await page.close();
  });

  it('an oversight officer sees the rows of every agency but no content', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, 'eu-dpo', 'olga', 'oversight');
    await expectText(page.getByTestId('who'), 'olga');
    await expectText(page.getByTestId('who'), 'oversight');
    await searchCase(page);
    await screenshot(page, '05-oversight-search');

    const redacted = rows.find((r) => r.decision === 'REDACTED') ?? rows[0]!;
    await page.locator(`[data-testid="record-row"][data-seq="${redacted.seq}"] a`).click();
    await page.getByTestId('content-absent').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('comparison').count()).toBe(0);
    expect(await page.getByTestId('withheld-field').count()).toBe(0);
    // Metadata is there: the decision and the rules.
    await expectText(page.getByTestId('detail-decision'), 'Redacted');
    await screenshot(page, '06-oversight-detail');
    await page.close();
  });
});
