/**
 * Waiting on the page through locators only (the test's TypeScript has no DOM
 * types, so no functions run inside the page). Every wait names what it waited
 * for when it times out.
 */
import type { Locator, Page } from 'playwright-core';

async function poll<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: (last: T | undefined) => string,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out: ${what(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the first match's text contains `text`. */
export async function expectText(
  locator: Locator,
  text: string,
  timeoutMs = 10_000,
): Promise<void> {
  await locator.first().waitFor({ timeout: timeoutMs });
  await poll(
    async () => (await locator.first().textContent()) ?? '',
    (t) => t.includes(text),
    (last) => `expected "${text}" in ${JSON.stringify(last)}`,
    timeoutMs,
  );
}

/** Waits until the locator matches exactly `n` elements. */
export async function expectCount(locator: Locator, n: number, timeoutMs = 10_000): Promise<void> {
  await poll(
    () => locator.count(),
    (c) => c === n,
    (last) => `expected ${n} elements, found ${last}`,
    timeoutMs,
  );
}

/** Waits until `attribute` of the first match equals `value`. */
export async function expectAttribute(
  locator: Locator,
  attribute: string,
  value: string,
  timeoutMs = 10_000,
): Promise<void> {
  await poll(
    () => locator.first().getAttribute(attribute),
    (v) => v === value,
    (last) => `expected ${attribute}="${value}", found ${JSON.stringify(last)}`,
    timeoutMs,
  );
}

/** `attribute` of every match. */
export async function attributesOf(locator: Locator, attribute: string): Promise<string[]> {
  const out: string[] = [];
  for (const el of await locator.all()) out.push((await el.getAttribute(attribute)) ?? '');
  return out;
}

/**
 * Elements that stick out past the right edge of the viewport, as `tag.class#id`,
 * outside any `.table-wrap` or `.graph-wrap` (a wide table or link graph scrolls
 * inside its own box). Empty when the layout holds at the current width.
 */
export async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('body *')]
    .filter((el) => !el.closest('.table-wrap, .graph-wrap') && el.getClientRects().length > 0)
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .map((el) => el.tagName.toLowerCase() + '.' + el.className + '#' + el.id)`);
}

/**
 * The page holds at a narrow width: the document is no wider than the
 * viewport (tables scroll inside their own box) and no element sticks out.
 */
export async function expectNoHorizontalOverflow(page: Page, width = 420): Promise<void> {
  const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
  expect({ url: page.url(), scrollWidth, overflowing: await overflowingElements(page) }).toEqual({
    url: page.url(),
    scrollWidth: Math.min(scrollWidth, width),
    overflowing: [],
  });
}
