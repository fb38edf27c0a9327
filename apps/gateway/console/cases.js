/**
 * The console's case pages. A liaison officer lists the cases the agency takes
 * part in or is invited to (open requests, approaching and overdue deadlines),
 * opens one: participants, the requests with their legal clocks and states
 * (overdue highlighted), and the timeline of the notices the agency sent or
 * received and the link notices on its handle, as far as it is entitled to each.
 * Both roles see the case metrics as charts: the agency's own figures in full,
 * others' (and everything for oversight) with small counts suppressed.
 */
import { horizontalBars } from './charts.js';
import { fill, h, plural, resultsTable, timeEl } from './dom.js';
import { pager } from './pager.js';

const HOUR = 3_600_000;

const MARK_TEXT = { ok: 'on time', approaching: 'deadline approaching', overdue: 'OVERDUE' };

function deadlineBadge(mark) {
  return h(
    `span.deadline.deadline-${mark}`,
    { testid: 'deadline', 'data-deadline': mark },
    MARK_TEXT[mark] ?? mark,
  );
}

function duration(ms) {
  const abs = Math.abs(ms);
  if (abs >= 48 * HOUR) return `${Math.round(abs / (24 * HOUR))} days`;
  if (abs >= HOUR) return `${Math.floor(abs / HOUR)} h ${Math.round((abs % HOUR) / 60_000)} min`;
  return `${Math.round(abs / 60_000)} min`;
}

/** "due in 3 h 5 min" / "overdue by 2 h" / "answered 2 h late", read at the view's instant. */
function clockText(clock, readAt) {
  const due = Date.parse(clock.dueAt);
  if (clock.stoppedAt) {
    const late = Date.parse(clock.stoppedAt) - due;
    return late > 0 ? `met ${duration(late)} late` : 'met in time';
  }
  if (clock.status === 'PAUSED') return 'paused (request suspended)';
  const left = due - Date.parse(readAt);
  return left >= 0 ? `due in ${duration(left)}` : `overdue by ${duration(left)}`;
}

function caseLink(caseRef) {
  return h('a', { href: `#/cases/${encodeURIComponent(caseRef)}`, testid: 'open-case' }, caseRef);
}

// ---------------------------------------------------------------------------
// The list

function caseRow(c) {
  return h(
    `tr${c.overdue > 0 ? '.row-overdue' : c.approaching > 0 ? '.row-approaching' : ''}`,
    { testid: 'case-row', 'data-case': c.caseRef, 'data-overdue': String(c.overdue) },
    h('td', null, caseLink(c.caseRef)),
    h('td', null, c.status, c.membership === 'INVITED' ? h('span.pill', null, 'invited') : null),
    h('td', null, c.lead ?? '—'),
    h('td', null, c.participants.join(', ') || h('span.muted', null, '—')),
    h('td.nowrap', null, timeEl(c.openedAt)),
    h('td.nowrap', null, timeEl(c.lastEventAt)),
    h('td', null, String(c.openRequests)),
    h(
      'td',
      { testid: 'case-deadlines' },
      c.overdue > 0 ? deadlineBadge('overdue') : null,
      c.overdue > 0 ? ` ${c.overdue} ` : null,
      c.approaching > 0 ? deadlineBadge('approaching') : null,
      c.approaching > 0 ? ` ${c.approaching}` : null,
      c.overdue === 0 && c.approaching === 0 ? h('span.muted', null, '—') : null,
    ),
  );
}

const PAGE_SIZE = 100;

async function caseList(api, errorText) {
  const table = resultsTable(
    'cases',
    'Your cases, most recently changed first',
    [
      'Case',
      'Status',
      'Lead',
      'Participants',
      'Opened',
      'Last event',
      'Open requests',
      'Deadlines',
    ],
    [],
  );
  const tbody = table.querySelector('tbody');
  const list = pager({
    testid: 'cases',
    one: 'case',
    fetchPage: async (cursor) => {
      const answer = await api.cases({ cursor, limit: PAGE_SIZE });
      return { items: answer.cases, nextCursor: answer.nextCursor, total: answer.total };
    },
    onItems: (cases) => tbody.append(...cases.map(caseRow)),
    errorText,
  });
  await list.next();
  if (tbody.childElementCount === 0) {
    return list.count.textContent.startsWith('No ')
      ? h('p.muted', { testid: 'cases-empty' }, 'Your agency takes part in no case yet.')
      : h('p.error', { role: 'alert' }, `Cases: ${list.count.textContent}`);
  }
  return [list.count, table, list.more];
}

