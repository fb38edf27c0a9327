/**
 * The console's case pages and Links view in headless Debian Chromium against
 * the real hub: `liaison demo` publishes NL-KNP's and RO-DIICOT's alerts that
 * share a phone number (a link notice for each), and NL-KNP runs a case with
 * DE-BKA whose urgent 8-hour request went unanswered for hours. NL-KNP's
 * liaison officer lists the case with its overdue request, opens it (requests,
 * clocks, the overdue one highlighted, the timeline, the case metrics as
 * charts) and reads the link notices and their graph, never the number;
 * oversight reads the links between agencies as suppressed counts. Screenshots
 * at desktop width and at 420 px: test-artifacts/browser/cases-*.png, links-*.png.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Browser, Page } from 'playwright-core';
import {
  DEMO_KEYS_DIR,
  dropNamespaceDatabase,
  eventually,
  runCli,
  seedNamespace,
  startHub,
  type RunningHub,
} from '../support/hub-processes';
import { publishCaseNotice } from '../support/case-notices';
import { collectPageErrors, launchChromium, screenshot } from './support/chromium';
import { logInToConsole } from './support/console-login';
import {
  expectAttribute,
  expectCount,
  expectNoHorizontalOverflow,
  expectText,
} from './support/page-helpers';

jest.setTimeout(180_000);

const NL = 'nl-knp';
const DE = 'de-bka';
const HOUR = 3_600_000;
const CASE_REF = `NL-KNP-CASE-${randomUUID().slice(0, 8)}`;
const JUSTIFICATION = `case ${CASE_REF} review (browser test)`;
/** The demo's linked phone, as both agencies wrote it: never on a page. */
const PHONE_DIGITS = '721 555 014';
/** RO-DIICOT's case handle for its linked alert, as the demo numbers it. */
const RO_HANDLE = 'RO-DIICOT-DEMO-LINK-2-D0';

const DESKTOP = { width: 1280, height: 900 };
const NARROW = { width: 420, height: 900 };

let browser: Browser;
let hub: RunningHub;
let db: Client;
let urgent = '';

/** A page at both widths: the desktop screenshot, then the same page 420 px wide. */
async function screenshots(page: Page, name: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await screenshot(page, name);
  await page.setViewportSize(NARROW);
  await expectNoHorizontalOverflow(page, NARROW.width);
  await screenshot(page, `${name}-420px`);
  await page.setViewportSize(DESKTOP);
}

