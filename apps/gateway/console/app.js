/**
 * The Liaison audit console: log in (officer token → console session), state a
 * justification, then search the share ledger, open one delivery (what was sent
 * next to what the recipient saw, withheld fields with their rule), watch the
 * ledger's integrity, read the dashboard and the refusals the hub recorded.
 * Plain ES modules, no build step.
 */
import { ApiError, HubApi, justificationProblem } from './api.js';
import { horizontalBars, stackedBars } from './charts.js';
import { compare, comparisonTable, splitTokenClaims, tokenList } from './comparison.js';
import { byId, fill, h, plural, showValue, timeEl, when } from './dom.js';
import { countText, pager } from './pager.js';
import { loadCase, loadCases } from './cases.js';
import { loadLinks } from './links.js';
import { checkProof } from './merkle.js';
import { loadPolicy } from './policy.js';
import { loadRefusals } from './refusals.js';

const api = new HubApi('');
const PAGE_SIZE = 50;
const CHAIN_POLL_MS = 60_000;

const state = {
  agencies: new Map(),
  filters: {},
  cursor: null,
  rows: [],
  searched: false,
  searchSeq: 0,
  chainTimer: null,
};

// ---------------------------------------------------------------------------
// Small helpers

function session() {
  return api.session;
}

function isOversight() {
  return (session()?.roles ?? []).includes('oversight');
}

function hasRole(...roles) {
  return (session()?.roles ?? []).some((r) => roles.includes(r));
}

/** Policy authors and approvers work on policy changes; the audit needs liaison or oversight. */
function policyOnly() {
  return hasRole('policy-author', 'policy-approver') && !hasRole('liaison', 'oversight');
}

function agencyLabel(id) {
  const a = state.agencies.get(id);
  return a ? `${a.name} (${id})` : id;
}

function agencyCell(id, jurisdiction) {
  const a = state.agencies.get(id);
  return h(
    'span.agency',
    { title: a ? `${a.name}, ${a.jurisdiction}` : id },
    h('span.agency-id', null, id ?? '—'),
    jurisdiction ? h('span.jurisdiction', null, jurisdiction) : null,
  );
}

function decisionBadge(decision) {
  const d = String(decision ?? '').toUpperCase();
  const text = { FULL: 'Full', REDACTED: 'Redacted', DENIED: 'Denied' }[d] ?? (d || 'Unknown');
  return h(`span.decision.decision-${d.toLowerCase() || 'unknown'}`, { 'data-decision': d }, text);
}

function showBanner(message) {
  const banner = byId('banner');
  if (!message) {
    banner.hidden = true;
    banner.textContent = '';
    return;
  }
  fill(
    banner,
    h('span', null, message),
    h(
      'button.link-button',
      { type: 'button', 'aria-label': 'Dismiss', onClick: () => showBanner(null) },
      '×',
    ),
  );
  banner.hidden = false;
}

function errorText(error) {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError)
    return 'The hub cannot be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}

/** Reads whatever the field is called in the hub's answer. */
function pick(obj, ...names) {
  if (!obj || typeof obj !== 'object') return undefined;
  for (const name of names) if (obj[name] !== undefined && obj[name] !== null) return obj[name];
  return undefined;
}

function listOf(value, ...names) {
  if (Array.isArray(value)) return value;
  const inner = pick(value, ...names);
  return Array.isArray(inner) ? inner : [];
}

/** One ledger row, flat: the API nests originator/recipient as { agency, jurisdiction }. */
function normRecord(raw) {
  const r = raw ?? {};
  const me = session()?.agencyId;
  const originatorAgency = r.originatorAgency ?? r.originator?.agency;
  const recipientAgency = r.recipientAgency ?? r.recipient?.agency;
  return {
    ...r,
    originatorAgency,
    originatorJurisdiction: r.originatorJurisdiction ?? r.originator?.jurisdiction,
    recipientAgency,
    recipientJurisdiction: r.recipientJurisdiction ?? r.recipient?.jurisdiction,
    direction:
      r.direction !== undefined
        ? r.direction
        : originatorAgency === me
          ? 'sent'
          : recipientAgency === me
            ? 'received'
            : null,
    rules: Array.isArray(r.rules) ? r.rules : [],
    withheld: Array.isArray(r.withheld) ? r.withheld : [],
  };
}

/** A side of the detail: { available, claims, reason }; accepts bare claims too. */
function contentOf(value) {
  if (value === undefined || value === null) return { available: false, reason: null };
  if (typeof value === 'object' && 'available' in value) {
    return value.available
      ? { available: true, claims: value.claims ?? {}, hidden: value.hiddenFields }
      : { available: false, reason: value.reason ?? null };
  }
  return { available: true, claims: value };
}

// ---------------------------------------------------------------------------
// Views: login → justification → console

function showView(name) {
  for (const view of ['login', 'justify', 'app', 'policy'])
    byId(`view-${view}`).hidden = view !== name;
  byId('session-bar').hidden = name === 'login';
  byId('policy-link').hidden = name === 'policy' || !hasRole('policy-author', 'policy-approver');
  // The ledger badge reads the audit API, which policy-only officers cannot.
  byId('chain-status').hidden = policyOnly();
}

function showLogin(message) {
  clearInterval(state.chainTimer);
  state.chainTimer = null;
  state.searched = false;
  state.rows = [];
  showView('login');
  byId('login-error').textContent = message ?? '';
  byId('login-token').value = '';
  byId('login-token').focus();
}

