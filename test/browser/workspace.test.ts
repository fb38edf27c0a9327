/**
 * The agency workspace (`liaison workspace`) in headless Debian Chromium against
 * the real hub (gateway, policy worker, audit app on the real Kafka and
 * PostgreSQL). Two agencies each run their own workspace, a CLI process on
 * their machine holding their keys:
 * - nl-knp opens the printed link, writes an alert in the publish form and
 *   watches the live preview (the hub's dry-run) name who would receive what;
 *   broken JSON is answered with the reason; it publishes and sees each
 *   recipient's outcome, with the delivery's entry once the feed has it;
 * - de-bka finds the alert in its inbox, decrypted on its machine, and opens it:
 *   headline, case, subjects, the withheld fields with their rules (as many as
 *   the publisher's outcome says), the originator's signature and the hub's
 *   receipt verified. The headline carries markup, shown as text, never run;
 * - the cases and links pages render; a request without the access key, for
 *   another Host, or a POST from another origin is refused.
 * Screenshots: test-artifacts/browser/workspace-*.png.
 */
import '../support/isolated-namespace';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { request } from 'node:http';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  ROOT,
  dropNamespaceDatabase,
  hubEnv,
  seedNamespace,
  startHub,
  type RunningHub,
} from '../support/hub-processes';
import { collectPageErrors, launchChromium, screenshot } from './support/chromium';
import { expectCount, expectText } from './support/page-helpers';

jest.setTimeout(180_000);

const CASE_REF = `NL-2026-${randomInt(1000, 9999)}-${process.pid}`;
const HOSTILE = 'Minor moved tonight <img src=x onerror="document.title=\'pwned\'"> <b>A3</b>';

interface RunningWorkspace {
  readonly child: ChildProcess;
  readonly url: string;
  readonly openUrl: string;
}

/** `liaison --agency <agency> workspace --port 0`, until it prints its link. */
function startWorkspace(hub: string, agency: string): Promise<RunningWorkspace> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      path.join(ROOT, 'deploy/runtime/register.js'),
      path.join(ROOT, 'dist/apps/cli/src/main.js'),
      '--hub',
      hub,
      '--agency',
      agency,
      'workspace',
      '--port',
      '0',
    ],
    { cwd: ROOT, env: hubEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`workspace did not start: ${out}`)), 60_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const open = /open (http:\/\/127\.0\.0\.1:\d+)(\/\?key=\S+)/.exec(out);
      if (open?.[1] && open[2]) {
        clearTimeout(timer);
        resolve({ child, url: open[1], openUrl: `${open[1]}${open[2]}` });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => reject(new Error(`workspace exited (${code}): ${out}`)));
  });
}

async function stopWorkspace(ws: RunningWorkspace | undefined): Promise<void> {
  if (!ws || ws.child.exitCode !== null) return;
  const exited = new Promise((r) => ws.child.once('exit', r));
  ws.child.kill('SIGTERM');
  await exited;
}

/** A raw request, with whatever Host and Origin a hostile page could send. */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

let browser: Browser;
let hub: RunningHub;
let nl: RunningWorkspace;
let de: RunningWorkspace;

