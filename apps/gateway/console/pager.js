/**
 * A list read a page at a time from the hub, newest first: the "N of TOTAL"
 * line (the total is the hub's count of every page) and a Load more button
 * that follows the page's cursor. Used by every list the console shows.
 */
import { h } from './dom.js';

/** `12 of 1,342 records` (or `No records`), from what is shown and the hub's total. */
export function countText(shown, total, one, many = `${one}s`) {
  const all = Number.isFinite(total) ? total : shown;
  if (all === 0) return `No ${many}`;
  return `${shown.toLocaleString('en')} of ${all.toLocaleString('en')} ${all === 1 ? one : many}`;
}

/**
 * pager({ testid, one, many, fetchPage(cursor) -> { items, nextCursor, total }, onItems(items), errorText })
 * returns { count, more, next }: the count line and the Load more row to place,
 * and next() to read the first (then the following) page.
 */
export function pager({ testid, one, many, fetchPage, onItems, errorText }) {
  const count = h('p.list-count', { role: 'status', testid: `${testid}-count` });
  const button = h(
    'button',
    { type: 'button', testid: `${testid}-more`, hidden: true },
    'Load more',
  );
  const more = h('div.load-more', null, button);
  let cursor = undefined;
  let shown = 0;
  let busy = false;

  async function next() {
    if (busy) return;
    busy = true;
    button.disabled = true;
    try {
      const page = await fetchPage(cursor);
      const items = page.items ?? [];
      shown += items.length;
      onItems(items);
      cursor = page.nextCursor ?? undefined;
      count.textContent = countText(shown, page.total, one, many);
      button.hidden = cursor === undefined;
    } catch (error) {
      count.textContent = `Could not load the ${many ?? `${one}s`}: ${errorText(error)}`;
    } finally {
      busy = false;
      button.disabled = false;
    }
  }

  button.addEventListener('click', () => void next());
  return { count, more, next };
}
