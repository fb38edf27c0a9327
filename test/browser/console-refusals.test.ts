/**
 * The console's Refusals view on a real gateway (issue 18 §3): requests the hub
 * refused are shown to oversight with the agency and how it was established,
 * the status and reason code, and nothing of what the request carried.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import {
  dropNamespaceDatabase,
  runCli,
  seedNamespace,
  startApp,
  stopApp,
  type StartedApp,
} from '../support/hub-processes';
import { collectPageErrors, launchChromium, screenshot } from './support/chromium';
import { expectText } from './support/page-helpers';

jest.setTimeout(180_000);

const JUSTIFICATION = 'weekly review of refused requests (browser test)';
const SECRET = `Victim name Jane ${randomUUID().slice(0, 8)}`;

let browser: Browser;
let gateway: StartedApp;
let url = '';

async function tokenOf(args: string[]): Promise<string> {
  const out = await runCli([...args, 'token']);
  if (out.code !== 0) throw new Error(`liaison token failed (${out.code}): ${out.stderr}`);
  return out.stdout.trim();
}

/** The officer's signed justification for a console session (`liaison ... justify`). */
async function signedJustification(args: string[]): Promise<string> {
  const out = await runCli([...args, 'justify', JUSTIFICATION]);
  if (out.code !== 0) throw new Error(`liaison justify failed (${out.code}): ${out.stderr}`);
  return out.stdout.trim();
}

beforeAll(async () => {
  browser = await launchChromium();
  await seedNamespace();
  gateway = await startApp('gateway');
  url = `http://127.0.0.1:${gateway.port}`;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stopApp(gateway);
  await dropNamespaceDatabase();
});

it('oversight sees a refused request: agency verified, status, reason, no content', async () => {
  const refused = await fetch(`${url}/v1/alerts`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await tokenOf(['--agency', 'nl-knp'])}`,
      'content-type': 'text/plain',
    },
    body: SECRET,
  });
  expect(refused.status).toBe(400);

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = collectPageErrors(page);
  await page.goto(`${url}/console/`);
  await page
    .getByTestId('login-token')
    .fill(await tokenOf(['--agency', 'eu-dpo', '--officer', 'olga', '--roles', 'oversight']));
  await page.getByTestId('login-submit').click();
  await page
    .getByTestId('justification-input')
    .fill(await signedJustification(['--agency', 'eu-dpo', '--officer', 'olga']));
  await page.getByTestId('justification-submit').click();
  await page.getByTestId('filters').waitFor();

  await page.getByTestId('tab-refusals').click();
  await page.getByTestId('refusals-table').waitFor({ timeout: 20_000 });
  const row = page
    .getByTestId('refusal-row')
    .filter({ hasText: 'submission.unsupported-media-type' });
  await expectText(row, 'nl-knp');
  await expectText(row, 'verified');
  await expectText(row, '400');
  await expectText(row, 'gateway');
  expect(await page.locator('body').textContent()).not.toContain(SECRET);
  await screenshot(page, '07-oversight-refusals');
  expect(errors.filter((e) => !e.includes('Failed to load resource'))).toEqual([]);
  await page.close();
});
