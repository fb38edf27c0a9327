/**
 * The console's Links view, never a selector value. A liaison officer sees the
 * agency's link notices (which of its messages, under which of its case
 * handles, links to which counterpart agency and case handle, by which selector
 * kinds, how strongly, at the counterpart's TLP) and the graph they draw.
 * Oversight sees the links the hub found between agencies, counted per pair and
 * per selector kind, small counts suppressed (`<5`).
 */
import { fill, h, plural, resultsTable, timeEl } from './dom.js';
import { linkGraphSvg } from './graph.js';
import { pager } from './pager.js';

function tlpPill(tlp) {
  const t = String(tlp ?? '').toUpperCase();
  return h(`span.pill.tlp.tlp-${t.toLowerCase().replace(/[^a-z]/g, '-')}`, null, `TLP:${t}`);
}

function strengthText(strength) {
  return strength === 'POSSIBLE' ? 'possible (name and date of birth)' : 'exact';
}

function count(value) {
  return value === 'suppressed'
    ? h('span.suppressed-count', { title: 'small count' }, '<5')
    : String(value);
}

function noticeRow(n) {
  return h(
    'tr',
    { testid: 'link-notice-row', 'data-notice': n.noticeId, 'data-strength': n.strength },
    h('td.nowrap', null, timeEl(n.foundAt)),
    h(
      'td',
      null,
      n.caseHandle
        ? h('a', { href: `#/cases/${encodeURIComponent(n.caseHandle)}` }, n.caseHandle)
        : h('span.muted', null, 'no case handle'),
      h('br'),
      h('code.digest', { title: n.messageId }, n.messageId.slice(0, 8), '…'),
    ),
    h('td', { testid: 'link-counterpart' }, n.counterpartAgency),
    h('td', null, n.counterpartCaseHandle ?? h('span.muted', null, '—')),
    h(
      'td',
      null,
      n.kinds.map((k) => h('code.rule', null, k)),
    ),
    h('td', null, strengthText(n.strength)),
    h('td', null, tlpPill(n.counterpartTlp)),
    h(
      'td',
      null,
      n.rules.map((r) => h('code.rule', null, r)),
    ),
  );
}

const NOTICES_PAGE = 200;

