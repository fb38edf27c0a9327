/**
 * The console's screens in real Chromium against a stand-in API that follows the
 * console's contract: every state the page can be in (verified / TAMPERED / no
 * checkpoint, redacted / denied / purged / metadata-only detail, charts with a
 * suppressed count) in seconds. console.test.ts does the same against the real hub.
 */
import type { Browser, Page } from 'playwright-core';
import { collectPageErrors, launchChromium, screenshot } from './support/chromium';
import {
  attributesOf,
  expectAttribute,
  expectCount,
  expectNoHorizontalOverflow,
  expectText,
  overflowingElements,
} from './support/page-helpers';
import { startStubHub, type StubHub } from './support/stub-hub';

jest.setTimeout(60_000);

let browser: Browser;
let stub: StubHub;

beforeAll(async () => {
  browser = await launchChromium();
  stub = await startStubHub();
});

afterAll(async () => {
  await browser?.close();
  await stub?.close();
});

async function logIn(page: Page, agency: string, officer: string, roles: string): Promise<void> {
  await page.goto(`${stub.url}/console/`);
  await page.getByTestId('login-token').fill(stub.officerToken(agency, officer, roles));
  await page.getByTestId('login-submit').click();
  await page
    .getByTestId('justification-input')
    .fill(stub.signedJustification('case NL-2025-0142 review'));
  await page.getByTestId('justification-submit').click();
  await page.getByTestId('record-row').first().waitFor();
}

function realErrors(errors: string[]): string[] {
  // Chromium logs every 4xx as "Failed to load resource"; the page shows those itself.
  return errors.filter((e) => !e.includes('Failed to load resource'));
}