beforeAll(async () => {
  browser = await launchChromium();
  await seedNamespace();
  // The audit app checks the clocks every half second, so the OVERDUE notice comes soon.
  hub = await startHub({ AUDIT_CASE_CLOCK_INTERVAL_MS: '500' });
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  // The demo opens with NL's and RO's alerts sharing one phone number.
  const demo = await runCli([
    '--hub',
    hub.url,
    '--keys',
    DEMO_KEYS_DIR,
    'demo',
    '--count',
    '2',
    '--interval-ms',
    '50',
  ]);
  if (demo.code !== 0) throw new Error(`liaison demo failed: ${demo.stdout}${demo.stderr}`);
  // A case opened 12 hours ago; its urgent request (8 hours) was never answered.
  const start = Date.now() - 12 * HOUR;
  let step = 0;
  const publish = (example: string, by: string, change: (m: Record<string, unknown>) => void) =>
    publishCaseNotice({ hub, db, caseRef: CASE_REF }, example, by, (m) => {
      m.issuedAt = new Date(start + ++step * 60_000).toISOString();
      change(m);
    });
  const transition = (by: string, to: string, action: string) =>
    publish('case-notice-request-refused', by, (m) => {
      m.requestedAgencies = [to];
      m.transition = { action, requestMessageId: null, reason: null };
      m.relatedMessageIds = [];
    });
  const request = (instrument: string) =>
    publish('case-notice-assistance-request', NL, (m) => {
      m.requestedAgencies = [DE];
      m.instrument = { kind: instrument, deadlineAt: null, deadlineWorkingDays: null };
    });
  await publish('case-notice-case-opened', NL, () => undefined);
  await transition(NL, DE, 'INVITE');
  await transition(DE, NL, 'ACCEPT_INVITATION');
  await request('EIO');
  urgent = await request('IED_URGENT_DIRECT');
  for (const [kind, what] of [
    ['LINK_NOTICE', "NL's link notice from the demo"],
    ['CASE_CLOCK_NOTICE', "NL's OVERDUE notice of the urgent request"],
  ] as const) {
    await eventually(
      async () => {
        const r = await db.query(
          `SELECT 1 FROM feed_entry WHERE agency_id = $1 AND entry_kind = $2`,
          [NL, kind],
        );
        return (r.rowCount ?? 0) > 0 ? true : undefined;
      },
      60_000,
      what,
    );
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await db?.end();
  await hub?.stop();
  await dropNamespaceDatabase();
}, 60_000);

describe('case pages and the Links view on the real hub', () => {
  it('a liaison officer sees the case, its overdue request highlighted, the metrics and the links', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    const errors = collectPageErrors(page);
    await logInToConsole(
      page,
      hub.url,
      { agency: NL, officer: 'anna', roles: 'liaison' },
      JUSTIFICATION,
    );

    await page.getByTestId('tab-cases').click();
    const row = page.locator(`[data-testid="case-row"][data-case="${CASE_REF}"]`);
    await expectAttribute(row, 'data-overdue', '1', 20_000);
    await expectText(row.getByTestId('case-deadlines'), 'OVERDUE');
    await page.getByTestId('chart-case-rates').waitFor();
    await expectText(page.getByTestId('chart-case-rates'), `${NL} (you)`);
    await page.getByTestId('chart-response-times').waitFor();
    await expectText(page.getByTestId('chart-overdue'), 'Your requests, overdue: 1');
    await screenshots(page, 'cases-01-list');

    await row.getByTestId('open-case').click();
    await expectText(page.getByTestId('case-title'), CASE_REF);
    await expectText(page.getByTestId('case-participants'), `${NL}, ${DE}`);
    await expectCount(page.getByTestId('case-request'), 2);
    const late = page.locator(`[data-testid="case-request"][data-request="${urgent}"]`);
    await expectAttribute(late, 'data-deadline', 'overdue');
    await expectAttribute(late.getByTestId('request-clock'), 'data-status', 'OVERDUE');
    await expectText(late.getByTestId('clock-text'), 'overdue by');
    await expectText(late.getByTestId('request-status'), 'OPEN');
    const onTime = page.locator(`[data-testid="case-request"]:not([data-request="${urgent}"])`);
    await expectAttribute(onTime, 'data-deadline', 'ok');
    // Five notices: four NL sent, DE's acceptance delivered to NL.
    await expectCount(page.getByTestId('timeline-notice'), 5);
    await expectText(page.getByTestId('case-timeline'), `from ${DE}`);
    // The hub's OVERDUE notice to NL, in the timeline too.
    await expectCount(page.getByTestId('timeline-clock'), 1);
    await expectText(page.getByTestId('timeline-clock'), `RESPONSE clock of ${DE}`);
    await expectAttribute(
      page.getByTestId('timeline-clock').getByTestId('deadline'),
      'data-deadline',
      'overdue',
    );
    await screenshots(page, 'cases-02-case-overdue');

    await page.getByTestId('tab-links').click();
    const notice = page.getByTestId('link-notice-row');
    await expectCount(notice, 1, 20_000);
    await expectText(notice.getByTestId('link-counterpart'), 'ro-diicot');
    await expectText(notice, RO_HANDLE);
    await expectText(notice, 'PHONE');
    await expectText(notice, 'TLP:AMBER');
    await expectCount(page.getByTestId('graph-link'), 1);
    await expectAttribute(page.getByTestId('graph-link'), 'data-to', `case:ro-diicot:${RO_HANDLE}`);
    expect(await page.locator('body').textContent()).not.toContain(PHONE_DIGITS);
    await screenshots(page, 'links-01-notices');

    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
    await page.close();
  });

  it('oversight sees case figures and links between agencies as suppressed counts', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    const errors = collectPageErrors(page);
    await logInToConsole(
      page,
      hub.url,
      { agency: 'eu-dpo', officer: 'olga', roles: 'oversight' },
      JUSTIFICATION,
    );
    await page.getByTestId('tab-cases').click();
    await page.getByTestId('cases-oversight-note').waitFor();
    await page.getByTestId('chart-case-rates').waitFor();
    expect(await page.getByTestId('case-row').count()).toBe(0);
    // One case opened by NL: a count below five, suppressed with its rates.
    await expectText(page.getByTestId('chart-case-rates'), 'suppressed');

    await page.getByTestId('tab-links').click();
    const pair = page.locator(`[data-testid="links-pair-row"][data-pair="${NL}|ro-diicot"]`);
    await expectText(pair.getByTestId('links-pair-count'), '<5', 20_000);
    await expectAttribute(page.getByTestId('graph-link'), 'data-count', 'suppressed');
    await expectText(page.getByTestId('links-totals'), '<5');
    expect(await page.getByTestId('link-notice-row').count()).toBe(0);
    // No case handle: oversight reads counts between agencies only.
    expect(await page.getByTestId('links-view').textContent()).not.toMatch(/DEMO-LINK/);
    await screenshots(page, 'links-02-oversight');

    expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
    await page.close();
  });
});
