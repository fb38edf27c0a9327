/**
 * The side-by-side view of one delivery: every field the originator sent, next
 * to what this recipient saw. A field the recipient did not get is marked with
 * the rule that withheld it. Withheld paths come from the ledger in schema form
 * (`subjects[].identity.documents[]`, `[]` = every element); concrete paths
 * (`subjects[0]...`) and JSON pointers are matched too.
 */
import { h, showValue, timeEl } from './dom.js';

/** SD-JWT plumbing that is not message content. */
const TECHNICAL_KEYS = new Set(['_sd', '_sd_alg', '...', 'cnf']);

/** Registered JWT claims around the message: the token's, not the originator's fields. */
const TOKEN_CLAIMS = ['iss', 'sub', 'aud', 'jti', 'iat', 'nbf', 'exp', 'vct'];
const TOKEN_TIMES = new Set(['iat', 'nbf', 'exp']);
const TOKEN_LABELS = {
  iss: 'Issuer (iss)',
  sub: 'Subject (sub)',
  aud: 'Audience (aud)',
  jti: 'Token id (jti)',
  iat: 'Issued (iat)',
  nbf: 'Not before (nbf)',
  exp: 'Expires (exp)',
  vct: 'Credential type (vct)',
};

/** Claims split into the token's registered claims and the message's own fields. */
export function splitTokenClaims(claims) {
  const token = [];
  const message = Object.create(null);
  if (!claims || typeof claims !== 'object' || Array.isArray(claims))
    return { token, message: claims };
  for (const [key, value] of Object.entries(claims)) {
    if (TOKEN_CLAIMS.includes(key)) token.push([key, value]);
    else message[key] = value;
  }
  token.sort(([a], [b]) => TOKEN_CLAIMS.indexOf(a) - TOKEN_CLAIMS.indexOf(b));
  return { token, message };
}