beforeAll(async () => {
  await seedNamespace();
  hub = await startHub();
  [nl, de, browser] = await Promise.all([
    startWorkspace(hub.url, 'nl-knp'),
    startWorkspace(hub.url, 'de-bka'),
    launchChromium(),
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([stopWorkspace(nl), stopWorkspace(de)]);
  await hub?.stop();
  await dropNamespaceDatabase();
}, 60_000);

describe('the agency workspace', () => {
  let messageId = '';
  let withheldAtDe = 0;

  it('nl-knp: a live preview of who would receive what, then the outcome per recipient', async () => {
    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectPageErrors(page);
    await page.goto(nl.openUrl);
    await expectText(page.locator('h1'), 'Inbox');
    await expectText(page.locator('main'), 'No deliveries in your feed yet.');

    await page.goto(`${nl.url}/publish`);
    const area = page.locator('textarea#message');
    const template = JSON.parse(await area.inputValue()) as Record<string, unknown>;
    expect(template.originatorAgency).toBe('nl-knp');
    // The template's preview: the demo world's policy, asked live of the hub.
    await expectCount(
      page.locator('table.preview tr[data-agency="fr-ocriest"][data-outcome="DENIED"]'),
      1,
      30_000,
    );
    await expectCount(
      page.locator('table.preview tr[data-agency="de-bka"][data-outcome="REDACTED"]'),
      1,
    );

    await area.fill('{"messageType": ');
    await expectText(page.locator('.preview-state'), 'not valid JSON', 15_000);
    await expectCount(page.locator('table.preview tbody tr'), 0);

    template.caseRef = CASE_REF;
    template.headline = HOSTILE;
    await area.fill(JSON.stringify(template, null, 2));
    await expectCount(
      page.locator('table.preview tr[data-agency="de-bka"][data-outcome="REDACTED"]'),
      1,
      30_000,
    );
    await expectText(page.locator('.preview-state'), 'recipients:');
    await screenshot(page, 'workspace-publish-preview');

    // Published: a redirect to the outcome; refused: the form again, with the reason.
    const [posted] = await Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/publish',
        { timeout: 60_000 },
      ),
      page.locator('form.publish button[type="submit"]').click(),
    ]);
    if (posted.status() !== 303)
      throw new Error(`publishing failed (${posted.status()}): ${await posted.text()}`);
    await page.waitForURL(/\/sent\/[0-9a-f-]{36}$/);
    messageId = page.url().split('/').pop() ?? '';
    expect(messageId).toBe(template.messageId);
    // The page reloads itself until every delivery is in its recipient's feed.
    const de = page.locator('table.recipients tr[data-agency="de-bka"]');
    await expectText(de, 'REDACTED', 60_000);
    await expectText(de, '#', 60_000);
    await expectText(
      page.locator('table.recipients tr[data-agency="fr-ocriest"]'),
      'nothing delivered',
    );
    withheldAtDe = await de.locator('td ul li').count();
    expect(withheldAtDe).toBeGreaterThan(0);
    await screenshot(page, 'workspace-sent-outcome');

    await page.goto(`${nl.url}/sent`);
    await expectText(page.locator('table.sent'), messageId);
    // The one failed load: the preview of the broken JSON, answered 400 on purpose.
    expect(errors).toEqual([
      'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    await page.close();
  });

  it('de-bka: the inbox decrypts and verifies on its machine; markup stays text', async () => {
    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = collectPageErrors(page);
    await page.goto(de.openUrl);
    const row = page.locator(`table.inbox tr[data-message-id="${messageId}"]`);
    await expectText(row, HOSTILE, 30_000);
    await expectText(row, CASE_REF);
    await expectText(row, 'IMMEDIATE');
    await screenshot(page, 'workspace-inbox');

    await row.locator('td.headline a').click();
    await expectText(page.locator('h2.headline'), HOSTILE);
    await expectText(page.locator('.message-head'), `case ${CASE_REF}`);
    await expectText(page.locator('li[data-check="signature"]'), 'originator signature VALID');
    await expectText(page.locator('li[data-check="envelope"]'), 'envelope VALID');
    await expectText(page.locator('li[data-check="receipt"]'), 'hub receipt VALID');
    await expectText(page.locator('section.claims h3').first(), 'Narrative');
    await expectText(page.locator('main'), 'Subject 1: ');
    await expectText(page.locator('main'), 'Rotterdam (NL) → Duisburg (DE)');
    // As many withheld fields, each with its rule, as the publisher's outcome lists.
    await expectCount(page.locator('table.withheld tbody tr'), withheldAtDe);
    await expectText(page.locator('main h2').last(), `Withheld: ${withheldAtDe} fields`);
    // The markup in the headline never became elements; nothing ran.
    await expectCount(page.locator('main img'), 0);
    await expectCount(page.locator('main b'), 0);
    expect(await page.title()).not.toBe('pwned');
    await screenshot(page, 'workspace-delivery');

    // Narrow screens keep the page usable.
    await page.setViewportSize({ width: 420, height: 900 });
    await screenshot(page, 'workspace-delivery-420');

    await page.goto(`${de.url}/cases`);
    await expectText(page.locator('h1'), 'Cases');
    await page.goto(`${de.url}/links`);
    await expectText(page.locator('main'), 'No link notices in your feed.');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses requests without the access key, for another host, or from another origin', async () => {
    expect(await raw(`${nl.url}/inbox`, {})).toBe(401);
    expect(await raw(`${nl.url}/?key=wrong`, {})).toBe(403);
    const key = new URL(nl.openUrl).searchParams.get('key') ?? '';
    const cookie = `liaison_workspace=${key}`;
    expect(await raw(`${nl.url}/inbox`, { headers: { cookie } })).toBe(200);
    expect(await raw(`${nl.url}/inbox`, { headers: { cookie, host: 'attacker.example:80' } })).toBe(
      421,
    );
    expect(
      await raw(`${nl.url}/publish`, {
        method: 'POST',
        headers: {
          cookie,
          origin: 'http://attacker.example',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'message=%7B%7D',
      }),
    ).toBe(403);
  });
});
