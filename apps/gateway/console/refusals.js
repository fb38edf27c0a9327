/**
 * The console's Refusals view: what the hub turned away (gateway 4xx and
 * worker dead letters) as recorded in the law-enforcement log, metadata only.
 * Oversight sees every agency's; a liaison officer those naming their agency.
 * An aggregate row stands for the refusals counted beyond the per-agency limit.
 */
import { fill, h, timeEl } from './dom.js';
import { pager } from './pager.js';

const ATTRIBUTION = {
  verified: 'verified by the hub',
  claimed: 'claimed, not verified',
  unknown: 'not known',
};

function reasonCell(r) {
  if (!r.aggregate) return h('code', null, r.reasonCode ?? '—');
  return Object.entries(r.reasonCodes ?? {}).map(([code, n]) =>
    h('span.refusal-code', null, h('code', null, code), ` ×${n} `),
  );
}

function refusalRow(r) {
  return h(
    'tr',
    { testid: 'refusal-row', 'data-aggregate': r.aggregate ? 'true' : 'false' },
    h('td', null, timeEl(r.refusedAt ?? r.windowEnd ?? r.at)),
    h('td', null, r.stage),
    h(
      'td',
      null,
      r.agency,
      ' ',
      h(`span.pill.pill-${r.attribution}`, { title: ATTRIBUTION[r.attribution] }, r.attribution),
    ),
    h('td', null, r.status ?? '—'),
    h('td', null, reasonCell(r)),
    h('td', null, h('code', null, r.messageKeyId ?? r.keyId ?? '—')),
    h('td', null, h('code', null, r.messageId ?? '—')),
    h('td', { testid: 'refusal-count' }, r.aggregate ? `${r.count} counted` : '1'),
  );
}

const PAGE_SIZE = 100;

/** Refusals newest first, a page at a time, with how many there are in all. */
export async function loadRefusals(api, body, errorText) {
  fill(body, h('p.muted', { role: 'status' }, 'Loading refusals…'));
  const tbody = h('tbody');
  const list = pager({
    testid: 'refusals',
    one: 'refusal',
    fetchPage: async (cursor) => {
      const answer = await api.refusals({ order: 'newest', cursor, limit: PAGE_SIZE });
      return { items: answer.refusals, nextCursor: answer.nextCursor, total: answer.total };
    },
    onItems: (refusals) => tbody.append(...refusals.map(refusalRow)),
    errorText,
  });
  await list.next();
  if (tbody.childElementCount === 0) {
    fill(
      body,
      list.count.textContent.startsWith('No ')
        ? h('p.muted', { testid: 'refusals-empty' }, 'No refusals recorded.')
        : h('p.error', { role: 'alert' }, `Refusals: ${list.count.textContent}`),
    );
    return;
  }
  fill(
    body,
    h(
      'p',
      null,
      'Requests the hub refused and records it dead-lettered, newest first. ',
      'No content is recorded: only who (as far as known), which key, why and when.',
    ),
    list.count,
    h(
      'div.table-wrap',
      null,
      h(
        'table.refusals',
        { testid: 'refusals-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['When', 'Where', 'Agency', 'Status', 'Reason', 'Key', 'Message', 'Count'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        tbody,
      ),
    ),
    list.more,
  );
}