function renderWho() {
  const s = session();
  if (!s) return;
  const roles = (s.roles ?? []).join(', ');
  fill(
    byId('who'),
    h('span.who-officer', { 'data-testid': 'who-officer' }, s.officerId),
    h('span.who-sep', { 'aria-hidden': 'true' }, ' · '),
    h(
      'span.who-agency',
      { 'data-testid': 'who-agency', title: agencyLabel(s.agencyId) },
      s.agencyId,
    ),
    h('span.who-roles', { 'data-testid': 'who-roles' }, roles),
    isOversight() ? h('span.pill.pill-oversight', null, 'metadata only') : null,
    h('span.who-expiry', null, `session until ${when(s.expiresAt)}`),
  );
}

function showPolicy() {
  showView('policy');
  renderWho();
  loadPolicy(api, byId('policy-body'), byId('policy-detail'), errorText);
}

function showJustification(message) {
  showView('justify');
  renderWho();
  byId('justify-error').textContent = message ?? '';
  const input = byId('justification');
  input.value = '';
  input.focus();
}

async function enterConsole() {
  showView('app');
  renderWho();
  byId('justification-text').textContent = api.justification;
  const direction = byId('f-direction');
  direction.disabled = isOversight();
  if (isOversight()) direction.value = 'all';
  await loadAgencies();
  refreshChain();
  clearInterval(state.chainTimer);
  state.chainTimer = setInterval(refreshChain, CHAIN_POLL_MS);
  route();
}

async function loadAgencies() {
  try {
    const agencies = listOf(await api.agencies(), 'agencies', 'items');
    state.agencies = new Map(agencies.map((a) => [a.id, a]));
    const me = session()?.agencyId;
    const counterpart = byId('f-counterpart');
    const jurisdiction = byId('f-jurisdiction');
    fill(
      counterpart,
      h('option', { value: '' }, 'Any agency'),
      agencies
        .filter((a) => a.id !== me)
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((a) => h('option', { value: a.id }, `${a.id} · ${a.name} (${a.jurisdiction})`)),
    );
    fill(
      jurisdiction,
      h('option', { value: '' }, 'Any jurisdiction'),
      [...new Set(agencies.map((a) => a.jurisdiction))]
        .sort()
        .map((j) => h('option', { value: j }, j)),
    );
    renderWho();
  } catch (error) {
    // Names are a convenience; the console works with ids alone.
    if (!(error instanceof ApiError && error.status === 401))
      showBanner(`Agency directory: ${errorText(error)}`);
  }
}

// ---------------------------------------------------------------------------
// Routing: #/records, #/records/<seq>, #/dashboard, #/integrity, #/refusals,
// #/cases, #/cases/<caseRef>, #/links