describe('console (stand-in API)', () => {
  it('refuses a bad officer token with the hub message, then a liaison officer searches and opens a redacted delivery', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectPageErrors(page);
    await page.goto(`${stub.url}/console/`);
    await page.getByTestId('login-token').fill('not-a-token');
    await page.getByTestId('login-submit').click();
    await expectText(page.getByTestId('login-error'), 'signature does not verify');

    await logIn(page, 'nl-knp', 'anna', 'liaison');
    await expectText(page.getByTestId('who'), 'anna');
    await expectText(page.getByTestId('who'), 'nl-knp');
    await expectText(page.getByTestId('who'), 'liaison');
    await expectAttribute(page.getByTestId('chain-status'), 'data-state', 'verified');
    expect(stub.justifications).toContain('case NL-2025-0142 review');

    // Newest first, with the hub's total, and cursor pagination: the stub pages by 2.
    expect(await page.getByTestId('record-row').count()).toBe(2);
    expect(await attributesOf(page.getByTestId('record-row'), 'data-seq')).toEqual(['4', '3']);
    await expectText(page.getByTestId('results-count'), '2 of 4 records');
    await page.getByTestId('load-more').click();
    await expectCount(page.getByTestId('record-row'), 4);
    await expectText(page.getByTestId('results-count'), '4 of 4 records');
    expect(await page.getByTestId('load-more').isHidden()).toBe(true);

    await page.getByTestId('filter-caseRef').fill('NL-2025-0142');
    await page.getByTestId('filter-decision').selectOption('REDACTED');
    await page.getByTestId('search-submit').click();
    await expectCount(page.getByTestId('record-row'), 1);
    await screenshot(page, 'stub-01-search');

    await page.locator('[data-testid="record-row"][data-seq="2"] a').click();
    await page.getByTestId('comparison').waitFor();
    const withheld = page.getByTestId('withheld-field');
    expect(await withheld.count()).toBeGreaterThanOrEqual(3);
    const paths = await attributesOf(withheld, 'data-path');
    expect(paths).toEqual(
      expect.arrayContaining([
        'narrative',
        'financialIdentifiers[0].value',
        'subjects[0].identity.documents[0].number',
      ]),
    );
    await expectText(
      page.locator('[data-testid="withheld-field"][data-path="narrative"]'),
      'Withheld by NL-ASEAN-01',
    );
    // The value the recipient did not get is shown struck through on the sender's side.
    expect(
      await page.locator('[data-testid="withheld-field"][data-path="narrative"] del').textContent(),
    ).toContain('Telegram');
    await expectText(page.getByTestId('detail-policy-version'), 'pv-7f3a9c');

    await page.getByTestId('check-proof').click();
    await expectAttribute(page.getByTestId('proof-result'), 'data-state', 'ok');
    await screenshot(page, 'stub-02-detail-redacted');

    // The SD-JWT's claims stand apart from the message, its Unix-second times as dates.
    await expectText(page.locator('[data-testid="token-claim"][data-claim="iat"]'), '2025');
    expect(
      await page.locator('[data-testid="token-claim"][data-claim="iat"]').textContent(),
    ).not.toContain('1741934400');
    await expectText(
      page.locator('[data-testid="token-claim"][data-claim="jti"]'),
      'f3d1c0de-7a2b-4c55-9e01-3b8a6d2e4f10',
    );
    for (const claim of ['iss', 'iat', 'jti'])
      expect(
        await page.locator(`[data-testid="compared-field"][data-path="${claim}"]`).count(),
      ).toBe(0);
    // A message time is readable too, its ISO value kept in the title.
    const issued = page.locator(
      '[data-testid="compared-field"][data-path="issuedAt"] td.sent time',
    );
    expect(await issued.getAttribute('datetime')).toBe('2025-03-14T06:40:00.000Z');
    expect(await issued.textContent()).not.toContain('T06:40');

    // A denied share: said once, the sender's fields folded away until asked for.
    await page.goto(`${stub.url}/console/#/records/3`);
    await expectText(page.getByTestId('detail-summary'), 'Denied by builtin:default-deny');
    const undelivered = page.getByTestId('undelivered-fields');
    expect(await undelivered.getAttribute('open')).toBeNull();
    const pageText = (await page.locator('#detail-body').innerText()).toLowerCase();
    expect(pageText.split('nothing was delivered').length - 1).toBeLessThanOrEqual(3);
    await undelivered.locator('summary').click();
    await expectText(
      page.locator('[data-testid="compared-field"][data-path="narrative"]'),
      'Telegram',
    );
    await screenshot(page, 'stub-02b-detail-denied');
    await page.setViewportSize({ width: 420, height: 900 });
    // Nothing sticks out of a 420 px screen; wide tables scroll inside their own box.
    expect(await overflowingElements(page)).toEqual([]);
    await screenshot(page, 'stub-02c-detail-denied-420px');
    await page.setViewportSize({ width: 1280, height: 900 });
    // Purged by retention: the API's own words.
    await page.goto(`${stub.url}/console/#/records/4`);
    await expectText(page.getByTestId('content-absent'), 'erased');
    await screenshot(page, 'stub-03-detail-purged');

    await page.getByTestId('tab-dashboard').click();
    await page.getByTestId('chart-shares-svg').waitFor();
    await page.getByTestId('chart-denials-svg').waitFor();
    await page.getByTestId('chart-cases-svg').waitFor();
    await expectText(page.getByTestId('chart-cases'), 'suppressed');
    // Headline figures of the period, then a shorter period counted by hour.
    await expectText(
      page.locator('[data-testid="summary-figure"][data-figure="deliveries"]'),
      '212',
    );
    await expectText(page.getByTestId('chart-shares'), 'per day');
    await screenshot(page, 'stub-04-dashboard');
    await page.getByTestId('metrics-period').selectOption('24h');
    await expectText(page.getByTestId('chart-shares'), 'per hour');
    await expectText(page.locator('[data-testid="summary-figure"][data-figure="denials"]'), '<5');
    await expectText(page.getByTestId('chart-shares'), '03-14 06h');
    await screenshot(page, 'stub-04b-dashboard-24h');

    expect(realErrors(errors)).toEqual([]);
    await page.close();
  });

  it('shows TAMPERED with the findings, and "no checkpoint yet"', async () => {
    const page = await browser.newPage();
    stub.chain = 'tampered';
    await logIn(page, 'nl-knp', 'anna', 'liaison');
    await expectAttribute(page.getByTestId('chain-status'), 'data-state', 'tampered');
    await page.getByTestId('chain-status').click();
    await expectText(page.getByTestId('integrity-findings'), 'seq 2');
    await screenshot(page, 'stub-05-tampered');
    stub.chain = 'none';
    await page.reload();
    await expectAttribute(page.getByTestId('chain-status'), 'data-state', 'none');
    expect(await page.getByTestId('chain-status').textContent()).toContain('No checkpoint yet');
    stub.chain = 'verified';
    await page.close();
  });

  it('oversight sees every agency’s rows but no content', async () => {
    const page = await browser.newPage();
    await logIn(page, 'eu-dpo', 'olga', 'oversight');
    await expectText(page.getByTestId('who'), 'metadata only');
    expect(await page.getByTestId('filter-direction').isDisabled()).toBe(true);
    await page.goto(`${stub.url}/console/#/records/2`);
    await expectText(page.getByTestId('content-absent'), 'metadata only');
    expect(await page.getByTestId('comparison').count()).toBe(0);
    // Withheld paths and rules are metadata: oversight sees them.
    await expectText(page.getByTestId('withheld-list'), 'NL-ASEAN-01');
    await screenshot(page, 'stub-06-oversight');
    await page.close();
  });

  it('a recipient’s liaison officer sees what arrived, which fields were withheld and why, but not the originator’s full message', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, 'th-dsi', 'somchai', 'liaison');
    await page.goto(`${stub.url}/console/#/records/2`);
    await page.getByTestId('comparison').waitFor();
    await expectText(page.getByTestId('content-note'), 'only to the originator');
    await expectText(
      page.locator('[data-testid="withheld-field"][data-path="narrative"]'),
      'NL-ASEAN-01',
    );
    await expectText(
      page.locator('[data-testid="compared-field"][data-path="headline"]'),
      'Rotterdam',
    );
    await screenshot(page, 'stub-07-recipient');
    await page.close();
  });

  it('pages the signed checkpoints and lists refusals newest first, each with its total', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, 'eu-dpo', 'olga', 'oversight');
    await page.getByTestId('tab-integrity').click();
    await expectText(page.getByTestId('checkpoints-count'), '2 of 4 signed checkpoints');
    expect(await page.getByTestId('checkpoint-row').count()).toBe(2);
    await page.getByTestId('checkpoints-more').click();
    await expectCount(page.getByTestId('checkpoint-row'), 4);
    await expectText(page.getByTestId('checkpoints-count'), '4 of 4 signed checkpoints');
    expect(await page.getByTestId('checkpoints-more').isHidden()).toBe(true);
    await screenshot(page, 'stub-08-checkpoints');

    await page.getByTestId('tab-refusals').click();
    await expectText(page.getByTestId('refusals-count'), '3 of 3 refusals');
    const times = await attributesOf(page.locator('[data-testid="refusal-row"] time'), 'datetime');
    expect(times).toEqual([...times].sort().reverse());
    await page.close();
  });

  it('holds every page at 420 px: nothing wider than the screen, tables scroll in their box', async () => {
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    const errors = collectPageErrors(page);
    await logIn(page, 'nl-knp', 'anna', 'liaison');
    const pages: [string, string][] = [
      ['#/records', 'record-row'],
      ['#/records/2', 'comparison'],
      ['#/records/3', 'detail-summary'],
      ['#/dashboard', 'chart-shares-svg'],
      ['#/integrity', 'checkpoint-row'],
      ['#/refusals', 'refusal-row'],
    ];
    for (const [hash, ready] of pages) {
      await page.goto(`${stub.url}/console/${hash}`);
      await page.getByTestId(ready).first().waitFor();
      await expectNoHorizontalOverflow(page);
      await screenshot(
        page,
        `stub-420px-${hash.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`,
      );
    }
    expect(realErrors(errors)).toEqual([]);
    await page.close();
  });

  it('logging out ends the session and returns to the login form', async () => {
    const page = await browser.newPage();
    await logIn(page, 'nl-knp', 'anna', 'liaison');
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.close();
  });
});