async function agencyLinks(api, body, agency, errorText) {
  const answer = await api.linkNotices({ limit: NOTICES_PAGE });
  const notices = answer.notices ?? [];
  if (notices.length === 0) {
    fill(
      body,
      h(
        'p.muted',
        { testid: 'links-empty' },
        `No link notices for ${agency} yet. When a message of another agency shares a selector with one of yours and its links rules allow it, the hub tells you here.`,
      ),
    );
    return;
  }
  const counterparts = new Set(notices.map((n) => n.counterpartAgency));
  const tbody = h('tbody');
  // The first page is the answer above; Load more reads the older ones.
  let first = answer;
  const list = pager({
    testid: 'link-notices',
    one: 'link notice',
    fetchPage: async (cursor) => {
      const page = first ?? (await api.linkNotices({ limit: NOTICES_PAGE, cursor }));
      first = null;
      return { items: page.notices, nextCursor: page.nextCursor, total: page.total };
    },
    onItems: (items) => tbody.append(...items.map(noticeRow)),
    errorText,
  });
  await list.next();
  fill(
    body,
    h(
      'p.hint',
      null,
      `Newest first, with ${plural(counterparts.size, 'agency', 'agencies')} in the newest ${plural(notices.length, 'notice')}. `,
      'A notice says which of your messages shares which kinds of selector with a message of another agency and under which of its case handles — never the value. Ask that agency about it under your usual channels.',
    ),
    h(
      'section.card.chart-card',
      { 'aria-labelledby': 'links-graph-title', testid: 'links-graph' },
      h('h2', { id: 'links-graph-title' }, 'Your case handles and the ones they link to'),
      linkGraphSvg(answer.graph, {
        title: `Links of ${agency}`,
        desc: `Your agency (left), your case handles, the counterparts' case handles and their agencies (right); a line between handles is a link, labelled with the selector kinds. The newest ${notices.length} notices.`,
        testid: 'links-graph-svg',
      }),
      h(
        'ul.legend',
        { 'aria-label': 'Legend' },
        h('li', null, h('span.swatch.swatch-line'), 'exact link'),
        h('li', null, h('span.swatch.swatch-dashed'), 'possible link (name and date of birth)'),
      ),
    ),
    h('h2', null, 'Link notices'),
    list.count,
    h(
      'div.table-wrap',
      null,
      h(
        'table.results',
        { testid: 'link-notices' },
        h('caption.visually-hidden', null, 'Link notices, newest first'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            [
              'Found',
              'Your case / message',
              'Counterpart',
              'Their case',
              'Shared kinds',
              'Strength',
              'Their TLP',
              'Rules',
            ].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        tbody,
      ),
    ),
    list.more,
  );
}

async function oversightLinks(api, body) {
  const o = await api.linkOverview();
  const k = o.smallCountThreshold ?? 5;
  fill(
    body,
    h(
      'p.hint',
      null,
      `Links the hub found between agencies from ${o.from?.slice(0, 10)} to ${o.to?.slice(0, 10)}, notified or denied by the links rules. Counts only: below ${k} they are shown as “<${k}”, and further cells are suppressed so a total cannot reveal one.`,
    ),
    h(
      'p',
      { testid: 'links-totals' },
      'Links: ',
      h('strong', null, count(o.totals.links)),
      ' · sides notified: ',
      h('strong', null, count(o.totals.notified)),
      ' · sides denied: ',
      h('strong', null, count(o.totals.denied)),
    ),
    o.pairs.length === 0
      ? h('p.muted', { testid: 'links-empty' }, 'No links found in this period.')
      : [
          h(
            'section.card.chart-card',
            { 'aria-labelledby': 'links-overview-title', testid: 'links-graph' },
            h('h2', { id: 'links-overview-title' }, 'Agencies joined by links'),
            linkGraphSvg(o.graph, {
              title: 'Agencies joined by links',
              desc: `Agencies on a circle; a line joins two agencies whose messages linked, labelled with the number of links (<${k} when small). ${o.pairs.length} pairs.`,
              testid: 'links-graph-svg',
              layout: 'circle',
              showCount: true,
            }),
          ),
          h('h2', null, 'Per pair of agencies'),
          resultsTable(
            'links-pairs',
            'Links per pair of agencies',
            ['Agencies', 'Links', 'Sides notified', 'Sides denied'],
            o.pairs.map((p) =>
              h(
                'tr',
                { testid: 'links-pair-row', 'data-pair': p.agencies.join('|') },
                h('td', null, p.agencies.join(' ↔ ')),
                h('td', { testid: 'links-pair-count' }, count(p.links)),
                h('td', null, count(p.notified)),
                h('td', null, count(p.denied)),
              ),
            ),
          ),
          h('h2', null, 'Per selector kind'),
          resultsTable(
            'links-kinds',
            'Links per selector kind',
            ['Kind', 'Links'],
            o.byKind.map((b) =>
              h(
                'tr',
                null,
                h('td', null, h('code.rule', null, b.kind)),
                h('td', null, count(b.links)),
              ),
            ),
          ),
        ],
  );
}

/** Fills `body` with the Links view for the session's role. */
export async function loadLinks(api, body, { agency, oversight, errorText }) {
  fill(body, h('p.muted', { role: 'status' }, 'Loading links…'));
  try {
    if (oversight) await oversightLinks(api, body);
    else await agencyLinks(api, body, agency, errorText);
  } catch (error) {
    fill(body, h('p.form-error', { role: 'alert' }, `Links: ${errorText(error)}`));
  }
}