/** The case reference of a #/cases/<ref> hash; a malformed escape is looked up as written. */
function caseRefOf(encoded) {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

function route() {
  if (!session()) return showLogin();
  if (location.hash === '#/policy' || policyOnly()) return showPolicy();
  if (!api.justification) return showJustification();
  const hash = location.hash || '#/records';
  const detail = /^#\/records\/(\d+)$/.exec(hash);
  const oneCase = /^#\/cases\/(.+)$/.exec(hash);
  const page = detail ? 'detail' : oneCase ? 'case' : hash.replace(/^#\//, '').split('/')[0];
  const known = [
    'records',
    'detail',
    'dashboard',
    'integrity',
    'refusals',
    'cases',
    'case',
    'links',
  ];
  const current = known.includes(page) ? page : 'records';
  for (const name of known) byId(`page-${name}`).hidden = name !== current;
  for (const tab of ['records', 'dashboard', 'integrity', 'refusals', 'cases', 'links']) {
    const active =
      tab === current ||
      (tab === 'records' && current === 'detail') ||
      (tab === 'cases' && current === 'case');
    const el = byId(`tab-${tab}`);
    if (active) el.setAttribute('aria-current', 'page');
    else el.removeAttribute('aria-current');
  }
  switch (current) {
    case 'detail':
      return openDetail(Number(detail[1]));
    case 'dashboard':
      return loadDashboard();
    case 'integrity':
      return loadIntegrity();
    case 'refusals':
      return loadRefusals(api, byId('refusals-body'), errorText);
    case 'cases':
      return loadCases(api, byId('cases-body'), { oversight: isOversight(), errorText });
    case 'case':
      return loadCase(api, byId('case-body'), caseRefOf(oneCase[1]), { errorText });
    case 'links':
      return loadLinks(api, byId('links-body'), {
        agency: session()?.agencyId,
        oversight: isOversight(),
        errorText,
      });
    default:
      if (!state.searched) return search();
  }
}

// ---------------------------------------------------------------------------
// Chain status badge

/** verified | tampered | none | error, with a one-line summary and details. */
function readVerify(report) {
  const status = String(pick(report, 'status', 'state', 'result') ?? '').toLowerCase();
  const checkpoints = listOf(pick(report, 'checkpoints'), 'items');
  const latest =
    pick(report, 'latestCheckpoint', 'checkpoint') ?? checkpoints[checkpoints.length - 1];
  const rows = pick(report, 'rows', 'treeSize', 'size');
  const findings = listOf(pick(report, 'summary'), 'lines').map(String);
  if (findings.length === 0)
    for (const f of listOf(pick(report, 'findings'), 'items'))
      findings.push(typeof f === 'string' ? f : JSON.stringify(f));
  const details = pick(report, 'details', 'message', 'reason');
  let kind;
  if (['verified', 'ok', 'valid', 'intact'].includes(status)) kind = 'verified';
  else if (['tampered', 'failed', 'invalid', 'broken', 'mismatch', 'inconsistent'].includes(status))
    kind = 'tampered';
  else if (/no[-_ ]?checkpoint|none|pending|empty/.test(status)) kind = 'none';
  else if (typeof report?.ok === 'boolean')
    kind = !report.ok ? 'tampered' : checkpoints.length === 0 && !latest ? 'none' : 'verified';
  else kind = 'unknown';
  if (
    kind === 'verified' &&
    !latest &&
    checkpoints.length === 0 &&
    (report?.latestCheckpoint === null ||
      report?.checkpointsChecked === 0 ||
      Array.isArray(report?.checkpoints))
  )
    kind = 'none';
  const treeSize = pick(latest, 'treeSize', 'tree_size', 'size');
  const uncheckpointed = pick(report, 'uncheckpointedRows');
  return { kind, rows, treeSize, latest, findings, details, checkpoints, uncheckpointed };
}

function badgeText(v) {
  switch (v.kind) {
    case 'verified':
      return `✔ Ledger verified${v.treeSize !== undefined ? ` · checkpoint ${v.treeSize}` : ''}`;
    case 'tampered':
      return `✖ TAMPERED${v.findings.length ? ` · ${plural(v.findings.length, 'finding')}` : ''}`;
    case 'none':
      return '● No checkpoint yet';
    case 'error':
      return '? Status unavailable';
    default:
      return '? Status unknown';
  }
}

async function refreshChain() {
  const badge = byId('chain-status');
  let v;
  try {
    v = readVerify(await api.verify());
  } catch (error) {
    v = { kind: 'error', findings: [errorText(error)] };
  }
  state.chain = v;
  badge.dataset.state = v.kind;
  badge.textContent = badgeText(v);
  badge.title =
    v.kind === 'tampered'
      ? `The ledger does not match a signed checkpoint: ${v.findings.slice(0, 3).join('; ') || v.details || ''}`
      : v.kind === 'error'
        ? `Could not check the ledger: ${v.findings[0]}`
        : 'Ledger integrity: open the details';
  return v;
}

// ---------------------------------------------------------------------------
// Records: search, results, load more, CSV

function readFilters() {
  const form = byId('filters');
  const data = new FormData(form);
  const filters = {};
  for (const [key, value] of data.entries()) {
    const text = String(value).trim();
    if (text) filters[key] = text;
  }
  if (isOversight()) delete filters.direction;
  if (filters.from) filters.from = `${filters.from}T00:00:00.000Z`;
  if (filters.to) filters.to = `${filters.to}T23:59:59.999Z`;
  return filters;
}

async function search() {
  state.filters = readFilters();
  state.cursor = null;
  state.rows = [];
  state.searched = true;
  fill(byId('results-body'));
  await loadPage();
}

async function loadPage() {
  const seq = ++state.searchSeq;
  const count = byId('results-count');
  const more = byId('load-more');
  count.textContent = 'Searching…';
  more.disabled = true;
  try {
    const page = await api.records(state.filters, state.cursor ?? undefined, PAGE_SIZE);
    if (seq !== state.searchSeq) return;
    const rows = listOf(page, 'records', 'items', 'rows', 'data');
    state.cursor = pick(page, 'nextCursor', 'next', 'cursor') ?? null;
    if (typeof state.cursor === 'object') state.cursor = pick(state.cursor, 'next') ?? null;
    state.rows.push(...rows);
    byId('results-body').append(...rows.map(resultRow));
    if (state.rows.length === 0) {
      byId('results-body').append(
        h('tr.empty-row', null, h('td', { colspan: 9 }, 'No shares match these filters.')),
      );
    }
    state.total = typeof page.total === 'number' ? page.total : state.rows.length;
    count.textContent = `${countText(state.rows.length, state.total, 'record')}, newest first`;
    more.hidden = !state.cursor;
  } catch (error) {
    if (seq !== state.searchSeq) return;
    count.textContent = '';
    showBanner(`Search failed: ${errorText(error)}`);
  } finally {
    more.disabled = false;
  }
}

function withheldCount(row) {
  const w = listOf(pick(row, 'withheld'), 'items');
  return w.length;
}

function resultRow(raw) {
  const row = normRecord(raw);
  const direction = row.direction ?? '';
  const n = withheldCount(row);
  const open = () => {
    location.hash = `#/records/${row.seq}`;
  };
  return h(
    `tr.result${direction ? `.dir-${direction}` : ''}`,
    { testid: 'record-row', 'data-seq': row.seq, 'data-decision': row.decision, onClick: open },
    h(
      'td',
      null,
      h(
        'a',
        {
          href: `#/records/${row.seq}`,
          'aria-label': `Open record ${row.seq}`,
          testid: 'open-record',
        },
        `#${row.seq}`,
      ),
    ),
    h('td.nowrap', null, timeEl(pick(row, 'decidedAt', 'recordedAt'))),
    h('td', null, h('span.msg-type', null, row.messageType ?? row.kind ?? '—')),
    h('td', null, row.caseRef ?? h('span.muted', null, '—')),
    h(
      'td',
      null,
      agencyCell(row.originatorAgency, row.originatorJurisdiction),
      direction === 'sent' ? h('span.you', null, 'you') : null,
    ),
    h(
      'td',
      null,
      agencyCell(row.recipientAgency, row.recipientJurisdiction),
      direction === 'received' ? h('span.you', null, 'you') : null,
    ),
    h('td', null, decisionBadge(row.decision)),
    h(
      'td',
      null,
      (row.rules ?? []).map((r) => h('code.rule', null, r)),
    ),
    h('td', null, n ? plural(n, 'field') : h('span.muted', null, '—')),
  );
}

async function exportCsv() {
  const button = byId('export-csv');
  const label = button.textContent;
  button.disabled = true;
  button.textContent = 'Preparing CSV…';
  try {
    const blob = await api.recordsCsv(state.searched ? state.filters : readFilters());
    const url = URL.createObjectURL(blob);
    const a = h('a', {
      href: url,
      download: `liaison-shares-${new Date().toISOString().slice(0, 10)}.csv`,
    });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    showBanner(`CSV export failed: ${errorText(error)}`);
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

// ---------------------------------------------------------------------------
// One delivery

function metaList(pairs) {
  return h(
    'dl.meta',
    null,
    pairs
      .filter(([, value]) => value !== undefined)
      .map(([label, value, testid]) => [h('dt', null, label), h('dd', { testid }, value ?? '—')]),
  );
}

/** A reason from the hub, in words for the officer; the hub's own words stay visible. */
function explainAbsence(reason) {
  const r = String(reason ?? '').toLowerCase();
  if (r.includes('oversight') || r.includes('metadata'))
    return {
      kind: 'metadata-only',
      text: 'Oversight sees metadata only: who shared with whom, when, under which rules and which fields were withheld — never the content itself.',
    };
  if (r.includes('erased') || r.includes('purged') || r.includes('retention'))
    return {
      kind: 'erased',
      text: 'The content was erased when the retention period ended (the erasure is logged). The ledger row and its hashes remain, so the record is still provable.',
    };
  if (r.includes('denied'))
    return { kind: 'denied', text: 'Nothing was delivered: the share was denied.' };
  if (r.includes('originator'))
    return {
      kind: 'originator-only',
      text: 'The originator’s full message is shown only to the originator’s officers; you see what your agency received and which fields were withheld.',
    };
  return { kind: 'absent', text: 'No content is available for this record.' };
}

function absenceNotice(reason, testid) {
  const { kind, text } = explainAbsence(reason);
  return h(
    'p.notice',
    { testid, 'data-reason': kind },
    text,
    reason ? h('span.hub-says', null, ` (hub: ${reason})`) : null,
  );
}

async function openDetail(seq) {
  const body = byId('detail-body');
  fill(body, h('p.muted', { role: 'status' }, `Loading record #${seq}…`));
  let detail;
  try {
    detail = await api.record(seq);
  } catch (error) {
    fill(body, h('p.form-error', { role: 'alert' }, `Record #${seq}: ${errorText(error)}`));
    return;
  }
  const record = normRecord({ ...(pick(detail, 'record', 'row', 'metadata') ?? {}), ...detail });
  delete record.sent;
  delete record.received;
  const withheld = listOf(pick(detail, 'withheld') ?? record.withheld, 'items');
  const sent = contentOf(pick(detail, 'sent'));
  const received = contentOf(pick(detail, 'received'));
  const direction = record.direction;
  const rules = record.rules;

  const summary =
    record.decision === 'DENIED'
      ? `Denied by ${rules.join(', ') || 'a rule'}: nothing was delivered to ${record.recipientAgency}.`
      : record.decision === 'REDACTED'
        ? `${plural(withheld.length, 'field')} withheld from ${record.recipientAgency} under ${[...new Set(withheld.map((w) => w.ruleId))].join(', ') || rules.join(', ')}.`
        : `Delivered in full to ${record.recipientAgency} under ${rules.join(', ') || 'the policy'}.`;

  const heading = h(
    'h1',
    { id: 'detail-title', tabindex: '-1' },
    `Record #${record.seq ?? seq} · ${record.messageType ?? record.kind ?? ''}`,
    record.caseRef ? h('span.heading-case', null, ` · ${record.caseRef}`) : null,
  );

  const route = h(
    'div.route',
    { testid: 'detail-route' },
    h(
      'div.route-end',
      null,
      h('span.route-label', null, 'From'),
      h('strong', null, agencyLabel(record.originatorAgency)),
      h('span.jurisdiction', null, record.originatorJurisdiction),
      direction === 'sent' ? h('span.you', null, 'you') : null,
    ),
    h('div.route-arrow', { 'aria-hidden': 'true' }, '→'),
    h(
      'div.route-end',
      null,
      h('span.route-label', null, 'To'),
      h('strong', null, agencyLabel(record.recipientAgency)),
      h('span.jurisdiction', null, record.recipientJurisdiction),
      direction === 'received' ? h('span.you', null, 'you') : null,
    ),
    h('div.route-decision', { testid: 'detail-decision' }, decisionBadge(record.decision)),
  );

  const meta = metaList([
    ['Message id', h('code', null, record.messageId ?? '—'), 'detail-message-id'],
    ['Kind', record.kind ?? '—'],
    ['Message type', record.messageType ?? '—'],
    ['Case reference', record.caseRef ?? '—', 'detail-case'],
    [
      'Rules applied',
      rules.length ? rules.map((r) => h('code.rule', null, r)) : '—',
      'detail-rules',
    ],
    ['Policy version', h('code', null, record.policyVersion ?? '—'), 'detail-policy-version'],
    [
      'Presentation digest',
      h('code.digest', null, record.presentationDigest ?? '— (nothing delivered)'),
      'detail-digest',
    ],
    ['Decided', timeEl(record.decidedAt)],
    ['Recorded in the ledger', timeEl(record.recordedAt)],
    [
      'Disclosed fields',
      Array.isArray(record.disclosedPaths) ? String(record.disclosedPaths.length) : '—',
    ],
  ]);

  const withheldList = withheld.length
    ? h(
        'ul.withheld-list',
        { testid: 'withheld-list' },
        withheld.map((w) =>
          h(
            'li',
            { testid: 'withheld-item' },
            h('code', null, w.path),
            ' — withheld by ',
            h('strong.rule-tag', null, w.ruleId),
          ),
        ),
      )
    : h(
        'p.muted',
        { testid: 'withheld-list' },
        record.decision === 'DENIED'
          ? 'The whole message was withheld (denied).'
          : 'Nothing was withheld.',
      );

  // The JWT's own claims (issuer, token id, issued at) apart from the message's fields.
  const sentParts = sent.available ? splitTokenClaims(sent.claims) : null;
  const receivedParts = received.available ? splitTokenClaims(received.claims) : null;
  const token = sentParts?.token.length ? sentParts.token : (receivedParts?.token ?? []);
  const tokenCard = token.length
    ? h(
        'section.card.token-card',
        { 'aria-labelledby': 'token-title' },
        h('h2', { id: 'token-title' }, 'Signed token'),
        h('p.hint', null, 'The claims of the SD-JWT that carried the message, not message fields.'),
        tokenList(token),
      )
    : null;

  let content;
  if (sent.available || received.available) {
    const missing = received.available ? null : explainAbsence(received.reason).text;
    const rows = compare(sentParts?.message, receivedParts?.message, withheld, missing);
    const table = comparisonTable(rows, {
      sent: `Sent by ${record.originatorAgency}${sent.available ? '' : ' (not shown to you)'}`,
      received: `Seen by ${record.recipientAgency}`,
    });
    const onlyDiff = h('input', {
      type: 'checkbox',
      id: 'only-differences',
      testid: 'only-differences',
      onChange: (e) => table.classList.toggle('only-differences', e.target.checked),
    });
    const differing = rows.filter((r) => r.status !== 'same').length;
    content = h(
      'section.content-section',
      { 'aria-labelledby': 'content-title' },
      h('h2', { id: 'content-title' }, 'What was sent, what was seen'),
      h(
        'p.hint',
        null,
        'Left: the originator’s full message. Right: what this recipient received. ',
        h('span.rule-tag', null, 'Withheld by RULE'),
        ' marks a field the recipient did not get, with the rule that withheld it.',
      ),
      sent.available ? null : absenceNotice(sent.reason, 'content-note'),
      received.available ? null : absenceNotice(received.reason, 'content-absent'),
      received.available
        ? [
            h(
              'label.inline',
              { for: 'only-differences' },
              onlyDiff,
              ` Show only the ${plural(differing, 'field')} that differ`,
            ),
            h('div.table-wrap', null, table),
          ]
        : // Nothing arrived: the sent fields stay folded away until asked for.
          h(
            'details.undelivered',
            { testid: 'undelivered-fields' },
            h('summary', null, `Show the ${plural(rows.length, 'field')} the originator sent`),
            h('div.table-wrap', null, table),
          ),
    );
  } else {
    content = h(
      'section.content-section',
      { 'aria-labelledby': 'content-title' },
      h('h2', { id: 'content-title' }, 'Content'),
      absenceNotice(sent.reason ?? received.reason, 'content-absent'),
    );
  }

  const proofOut = h('p.proof-result', { role: 'status', testid: 'proof-result' });
  const proofButton = h(
    'button',
    {
      type: 'button',
      testid: 'check-proof',
      onClick: async () => {
        proofButton.disabled = true;
        proofOut.textContent = 'Fetching the inclusion proof…';
        proofOut.dataset.state = '';
        try {
          const result = await checkProof(await api.proof(record.seq ?? seq));
          proofOut.textContent = result.message;
          proofOut.dataset.state =
            result.ok === true ? 'ok' : result.ok === false ? 'bad' : 'unknown';
        } catch (error) {
          proofOut.textContent = `No proof: ${errorText(error)}`;
          proofOut.dataset.state = 'unknown';
        } finally {
          proofButton.disabled = false;
        }
      },
    },
    'Check inclusion proof',
  );

  fill(
    body,
    heading,
    h('p.summary', { testid: 'detail-summary' }, summary),
    route,
    h(
      'div.detail-grid',
      null,
      h(
        'section.card',
        { 'aria-labelledby': 'meta-title' },
        h('h2', { id: 'meta-title' }, 'Record'),
        meta,
      ),
      h(
        'section.card',
        { 'aria-labelledby': 'withheld-title' },
        h('h2', { id: 'withheld-title' }, 'Withheld fields'),
        withheldList,
        h('h2', null, 'In the tamper-evident ledger?'),
        h(
          'p.hint',
          null,
          'Checks that this row is included in the latest signed checkpoint, in your browser.',
        ),
        proofButton,
        proofOut,
      ),
      tokenCard,
    ),
    content,
  );
  heading.focus();
}

// ---------------------------------------------------------------------------
// Dashboard

function num(value) {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

function rate(value) {
  const n = num(value);
  if (n === null) return null;
  return n > 1 ? n / 100 : n;
}

/** → { periods, series: [{ name, values }] } from flat points or per-jurisdiction series. */
function sharesSeries(raw) {
  const points = [];
  const list = listOf(raw, 'series', 'points', 'items', 'buckets');
  for (const entry of list) {
    const jurisdiction = pick(
      entry,
      'jurisdiction',
      'counterpartJurisdiction',
      'recipientJurisdiction',
      'name',
      'key',
    );
    const inner = pick(entry, 'points', 'series', 'buckets', 'values');
    if (Array.isArray(inner)) {
      for (const p of inner)
        points.push({
          j: jurisdiction,
          period: String(pick(p, 'period', 'bucket', 'day', 'date', 'week', 'month', 'time', 'x')),
          n: num(pick(p, 'count', 'shares', 'value', 'n', 'y')),
        });
    } else {
      points.push({
        j: jurisdiction,
        period: String(pick(entry, 'period', 'bucket', 'day', 'date', 'week', 'month', 'time')),
        n: num(pick(entry, 'count', 'shares', 'value', 'n', 'total')),
      });
    }
  }
  const periods = [...new Set(points.map((p) => p.period))].sort();
  const names = [...new Set(points.map((p) => String(p.j ?? '?')))].sort();
  const series = names.map((name) => ({
    name,
    // null = suppressed small count ("<5"): drawn as nothing, listed in the table.
    values: periods.map((period) => {
      const here = points.filter((p) => String(p.j ?? '?') === name && p.period === period);
      const known = here.reduce((s, p) => s + (p.n ?? 0), 0);
      return known === 0 && here.some((p) => p.n === null) ? null : known;
    }),
  }));
  return {
    periods: periods.map((p) =>
      p.replace(/T00:00:00(\.000)?Z$/, '').replace(/^\d{4}-(\d{2}-\d{2})T(\d{2}):00Z$/, '$1 $2h'),
    ),
    series,
  };
}

function denialItems(raw) {
  const list = Array.isArray(raw)
    ? raw
    : raw && typeof raw === 'object' && !Array.isArray(pick(raw, 'items', 'rules'))
      ? Object.entries(raw).map(([ruleId, count]) => ({ ruleId, count }))
      : listOf(raw, 'items', 'rules');
  return list
    .map((d) => ({
      label: String(pick(d, 'ruleId', 'rule', 'id', 'key') ?? '?'),
      values: [num(pick(d, 'count', 'denials', 'value', 'n'))],
    }))
    .sort((a, b) => (b.values[0] ?? 0) - (a.values[0] ?? 0));
}

function caseItems(raw) {
  return listOf(raw, 'items', 'jurisdictions', 'byJurisdiction').map((c) => {
    const openedRaw = pick(c, 'casesOpened', 'opened', 'cases', 'total');
    const resolvedRaw = pick(c, 'casesResolved', 'resolved', 'closed', 'casesClosed');
    const referredRaw = pick(
      c,
      'casesWithVictimReferral',
      'victimsReferred',
      'referred',
      'referrals',
      'victimReferrals',
    );
    const opened = num(openedRaw);
    const resolved = num(resolvedRaw);
    const referred = num(referredRaw);
    const has = (...names) => names.some((n) => c && n in c);
    let resolution = rate(pick(c, 'resolutionRate', 'caseResolutionRate'));
    let referral = rate(pick(c, 'victimReferralRate', 'referralRate'));
    // Rates the hub did not compute (not merely suppressed) are derived from the counts.
    if (!has('resolutionRate', 'caseResolutionRate') && opened && resolved !== null)
      resolution = resolved / opened;
    if (!has('victimReferralRate', 'referralRate') && opened && referred !== null)
      referral = referred / opened;
    const show = (v) => (v === undefined ? '?' : String(v));
    const notes = [
      openedRaw !== undefined ? `${show(resolvedRaw)} of ${show(openedRaw)} cases resolved` : '',
      openedRaw !== undefined
        ? `${show(referredRaw)} of ${show(openedRaw)} cases with a victim referral`
        : '',
    ];
    return {
      label: String(pick(c, 'jurisdiction', 'name', 'key') ?? '?'),
      values: [resolution, referral],
      notes,
    };
  });
}

const PERIOD_HOURS = { '24h': 24, '7d': 7 * 24, '30d': 30 * 24, '90d': 90 * 24 };

/** The metrics query for the chosen period: the last 24 h / 7 / 30 / 90 days, or the dates given. */
function metricsPeriod(form) {
  const hours = PERIOD_HOURS[String(form.get('period') ?? '90d')];
  if (hours) {
    const to = new Date();
    return { from: new Date(to.getTime() - hours * 3_600_000).toISOString(), to: to.toISOString() };
  }
  const params = {};
  if (form.get('from')) params.from = `${form.get('from')}T00:00:00.000Z`;
  if (form.get('to')) params.to = `${form.get('to')}T23:59:59.999Z`;
  return params;
}

const SUMMARY = [
  ['messages', 'Messages shared', 'Messages your agency published that the hub decided on'],
  ['deliveries', 'Deliveries', 'Deliveries sent or received (not denied)'],
  ['denials', 'Denials', 'Deliveries of your messages the rules denied'],
  ['refusals', 'Refusals', 'Requests the hub refused and dead letters naming your agency'],
  ['openCases', 'Open cases', 'Cases open now that your agency takes part in'],
  ['linkNotices', 'Link notices', 'Link notices the hub sent your agency'],
];

/** The headline figures of the period, as the hub counted them ("<5": a small count, suppressed). */
function summaryFigures(summary, oversight) {
  if (!summary || typeof summary !== 'object') return null;
  return h(
    'ul.summary-figures',
    { testid: 'summary-figures', 'aria-label': 'Figures for the period' },
    SUMMARY.map(([key, label, hint]) =>
      h(
        'li.summary-figure',
        {
          testid: 'summary-figure',
          'data-figure': key,
          title: oversight ? hint.replace(/your agency|of your messages/g, 'any agency') : hint,
        },
        h('span.figure-value', null, showValue(summary[key] ?? '—')),
        h('span.figure-label', null, label),
      ),
    ),
  );
}

async function loadDashboard() {
  const body = byId('dashboard-body');
  fill(body, h('p.muted', { role: 'status' }, 'Loading metrics…'));
  const params = metricsPeriod(new FormData(byId('metrics-filters')));
  let metrics;
  try {
    metrics = await api.metrics(params);
  } catch (error) {
    fill(body, h('p.form-error', { role: 'alert' }, `Metrics: ${errorText(error)}`));
    return;
  }
  const scope = isOversight() ? 'all agencies' : `${session()?.agencyId}’s shares`;
  const shares = sharesSeries(
    pick(
      metrics,
      'sharesPerCounterpartJurisdictionPerDay',
      'sharesPerJurisdiction',
      'sharesByJurisdiction',
      'sharesPerCounterpartJurisdiction',
      'sharesOverTime',
      'shares',
    ) ?? [],
  );
  const denials = denialItems(pick(metrics, 'denialsByRule', 'denials') ?? []);
  const cases = caseItems(
    pick(metrics, 'casesPerJurisdiction', 'caseMetrics', 'cases', 'caseMetricsByJurisdiction') ??
      [],
  );
  const note = pick(metrics, 'smallCountThreshold', 'minimumCount', 'kAnonymity');
  const hourly = metrics.bucket === 'hour';
  fill(
    body,
    summaryFigures(metrics.summary, isOversight()),
    h(
      'p.hint',
      null,
      `Scope: ${scope}, ${when(metrics.from)} to ${when(metrics.to)}, by ${hourly ? 'hour' : 'day'}.`,
      note !== undefined
        ? ` Counts below ${typeof note === 'object' ? JSON.stringify(note) : note} across agencies are shown as “<${typeof note === 'object' ? '' : note}” and rates built on them are suppressed, so no small group can be re-identified.`
        : '',
    ),
    h(
      'section.card.chart-card',
      { 'aria-labelledby': 'c1', testid: 'chart-shares' },
      h('h2', { id: 'c1' }, `Shares per counterpart jurisdiction per ${hourly ? 'hour' : 'day'}`),
      stackedBars({
        title: `Shares per counterpart jurisdiction per ${hourly ? 'hour' : 'day'}`,
        desc: `Stacked bars: number of deliveries per ${hourly ? 'hour' : 'day'}, split by the counterpart's jurisdiction (${shares.series.map((s) => s.name).join(', ') || 'none'}).`,
        xLabel: hourly ? 'Hour (UTC)' : 'Day (UTC)',
        yLabel: 'Shares',
        data: shares,
        testid: 'chart-shares-svg',
      }),
    ),
    h(
      'section.card.chart-card',
      { 'aria-labelledby': 'c2', testid: 'chart-denials' },
      h('h2', { id: 'c2' }, 'Denials by rule'),
      horizontalBars({
        title: 'Denials by rule',
        desc: `Horizontal bars: how many shares each rule denied. ${denials.map((d) => `${d.label}: ${d.values[0] ?? 'suppressed'}`).join('; ')}`,
        xLabel: 'Denied shares',
        items: denials,
        testid: 'chart-denials-svg',
      }),
    ),
    h(
      'section.card.chart-card',
      { 'aria-labelledby': 'c3', testid: 'chart-cases' },
      h('h2', { id: 'c3' }, 'Case metrics per jurisdiction'),
      h(
        'p.hint',
        null,
        'From case notices: resolution rate = cases closed with conviction or prosecution ÷ cases opened; victim-referral rate = victims referred to support services ÷ cases opened.',
      ),
      horizontalBars({
        title: 'Case resolution and victim-referral rate per jurisdiction',
        desc: `Two bars per jurisdiction: resolution rate and victim-referral rate, in percent. ${cases.map((c) => `${c.label}: ${c.values.map((v) => (v === null ? 'suppressed' : `${Math.round(v * 100)}%`)).join(' / ')}`).join('; ')}`,
        xLabel: 'Rate',
        items: cases,
        groups: ['Resolution rate', 'Victim-referral rate'],
        percent: true,
        testid: 'chart-cases-svg',
      }),
    ),
  );
}

// ---------------------------------------------------------------------------
// Integrity

const CHECKPOINT_PAGE = 50;

function checkpointRow(c) {
  const jws = pick(c, 'jws', 'signature', 'checkpoint');
  return h(
    'tr',
    { testid: 'checkpoint-row' },
    h('td', null, String(pick(c, 'treeSize', 'tree_size') ?? '—')),
    h('td', null, h('code.digest', null, showValue(pick(c, 'rootHash', 'root_hash', 'root')))),
    h('td.nowrap', null, timeEl(pick(c, 'issuedAt', 'signedAt', 'createdAt', 'timestamp'))),
    h('td', null, h('code', null, showValue(pick(c, 'kid', 'keyId')))),
    h(
      'td',
      null,
      jws ? h('details', null, h('summary', null, 'show'), h('code.jws', null, String(jws))) : '—',
    ),
  );
}

async function loadIntegrity() {
  const body = byId('integrity-body');
  fill(body, h('p.muted', { role: 'status' }, 'Verifying the ledger…'));
  const v = await refreshChain();
  const checkpointRows = h('tbody');
  const checkpointList = pager({
    testid: 'checkpoints',
    one: 'signed checkpoint',
    fetchPage: async (before) => {
      const page = await api.checkpoints(before, CHECKPOINT_PAGE);
      return {
        items: listOf(page, 'checkpoints', 'items'),
        nextCursor: page.nextCursor,
        total: page.total,
      };
    },
    onItems: (items) => checkpointRows.append(...items.map(checkpointRow)),
    errorText,
  });
  await checkpointList.next();
  const explain = {
    verified:
      'Every ledger row hashes to its stored leaf, and the Merkle tree over the rows reproduces the root of every checkpoint the hub has signed. Nothing was altered, removed or reordered.',
    tampered:
      'The ledger no longer matches what the hub signed. Each finding below names the affected row or checkpoint.',
    none: 'No checkpoint has been signed yet, so there is nothing to compare with. The hub signs one at intervals.',
    error: 'The hub could not be asked.',
    unknown: 'The hub answered in a form this console does not know.',
  }[v.kind];
  fill(
    body,
    h(
      `div.card.integrity.integrity-${v.kind}`,
      { testid: 'integrity-status', 'data-state': v.kind },
      h('p.integrity-head', null, badgeText(v)),
      h('p', null, explain),
      v.rows !== undefined
        ? h(
            'p',
            null,
            `Rows checked: ${v.rows}.`,
            v.treeSize !== undefined ? ` The latest signed checkpoint covers ${v.treeSize}.` : '',
            v.uncheckpointed
              ? ` ${plural(v.uncheckpointed, 'newer row')} will be covered by the next checkpoint.`
              : '',
          )
        : null,
      v.findings.length
        ? h(
            'ul.findings',
            { testid: 'integrity-findings' },
            v.findings.map((f) => h('li', null, f)),
          )
        : null,
      v.details && typeof v.details === 'string' ? h('p', null, v.details) : null,
    ),
    h('h2', null, 'Signed checkpoints'),
    checkpointList.count,
    checkpointRows.childElementCount === 0
      ? null
      : h(
          'div.table-wrap',
          null,
          h(
            'table.results',
            { testid: 'checkpoints' },
            h('caption.visually-hidden', null, 'Signed checkpoints, newest first'),
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ['Tree size', 'Root hash', 'Signed', 'Key', 'JWS'].map((c) =>
                  h('th', { scope: 'col' }, c),
                ),
              ),
            ),
            checkpointRows,
          ),
        ),
    checkpointList.more,
    h(
      'p.hint',
      null,
      'To check independently, save a checkpoint and run the offline verifier: ',
      h('code', null, 'liaison audit verify'),
    ),
  );
}

// ---------------------------------------------------------------------------
// Wiring

function wire() {
  api.onSessionLost = (message) => showLogin(message);

  byId('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const error = byId('login-error');
    const button = e.submitter ?? byId('login-form').querySelector('button');
    error.textContent = '';
    button.disabled = true;
    try {
      await api.login(byId('login-token').value);
      byId('login-token').value = '';
      if (policyOnly()) {
        location.hash = '#/policy';
        showPolicy();
      } else showJustification();
    } catch (err) {
      error.textContent = errorText(err);
    } finally {
      button.disabled = false;
    }
  });

  byId('justify-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = byId('justification').value;
    const problem = justificationProblem(text);
    if (problem) {
      byId('justify-error').textContent = problem;
      return;
    }
    const button = e.submitter ?? byId('justify-form').querySelector('button');
    button.disabled = true;
    try {
      await api.justify(text);
    } catch (err) {
      if (!session()) return showLogin(errorText(err));
      byId('justify-error').textContent = errorText(err);
      return;
    } finally {
      button.disabled = false;
    }
    byId('justification').value = '';
    state.searched = false;
    enterConsole().then(() => byId('f-caseRef').focus());
  });

  byId('change-justification').addEventListener('click', () => showJustification());
  byId('logout').addEventListener('click', async () => {
    await api.logout();
    showLogin('You have logged out.');
  });
  byId('chain-status').addEventListener('click', () => {
    location.hash = '#/integrity';
  });

  byId('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    showBanner(null);
    if (location.hash.startsWith('#/records/')) location.hash = '#/records';
    search();
  });
  byId('filters').addEventListener('reset', () => setTimeout(search, 0));
  byId('load-more').addEventListener('click', () => loadPage());
  byId('export-csv').addEventListener('click', () => exportCsv());
  byId('metrics-filters').addEventListener('submit', (e) => {
    e.preventDefault();
    loadDashboard();
  });
  byId('m-period').addEventListener('change', () => loadDashboard());

  window.addEventListener('hashchange', () => {
    if (session() && (location.hash === '#/policy' || policyOnly())) return showPolicy();
    if (session() && api.justification) {
      if (byId('view-app').hidden) enterConsole();
      else route();
    } else if (session()) showJustification();
  });
}

function boot() {
  wire();
  if (!session()) return showLogin();
  if (location.hash === '#/policy' || policyOnly()) return showPolicy();
  if (!api.justification) return showJustification();
  enterConsole();
}

boot();