/** Fills `body` with the case list (liaison) and the case metrics (both roles). */
export async function loadCases(api, body, { oversight, errorText }) {
  fill(body, h('p.muted', { role: 'status' }, 'Loading cases…'));
  const parts = [];
  if (oversight) {
    parts.push(
      h(
        'p.hint',
        { testid: 'cases-oversight-note' },
        'Oversight sees case figures across agencies, small counts suppressed; case contents stay with the participating agencies.',
      ),
    );
  } else {
    try {
      parts.push(h('h2', null, 'Your cases'), await caseList(api, errorText));
    } catch (error) {
      parts.push(h('p.form-error', { role: 'alert' }, `Cases: ${errorText(error)}`));
    }
  }
  try {
    const metrics = await api.metrics({});
    parts.push(caseMetricsCharts(metrics.caseFigures, oversight));
  } catch (error) {
    parts.push(h('p.form-error', { role: 'alert' }, `Case metrics: ${errorText(error)}`));
  }
  fill(body, parts);
}

// ---------------------------------------------------------------------------
// Metrics as charts

function cellText(v) {
  return v === 'suppressed' ? '<5' : String(v);
}

function hours(ms) {
  return ms === null ? null : Math.round((ms / HOUR) * 10) / 10;
}

function caseMetricsCharts(figures, oversight) {
  if (!figures) return h('p.muted', null, 'No case metrics.');
  const k = figures.smallCountThreshold;
  const agencies = figures.perAgency.map((a) => ({
    label: `${a.agency}${a.own ? ' (you)' : ''}`,
    values: [a.resolutionRate, a.victimReferralRate],
    notes: [
      `${cellText(a.casesResolved)} of ${cellText(a.casesOpened)} resolved`,
      `${cellText(a.casesWithVictimReferral)} of ${cellText(a.casesOpened)} with a victim referral`,
    ],
  }));
  agencies.push({
    label: 'All lead agencies',
    values: [figures.totals.resolutionRate, figures.totals.victimReferralRate],
    notes: [
      `${cellText(figures.totals.casesResolved)} of ${cellText(figures.totals.casesOpened)} resolved`,
      `${cellText(figures.totals.casesWithVictimReferral)} of ${cellText(figures.totals.casesOpened)} with a victim referral`,
    ],
  });
  // No request yet is no figure (0 h would be a claim); a suppressed one stays suppressed.
  const stat = (d, pick) => (d.count === 0 ? 0 : hours(d[pick]));
  const statNote = (d) => (d.count === 0 ? 'none yet' : `${plural(d.count, 'request leg')}`);
  // A jurisdiction that neither acknowledged nor answered yet has no figure to draw.
  const answered = figures.responseTimes.filter(
    (r) => r.toAcknowledge.count > 0 || r.toAnswer.count > 0,
  );
  const times = answered.map((r) => ({
    label: r.jurisdiction,
    values: [
      stat(r.toAcknowledge, 'medianMs'),
      stat(r.toAcknowledge, 'p90Ms'),
      stat(r.toAnswer, 'medianMs'),
      stat(r.toAnswer, 'p90Ms'),
    ],
    notes: [
      statNote(r.toAcknowledge),
      statNote(r.toAcknowledge),
      statNote(r.toAnswer),
      statNote(r.toAnswer),
    ],
  }));
  const overdue = [
    {
      label: oversight ? 'Overdue request legs' : 'Your requests, overdue',
      values: [figures.overdue.asRequester],
    },
  ];
  if (!oversight)
    overdue.push({ label: 'Requests to you, overdue', values: [figures.overdue.asRequested] });
  return h(
    'div.dashboard',
    { testid: 'case-metrics' },
    h(
      'p.hint',
      null,
      oversight
        ? `Cases opened in the last 90 days, each counted once. Counts below ${k} are shown as “<${k}” and rates built on them suppressed.`
        : `Cases opened in the last 90 days, each counted once. Your agency's figures are shown in full; other agencies' below ${k} as “<${k}”, and rates built on them suppressed.`,
    ),
    h(
      'section.card.chart-card',
      { 'aria-labelledby': 'cm1', testid: 'chart-case-rates' },
      h('h2', { id: 'cm1' }, 'Resolution and victim-referral rate per lead agency'),
      horizontalBars({
        title: 'Resolution and victim-referral rate per lead agency',
        desc: `Two bars per lead agency: cases closed with conviction or prosecution ÷ cases opened, and cases with a victim referral ÷ cases opened. ${agencies.map((a) => `${a.label}: ${a.values.map((v) => (v === null ? 'suppressed' : `${Math.round(v * 100)}%`)).join(' / ')}`).join('; ')}`,
        xLabel: 'Rate',
        items: agencies,
        groups: ['Resolution rate', 'Victim-referral rate'],
        percent: true,
        testid: 'chart-case-rates-svg',
      }),
    ),
    h(
      'section.card.chart-card',
      { 'aria-labelledby': 'cm2', testid: 'chart-response-times' },
      h(
        'h2',
        { id: 'cm2' },
        oversight
          ? 'Time to acknowledge and to answer, per requested jurisdiction'
          : 'Time counterparts took with your requests, per jurisdiction',
      ),
      times.length === 0
        ? h('p.muted', null, 'No request acknowledged or answered yet.')
        : horizontalBars({
            title: 'Time to acknowledge and to answer (hours)',
            desc: `Median and 90th percentile, in hours, from sending a request to its acknowledgement and to its first answer. ${times.map((t) => `${t.label}: ${t.values.map((v) => (v === null ? 'suppressed' : `${v} h`)).join(' / ')}`).join('; ')}`,
            xLabel: 'Hours',
            items: times,
            groups: [
              'Median to acknowledge',
              'p90 to acknowledge',
              'Median to answer',
              'p90 to answer',
            ],
            testid: 'chart-response-times-svg',
          }),
    ),
    h(
      'section.card.chart-card',
      { 'aria-labelledby': 'cm3', testid: 'chart-overdue' },
      h('h2', { id: 'cm3' }, 'Overdue requests: deadlines missed, answered late or not yet'),
      horizontalBars({
        title: 'Overdue requests: deadlines missed',
        desc: overdue.map((o) => `${o.label}: ${o.values[0]}`).join('; '),
        xLabel: 'Request legs that missed a deadline',
        items: overdue,
        testid: 'chart-overdue-svg',
      }),
    ),
  );
}