/** The token's claims as a definition list; Unix-second times shown as dates. */
export function tokenList(token) {
  return h(
    'dl.meta.token-claims',
    { testid: 'token-claims' },
    token.map(([key, value]) => [
      h('dt', null, TOKEN_LABELS[key] ?? key),
      h(
        'dd',
        { testid: 'token-claim', 'data-claim': key },
        TOKEN_TIMES.has(key) && typeof value === 'number'
          ? timeEl(new Date(value * 1000).toISOString())
          : h('code', null, showValue(value)),
      ),
    ]),
  );
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A cell value: message times readable (the ISO value kept as the title), the rest as text. */
function cellValue(value) {
  return typeof value === 'string' && ISO_TIME.test(value) ? timeEl(value) : showValue(value);
}

/** Leaves of a JSON value as [concretePath, value], in document order. */
export function flatten(value, prefix = '', out = []) {
  if (Array.isArray(value)) {
    if (value.length === 0 && prefix) out.push([prefix, value]);
    value.forEach((item, i) => {
      if (item && typeof item === 'object' && !Array.isArray(item) && '...' in item) return;
      flatten(item, `${prefix}[${i}]`, out);
    });
  } else if (value && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => !TECHNICAL_KEYS.has(k));
    if (keys.length === 0 && prefix) out.push([prefix, value]);
    for (const key of keys) flatten(value[key], prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out.push([prefix, value]);
  }
  return out;
}

function similarity(a, b) {
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object')
    return JSON.stringify(a) === JSON.stringify(b) ? 1 : 0;
  const left = new Map(flatten(a ?? {}).map(([p, v]) => [p, JSON.stringify(v)]));
  let same = 0;
  for (const [p, v] of flatten(b ?? {})) if (left.get(p) === JSON.stringify(v)) same += 1;
  return same;
}

/**
 * Leaves of what the recipient saw, with array indices mapped onto the sent
 * message's: a withheld array element (e.g. one subject) is simply absent from
 * the recipient's array, so its later elements must be matched by content, not
 * by position, before comparing.
 */
export function flattenAligned(received, sent, prefix = '', out = []) {
  if (Array.isArray(received) && Array.isArray(sent)) {
    if (received.length === 0 && prefix) out.push([prefix, received]);
    const mapping = [];
    if (received.length < sent.length) {
      let from = 0;
      received.forEach((item, i) => {
        let best = from;
        let bestScore = -1;
        const last = sent.length - (received.length - i);
        for (let j = from; j <= last; j++) {
          const score = similarity(sent[j], item);
          if (score > bestScore) [best, bestScore] = [j, score];
        }
        mapping.push(best);
        from = best + 1;
      });
    } else received.forEach((_, i) => mapping.push(i));
    received.forEach((item, i) =>
      flattenAligned(item, sent[mapping[i]], `${prefix}[${mapping[i]}]`, out),
    );
    return out;
  }
  if (received && typeof received === 'object' && !Array.isArray(received)) {
    const keys = Object.keys(received).filter((k) => !TECHNICAL_KEYS.has(k));
    if (keys.length === 0 && prefix) out.push([prefix, received]);
    const other = sent && typeof sent === 'object' && !Array.isArray(sent) ? sent : {};
    for (const key of keys)
      flattenAligned(received[key], other[key], prefix ? `${prefix}.${key}` : key, out);
    return out;
  }
  return flatten(received, prefix, out);
}

/** `/subjects/0/identity` → `subjects[0].identity`; other forms pass through. */
export function normalisePath(path) {
  if (!path.startsWith('/')) return path;
  return path
    .slice(1)
    .split('/')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

/** The path, then each ancestor (nearest first), each concrete and in schema form. */
export function candidatePaths(path) {
  const concrete = [];
  let current = path;
  while (current) {
    concrete.push(current);
    const bracket = current.endsWith(']') ? current.lastIndexOf('[') : -1;
    const dot = current.lastIndexOf('.');
    if (bracket > dot) current = current.slice(0, bracket);
    else if (dot >= 0) current = current.slice(0, dot);
    else current = '';
  }
  const out = [];
  for (const p of concrete) {
    out.push(p);
    const schema = p.replace(/\[\d+\]/g, '[]');
    if (schema !== p) out.push(schema);
  }
  return [...new Set(out)];
}

/** The withheld entry that covers a concrete path, nearest first. */
export function ruleFor(path, withheld) {
  const byPath = new Map();
  for (const w of withheld) {
    const key = normalisePath(w.path);
    if (!byPath.has(key)) byPath.set(key, w);
  }
  for (const candidate of candidatePaths(path)) {
    const hit = byPath.get(candidate);
    if (hit) return hit;
  }
  return undefined;
}

/** `subjects[0].identity.fullName` → `Subjects #1 › identity › full name`. */
export function fieldLabel(path) {
  return path
    .split('.')
    .map((seg) =>
      seg
        .replace(/\[(\d+)\]/g, (_, i) => ` #${Number(i) + 1}`)
        .replace(/\[\]/g, ' (each)')
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .toLowerCase(),
    )
    .join(' › ')
    .replace(/^./, (c) => c.toUpperCase());
}

/**
 * Rows of the comparison: { path, sent, received, status, rule }
 * status: same | changed | withheld | unavailable | received-only
 * `missing`: why the recipient's side is absent (denied, erased), or null when it is there.
 */
export function compare(sent, received, withheld, missing = null) {
  const sentLeaves = flatten(sent ?? {});
  const receivedLeaves = new Map(flattenAligned(received ?? {}, sent ?? {}));
  const rows = [];
  const matchedPaths = new Set();
  for (const [path, value] of sentLeaves) {
    if (receivedLeaves.has(path)) {
      const got = receivedLeaves.get(path);
      receivedLeaves.delete(path);
      rows.push({
        path,
        sent: value,
        received: got,
        status: JSON.stringify(got) === JSON.stringify(value) ? 'same' : 'changed',
      });
      continue;
    }
    const rule = ruleFor(path, withheld);
    if (rule) matchedPaths.add(normalisePath(rule.path));
    rows.push({
      path,
      sent: value,
      received: undefined,
      status: rule || !missing ? 'withheld' : 'unavailable',
      rule,
      missing,
    });
  }
  for (const [path, value] of receivedLeaves) {
    rows.push({ path, sent: undefined, received: value, status: 'received-only' });
  }
  // Withheld entries that name nothing in the sent claims (e.g. an empty list).
  for (const w of withheld) {
    const path = normalisePath(w.path);
    if (matchedPaths.has(path)) continue;
    matchedPaths.add(path);
    rows.push({ path, sent: undefined, status: 'withheld', rule: w });
  }
  return rows;
}

/** Section of a row: nested fields under their top-level field, plain fields under "Message". */
function sectionOf(path) {
  const top = path.split(/[.[]/)[0];
  return top === path ? 'Message' : fieldLabel(top);
}

/** The comparison table; `labels` = { sent: 'Sent by nl-knp', received: 'Seen by de-bka' }. */
export function comparisonTable(rows, labels) {
  const body = h('tbody');
  let section = null;
  // Plain message fields first, then each nested field as its own section, in document order.
  const ordered = [
    ...rows.filter((r) => sectionOf(r.path) === 'Message'),
    ...rows.filter((r) => sectionOf(r.path) !== 'Message'),
  ];
  for (const row of ordered) {
    const top = sectionOf(row.path);
    if (top !== section) {
      section = top;
      body.append(h('tr.section-row', null, h('th', { scope: 'colgroup', colspan: 3 }, top)));
    }
    const field = h(
      'th',
      { scope: 'row' },
      h('span.field-label', null, fieldLabel(row.path)),
      h('code.field-path', null, row.path),
    );
    let sentCell;
    let receivedCell;
    switch (row.status) {
      case 'withheld': {
        const ruleId = row.rule?.ruleId ?? 'a rule not recorded';
        sentCell = h(
          'td.sent',
          null,
          row.sent === undefined ? '—' : h('del', null, cellValue(row.sent)),
        );
        receivedCell = h(
          'td.received',
          null,
          h(
            'span.rule-tag',
            { testid: 'withheld-rule', title: `withheld path: ${row.rule?.path ?? row.path}` },
            'Withheld by ',
            h('strong', null, ruleId),
          ),
        );
        break;
      }
      case 'unavailable':
        // Why is said once above the table, not on every row.
        sentCell = h('td.sent', null, cellValue(row.sent));
        receivedCell = h('td.received.muted', { title: row.missing }, '—');
        break;
      case 'received-only':
        sentCell = h('td.sent.muted', null, '—');
        receivedCell = h('td.received', null, cellValue(row.received));
        break;
      case 'changed':
        sentCell = h('td.sent', null, cellValue(row.sent));
        receivedCell = h('td.received', null, h('mark', null, cellValue(row.received)));
        break;
      default:
        sentCell = h('td.sent', null, cellValue(row.sent));
        receivedCell = h('td.received', null, cellValue(row.received));
    }
    body.append(
      h(
        `tr.row-${row.status}`,
        {
          testid: row.status === 'withheld' ? 'withheld-field' : 'compared-field',
          'data-path': row.path,
          'data-rule': row.rule?.ruleId,
        },
        field,
        sentCell,
        receivedCell,
      ),
    );
  }
  return h(
    'table.comparison',
    { testid: 'comparison' },
    h('caption', null, `${labels.sent} compared with ${labels.received.toLowerCase()}`),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Field'),
        h('th', { scope: 'col' }, labels.sent),
        h('th', { scope: 'col' }, labels.received),
      ),
    ),
    body,
  );
}
