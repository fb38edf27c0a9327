/**
 * The console's Refusals view: what the hub turned away (gateway 4xx and
 * worker dead letters) as recorded in the law-enforcement log, metadata only.
 * Oversight sees every agency's; a liaison officer those naming their agency.
 * An aggregate row stands for the refusals counted beyond the per-agency limit.
 */
import { fill, h, timeEl } from './dom.js';

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

/** Loads the newest page of refusals into `body` (the API answers oldest first per page). */
export async function loadRefusals(api, body, errorText) {
  fill(body, h('p.muted', { role: 'status' }, 'Loading refusals…'));
  let refusals = [];
  let cursor = '0';
  try {
    for (let page = 0; page < 20; page++) {
      const answer = await api.refusals({ cursor, limit: 500 });
      refusals = refusals.concat(answer.refusals ?? []).slice(-500);
      if (!answer.nextCursor) break;
      cursor = answer.nextCursor;
    }
  } catch (error) {
    fill(body, h('p.error', { role: 'alert' }, `Refusals: ${errorText(error)}`));
    return;
  }
  if (refusals.length === 0) {
    fill(body, h('p.muted', { testid: 'refusals-empty' }, 'No refusals recorded.'));
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
        h('tbody', null, refusals.reverse().map(refusalRow)),
      ),
    ),
  );
}