// ---------------------------------------------------------------------------
// One case

function instrumentText(instrument) {
  if (!instrument) return 'no legal instrument named';
  if (instrument.kind !== 'BILATERAL') return instrument.kind;
  if (instrument.deadlineAt) return `BILATERAL, deadline ${instrument.deadlineAt}`;
  if (instrument.deadlineWorkingDays)
    return `BILATERAL, ${plural(instrument.deadlineWorkingDays, 'working day')}`;
  return 'BILATERAL';
}

function requestCard(r, readAt) {
  return h(
    `section.card.request.request-${r.deadline}`,
    { testid: 'case-request', 'data-request': r.requestId, 'data-deadline': r.deadline },
    h(
      'h3',
      null,
      r.kind === 'JIT' ? 'JIT proposal ' : 'Assistance request ',
      h('code.digest', { title: r.requestId }, r.requestId.slice(0, 8), '…'),
      ' ',
      deadlineBadge(r.deadline),
    ),
    h(
      'p',
      null,
      `By ${r.requester} under ${instrumentText(r.instrument)} · `,
      h('strong', { testid: 'request-status' }, r.status),
      ' · sent ',
      timeEl(r.sentAt),
      r.closedAt ? [' · closed ', timeEl(r.closedAt)] : null,
    ),
    resultsTable(
      'request-legs',
      'Requested agencies and their answers',
      ['Agency', 'State', 'Acknowledged', 'Decided', 'Answered', 'Refusal reason'],
      r.legs.map((l) =>
        h(
          'tr',
          { testid: 'request-leg', 'data-agency': l.agency },
          h('td', null, l.agency, ' ', h('span.jurisdiction', null, l.jurisdiction)),
          h('td', null, l.status),
          h('td.nowrap', null, timeEl(l.acknowledgedAt)),
          h('td.nowrap', null, timeEl(l.decidedAt)),
          h('td.nowrap', null, timeEl(l.completedAt)),
          h('td', null, l.refusalReason ?? '—'),
        ),
      ),
    ),
    r.clocks.length === 0
      ? h('p.muted', null, 'No legal clock runs for this request.')
      : resultsTable(
          'request-clocks',
          'Legal clocks',
          ['Clock', 'Agency', 'Deadline', 'Now', 'Due', 'Started'],
          r.clocks.map((c) =>
            h(
              `tr.clock.clock-${c.deadline}`,
              { testid: 'request-clock', 'data-deadline': c.deadline, 'data-status': c.status },
              h('td', null, c.clock),
              h('td', null, c.agency),
              h('td', null, deadlineBadge(c.deadline), h('span.muted', null, ` ${c.status}`)),
              h('td', { testid: 'clock-text' }, clockText(c, readAt)),
              h('td.nowrap', null, timeEl(c.dueAt)),
              h('td.nowrap', null, timeEl(c.startedAt)),
            ),
          ),
        ),
  );
}

