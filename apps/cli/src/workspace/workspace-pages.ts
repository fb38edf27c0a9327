/**
 * The workspace's pages, rendered on the agency's machine. Pure: data in, HTML
 * out. Everything shown was written by someone else (other agencies' alerts, the
 * hub's answers): every value goes through `esc`, and no page carries inline
 * script or style (the server's Content-Security-Policy forbids them).
 */
import type { CaseSummary } from '@liaison/cases';
import type { SubmissionStatus } from '@liaison/contracts';
import type { DeliveryJson, DeliveryOutcome } from '../delivery-reader';
import { shortTime, tlpLabel } from '../delivery-text';
import { readableMessage, type ReadableMessage } from '../readable-message';
import type { DeliverySummary } from '../commands/feed.command';

export function esc(value: unknown): string {
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number'
        ? String(value)
        : value == null
          ? ''
          : JSON.stringify(value);
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A path segment or query value inside an attribute. */
function href(path: string, ...segments: string[]): string {
  return esc(`${path}${segments.map((s) => `/${encodeURIComponent(s)}`).join('')}`);
}

export type Tab = 'inbox' | 'publish' | 'sent' | 'cases' | 'links';

const TABS: readonly [Tab, string][] = [
  ['inbox', 'Inbox'],
  ['publish', 'Publish'],
  ['sent', 'Sent'],
  ['cases', 'Cases'],
  ['links', 'Links'],
];

export interface PageFrame {
  readonly agency: string;
  readonly hub: string;
  readonly title: string;
  readonly tab: Tab;
  /** Reload every n seconds (a status still being decided). */
  readonly refreshSeconds?: number;
}

export function page(frame: PageFrame, body: string): string {
  const nav = TABS.map(
    ([tab, label]) =>
      `<a href="/${tab}"${tab === frame.tab ? ' aria-current="page"' : ''}>${label}</a>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${frame.refreshSeconds ? `<meta http-equiv="refresh" content="${frame.refreshSeconds}">` : ''}
<title>${esc(frame.title)} · ${esc(frame.agency)} · Liaison workspace</title>
<link rel="stylesheet" href="/app.css">
<script type="module" src="/app.js"></script>
</head>
<body>
<header><strong>Liaison workspace</strong> <span class="agency" data-agency="${esc(frame.agency)}">${esc(
    frame.agency,
  )}</span> <span class="hub">hub ${esc(frame.hub)}</span><nav>${nav}</nav></header>
<main>
<h1>${esc(frame.title)}</h1>
${body}
</main>
<footer>Your keys stay on this machine: deliveries are decrypted and checked here.</footer>
</body>
</html>
`;
}

export function errorBox(message: string): string {
  return `<p class="error" role="alert">${esc(message)}</p>`;
}

function badge(text: string, kind: 'ok' | 'bad' | 'warn' | 'plain' = 'plain'): string {
  return `<span class="badge ${kind}">${esc(text)}</span>`;
}

function outcomeBadge(outcome: string): string {
  return badge(outcome, outcome === 'FULL' ? 'ok' : outcome === 'DENIED' ? 'bad' : 'warn');
}

export interface InboxRow {
  readonly cursor: string;
  readonly delivery: DeliveryJson;
  readonly summary: DeliverySummary;
}

/** The inbox: newest first, one row a delivery. */
export function inboxBody(rows: readonly InboxRow[], total: number): string {
  if (rows.length === 0) return '<p class="empty">No deliveries in your feed yet.</p>';
  const lines = rows.map(({ cursor, delivery: d, summary: s }) => {
    const content = s.unreadable
      ? `<span class="unreadable">${esc(s.unreadable)}</span>`
      : `<a href="${href('/inbox', cursor)}">${esc(s.headline ?? '(no headline disclosed)')}</a>`;
    return `<tr data-cursor="${esc(cursor)}" data-message-id="${esc(d.messageId)}">
<td>#${esc(cursor)}</td><td>${esc(shortTime(d.deliveredAt))}</td><td>${esc(d.messageType ?? d.kind)}</td>
<td>${esc(s.urgency ?? '')}</td><td>${esc(d.originatorAgency)}</td><td>${esc(s.caseRef ?? '')}</td>
<td class="headline">${content}</td><td class="num">${d.disclosedPaths.length}</td><td class="num">${d.withheld.length}</td></tr>`;
  });
  return `<p class="total">${total} deliver${total === 1 ? 'y' : 'ies'}, newest first</p>
<div class="scroll"><table class="inbox">
<thead><tr><th>#</th><th>delivered</th><th>type</th><th>urgency</th><th>from</th><th>case</th><th>headline</th><th>disclosed</th><th>withheld</th></tr></thead>
<tbody>${lines.join('\n')}</tbody></table></div>`;
}

function messageSections(message: ReadableMessage): string {
  return message.sections
    .map(
      (section) =>
        `<section class="claims"><h3>${esc(section.title)}</h3><dl>${section.fields
          .map((f) => `<dt>${esc(f.label)}</dt><dd>${esc(f.value)}</dd>`)
          .join('')}</dl></section>`,
    )
    .join('\n');
}

function withheldTable(withheld: readonly { path: string; ruleId: string }[]): string {
  if (withheld.length === 0) return '<p class="withheld-none">Nothing was withheld.</p>';
  return `<table class="withheld"><thead><tr><th>withheld field</th><th>rule</th></tr></thead><tbody>${withheld
    .map((w) => `<tr><td><code>${esc(w.path)}</code></td><td>${esc(w.ruleId)}</td></tr>`)
    .join('')}</tbody></table>`;
}

/** One delivery, readable: as `liaison show`. */
export function deliveryBody(
  cursor: string,
  delivery: DeliveryJson,
  outcome: DeliveryOutcome,
): string {
  const withheld = `<h2>Withheld: ${delivery.withheld.length} field${
    delivery.withheld.length === 1 ? '' : 's'
  }</h2>${withheldTable(delivery.withheld)}`;
  const route = `<p class="route">From <strong>${esc(delivery.originatorAgency)}</strong> to ${esc(
    delivery.recipientAgency,
  )}, delivered ${esc(shortTime(delivery.deliveredAt))} (feed entry #${esc(cursor)}), message <code>${esc(
    delivery.messageId,
  )}</code></p>`;
  if (!outcome.reading) {
    return `${route}<div class="checks">${badge('NOT VERIFIED', 'bad')} <span class="check-error">${esc(
      outcome.error,
    )}</span></div><p>The content is not shown: it could not be verified.</p>${withheld}`;
  }
  const { verified, mismatches, receipt } = outcome.reading;
  const message = readableMessage(verified.claims);
  const checks = [
    `<li data-check="signature">${badge('originator signature VALID', 'ok')} ${esc(verified.issuer)}, kid <code>${esc(
      verified.kid,
    )}</code></li>`,
    `<li data-check="envelope">${
      mismatches.length === 0
        ? badge('envelope VALID', 'ok')
        : `${badge('envelope INVALID', 'bad')} ${esc(mismatches.map((m) => m.field).join(', '))} disagree with the signed message`
    }</li>`,
    `<li data-check="receipt">${
      receipt?.valid
        ? `${badge('hub receipt VALID', 'ok')} batch root <code>${esc(receipt.batchRoot)}</code>`
        : `${badge('hub receipt INVALID', 'bad')} ${esc(receipt?.error ?? 'not checked')}`
    }</li>`,
  ];
  return `<div class="message-head">
<p class="marks">${badge(message.messageType)} ${message.urgency ? badge(message.urgency, 'warn') : ''} ${
    message.tlp ? badge(`TLP:${tlpLabel(message.tlp)}`) : ''
  } ${message.caseRef ? `<span class="case">case ${esc(message.caseRef)}</span>` : ''}</p>
<h2 class="headline">${esc(message.headline ?? '(no headline disclosed)')}</h2>
${route}
</div>
<ul class="checks">${checks.join('')}</ul>
${messageSections(message)}
${withheld}`;
}

export function publishBody(template: string, error?: string): string {
  return `${error ? errorBox(error) : ''}
<form method="post" action="/publish" class="publish">
<label for="message">Message (JSON: an alert or a case notice, as in schemas/examples)</label>
<textarea id="message" name="message" rows="24" spellcheck="false">${esc(template)}</textarea>
<p><button type="submit">Sign and publish</button> <span class="hint">signed here with your key; the hub never sees it</span></p>
</form>
<section id="preview" aria-live="polite">
<h2>Who would receive what</h2>
<p class="preview-state">The preview follows your edits (the hub's policy dry-run).</p>
<div class="scroll"><table class="preview"><thead><tr><th>recipient</th><th>outcome</th><th>rules</th><th>withheld</th></tr></thead><tbody></tbody></table></div>
</section>`;
}

export interface SentItem {
  readonly messageId: string;
  readonly messageType: string;
  readonly headline: string | null;
  readonly at: string;
}

export function sentListBody(items: readonly SentItem[]): string {
  const lookup = `<form method="get" action="/sent/lookup" class="lookup"><label for="id">Message id</label>
<input id="id" name="id" size="40" pattern="[0-9a-fA-F-]{36}" required> <button type="submit">Show outcome</button></form>`;
  if (items.length === 0)
    return `<p class="empty">Nothing published from this workspace yet.</p>${lookup}`;
  return `<table class="sent"><thead><tr><th>published</th><th>type</th><th>headline</th><th>message</th></tr></thead><tbody>${items
    .map(
      (i) =>
        `<tr><td>${esc(shortTime(i.at))}</td><td>${esc(i.messageType)}</td><td>${esc(
          i.headline ?? '',
        )}</td><td><a href="${href('/sent', i.messageId)}"><code>${esc(i.messageId)}</code></a></td></tr>`,
    )
    .join('')}</tbody></table>${lookup}`;
}

/** A sent message's outcome for each recipient (GET /v1/submissions/{id}). */
export function statusBody(s: SubmissionStatus): string {
  const counts = Object.entries(s.outcomes)
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ');
  const head = `<p class="status-head">${badge(s.messageType)} <code>${esc(s.messageId)}</code>${
    s.caseRef ? ` case ${esc(s.caseRef)}` : ''
  }, received ${esc(shortTime(s.receivedAt))}: <strong class="status">${esc(s.status)}</strong>${
    counts ? ` (${esc(counts)})` : ''
  }</p>`;
  if (s.recipients.length === 0) return `${head}<p class="empty">No recipient decided yet.</p>`;
  const rows = s.recipients.map(
    (
      r,
    ) => `<tr data-agency="${esc(r.agency)}"><td>${esc(r.agency)}</td><td>${esc(r.jurisdiction)}</td><td>${outcomeBadge(
      r.outcome,
    )}</td><td>${esc(r.rules.join(', '))}</td><td class="num">${r.outcome === 'DENIED' ? '' : r.disclosedCount}</td>
<td>${r.withheld.length === 0 ? '' : `${r.withheldCount}<ul>${r.withheld.map((w) => `<li><code>${esc(w.path)}</code> (${esc(w.ruleId)})</li>`).join('')}</ul>`}</td>
<td>${r.outcome === 'DENIED' ? 'nothing delivered' : r.deliveryEntryId ? `#${esc(r.deliveryEntryId)}` : 'not yet in its feed'}</td></tr>`,
  );
  return `${head}<div class="scroll"><table class="recipients"><thead><tr><th>recipient</th><th>jurisdiction</th><th>outcome</th><th>rules</th><th>disclosed</th><th>withheld</th><th>delivery entry</th></tr></thead><tbody>${rows.join(
    '\n',
  )}</tbody></table></div>`;
}

export function caseListBody(cases: readonly CaseSummary[]): string {
  if (cases.length === 0) return '<p class="empty">Your agency takes part in no case.</p>';
  return `<div class="scroll"><table class="cases"><thead><tr><th>case</th><th>status</th><th>lead</th><th>participants</th><th>open requests</th><th>overdue</th><th>last event</th></tr></thead><tbody>${cases
    .map(
      (c) =>
        `<tr><td><a href="${href('/cases', c.caseRef)}">${esc(c.caseRef)}</a></td><td>${esc(c.status)}</td><td>${esc(
          c.lead ?? '-',
        )}</td><td>${esc(c.participants.join(', '))}</td><td class="num">${c.openRequests}</td><td class="num">${
          c.overdue > 0 ? badge(`OVERDUE ${c.overdue}`, 'bad') : '0'
        }</td><td>${esc(shortTime(c.lastEventAt))}</td></tr>`,
    )
    .join('')}</tbody></table></div>`;
}

/** One case, as `liaison case show` prints it. */
export function caseBody(text: string): string {
  return `<pre class="case-text">${esc(text)}</pre>`;
}

export interface LinkRow {
  readonly cursor: string;
  readonly notice: Readonly<Record<string, unknown>>;
}

export function linksBody(rows: readonly LinkRow[]): string {
  if (rows.length === 0) return '<p class="empty">No link notices in your feed.</p>';
  return `<p>A link notice says that one of your messages shares a selector with another agency's, by kind only: never the value.</p>
<div class="scroll"><table class="links"><thead><tr><th>#</th><th>found</th><th>strength</th><th>kinds</th><th>your message</th><th>links to</th><th>their case</th><th>TLP</th></tr></thead><tbody>${rows
    .map(({ cursor, notice: n }) => {
      const kinds = Array.isArray(n.kinds) ? n.kinds.map(String).join(', ') : '';
      return `<tr><td>#${esc(cursor)}</td><td>${esc(shortTime(typeof n.foundAt === 'string' ? n.foundAt : ''))}</td><td>${esc(
        n.strength,
      )}</td><td>${esc(kinds)}</td><td><code>${esc(n.messageId)}</code></td><td>${esc(n.counterpartAgency)}</td><td>${esc(
        n.counterpartCaseHandle ?? '',
      )}</td><td>${esc(`TLP:${tlpLabel(String(n.counterpartTlp))}`)}</td></tr>`;
    })
    .join('')}</tbody></table></div>`;
}