/** A clock notice the hub raised to the reader: whose clock, for which request, due when. */
function clockEntry(e) {
  const c = e.clockNotice;
  return {
    at: e.at,
    testid: 'timeline-clock',
    node: [
      deadlineBadge(c.alert === 'OVERDUE' ? 'overdue' : 'approaching'),
      ` from the hub: ${c.clock} clock of ${c.requestedAgency} on request `,
      h('code.digest', { title: c.requestId }, c.requestId.slice(0, 8), '…'),
      ', due ',
      timeEl(c.dueAt),
    ],
    direction: 'CLOCK',
  };
}

function timelineItems(view, links) {
  const items = view.timeline.map((e) =>
    e.kind === 'CLOCK' && e.clockNotice
      ? clockEntry(e)
      : {
          at: e.at,
          testid: 'timeline-notice',
          node: [
            h('span.msg-type', null, e.messageType),
            ' ',
            e.direction === 'SENT'
              ? h('span', null, 'sent by you')
              : h(
                  'span',
                  null,
                  `from ${e.from}`,
                  e.decision === 'REDACTED' ? ' (redacted for you)' : '',
                ),
            e.seq ? [' · ', h('a', { href: `#/records/${e.seq}` }, `record #${e.seq}`)] : null,
          ],
          direction: e.direction,
        },
  );
  for (const n of links)
    items.push({
      at: n.foundAt,
      testid: 'timeline-link',
      node: [
        h('span.msg-type', null, 'LINK'),
        ` to ${n.counterpartAgency}${n.counterpartCaseHandle ? ` ${n.counterpartCaseHandle}` : ''}: ${n.kinds.join(', ')} (${n.strength.toLowerCase()})`,
      ],
      direction: 'LINK',
    });
  return items.sort((a, b) => a.at.localeCompare(b.at));
}

/** Fills `body` with one case as the agency may see it. */
export async function loadCase(api, body, caseRef, { errorText }) {
  fill(body, h('p.muted', { role: 'status' }, `Loading case ${caseRef}…`));
  let view;
  try {
    view = await api.caseDetail(caseRef);
  } catch (error) {
    fill(
      body,
      h('p', null, h('a', { href: '#/cases' }, '← All cases')),
      h(
        'p.form-error',
        { role: 'alert', testid: 'case-error' },
        `Case ${caseRef}: ${errorText(error)}`,
      ),
    );
    return;
  }
  // Link notices on this case's handle; the case reads without them if they cannot be had.
  let links = [];
  try {
    links = ((await api.linkNotices({ limit: 500 })).notices ?? []).filter(
      (n) => n.caseHandle === view.caseRef,
    );
  } catch {
    links = [];
  }
  const heading = h(
    'h1',
    { id: 'case-title', tabindex: '-1', testid: 'case-title' },
    `Case ${view.caseRef}`,
  );
  const overdue = view.requests.filter((r) => r.deadline === 'overdue').length;
  const items = timelineItems(view, links);
  fill(
    body,
    h('p', null, h('a', { href: '#/cases', testid: 'case-back' }, '← All cases')),
    heading,
    h(
      'p.summary',
      { testid: 'case-summary' },
      `${view.status}${view.outcome ? ` (${view.outcome})` : ''} · lead ${view.lead ?? '—'}${view.jurisdiction ? ` (${view.jurisdiction})` : ''} · opened `,
      timeEl(view.openedAt),
      view.closedAt ? [' · closed ', timeEl(view.closedAt)] : null,
      overdue > 0 ? [' · ', deadlineBadge('overdue'), ` ${plural(overdue, 'request')}`] : null,
    ),
    view.membership === 'INVITED'
      ? h(
          'p.notice',
          { testid: 'case-invited' },
          `Your agency is invited to this case. Accept it to see its participants and requests: liaison case accept ${view.caseRef}`,
        )
      : h(
          'p',
          { testid: 'case-participants' },
          'Participants: ',
          h('strong', null, view.participants.join(', ')),
          view.invited.length ? ` · invited: ${view.invited.join(', ')}` : '',
        ),
    h('h2', null, 'Requests'),
    view.requests.length === 0
      ? h('p.muted', null, 'No request you made or were asked in.')
      : view.requests.map((r) => requestCard(r, view.readAt)),
    h('h2', null, 'Timeline'),
    h(
      'p.hint',
      null,
      'The notices of this case your agency sent or received (never one withheld from you), the deadline notices the hub raised to you, and the links found on its handle.',
    ),
    items.length === 0
      ? h('p.muted', null, 'Nothing yet.')
      : h(
          'ol.timeline',
          { testid: 'case-timeline' },
          items.map((i) =>
            h(
              `li.timeline-${i.direction.toLowerCase()}`,
              { testid: i.testid },
              h('span.timeline-at', null, timeEl(i.at)),
              h('span.timeline-what', null, i.node),
            ),
          ),
        ),
    h('p.hint', null, `Clocks read at ${view.readAt} (UTC).`),
  );
  heading.focus();
}
