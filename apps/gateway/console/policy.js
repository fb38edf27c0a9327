/**
 * Policy changes for policy authors and approvers: the jurisdiction's versions
 * (author, approver or rejecter with their agency, reason, time), one draft's
 * rule-level diff (rules added, changed member by member, removed) and
 * effect-level diff (the draft replayed over the jurisdiction's latest shares:
 * which recipients' outcome or fields change, before → after), and approval or
 * rejection with the reviewer's own signed statement, as `liaison policy sign`
 * prints it (the browser never holds the officer's key).
 */
import { fill, h, plural, showValue, timeEl } from './dom.js';

const REPLAY_LAST = 200;

function who(entry) {
  if (entry.status === 'rejected')
    return [
      h('span', null, 'rejected by '),
      h('strong', { testid: 'policy-rejecter' }, entry.rejectedBy ?? '—'),
      ' ',
      timeEl(entry.decidedAt),
      h('span.muted', null, ': '),
      h('q', { testid: 'policy-reason' }, entry.rejectionReason ?? ''),
    ];
  if (entry.approver)
    return [
      h('span', null, 'approved by '),
      h('strong', { testid: 'policy-approver' }, entry.approver),
      ' ',
      timeEl(entry.decidedAt),
    ];
  if (entry.status === 'draft') return h('span.muted', null, 'awaiting a second officer');
  return h('span.muted', null, 'seeded');
}

function historyTable(entries, onOpen) {
  if (entries.length === 0) return h('p.muted', { testid: 'policy-empty' }, 'No policy versions.');
  return h(
    'div.table-wrap',
    null,
    h(
      'table.results',
      { testid: 'policy-history' },
      h('caption.visually-hidden', null, 'Policy versions, newest first'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Status', 'Version', 'Drafted by', 'Drafted', 'Decision'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        entries.map((e) =>
          h(
            'tr',
            { testid: 'policy-row', 'data-id': e.id, 'data-status': e.status },
            h('td', null, h(`span.status.status-${e.status}`, null, e.status)),
            h(
              'td',
              null,
              e.status === 'draft'
                ? h(
                    'button.link-button',
                    { type: 'button', testid: 'policy-open', onClick: () => onOpen(e) },
                    h('code.digest', { title: e.version }, e.version.slice(0, 19), '…'),
                  )
                : h('code.digest', { title: e.version }, e.version.slice(0, 19), '…'),
            ),
            h('td', null, e.author),
            h('td', null, timeEl(e.createdAt)),
            h('td', null, who(e)),
          ),
        ),
      ),
    ),
  );
}

function ruleChanges(rules) {
  if (rules.length === 0) return h('p.muted', { testid: 'rule-diff-empty' }, 'No rule changes.');
  return h(
    'ul.rule-diff',
    { testid: 'rule-diff' },
    rules.map((r) =>
      h(
        `li.rule-${r.change}`,
        { testid: 'rule-change', 'data-change': r.change, 'data-rule': r.id },
        h('strong', null, { added: 'Added', removed: 'Removed', changed: 'Changed' }[r.change]),
        ` ${r.section} rule `,
        h('code', null, r.id),
        r.change === 'changed'
          ? h(
              'ul',
              null,
              r.members.map((m) =>
                h(
                  'li',
                  { testid: 'rule-member', 'data-member': m },
                  h('code', null, m),
                  ': ',
                  h('del', null, showValue(r.before[m])),
                  ' → ',
                  h('ins', null, showValue(r.after[m])),
                ),
              ),
            )
          : null,
      ),
    ),
  );
}

function changeFields(c) {
  const parts = [];
  const before = (c.before?.rules ?? []).join(', ') || '—';
  const after = (c.after?.rules ?? []).join(', ') || '—';
  if (before !== after) parts.push(h('div', null, `rules ${before} → ${after}`));
  if (c.after?.outcome === 'DENIED') parts.push(h('div', null, 'nothing delivered'));
  else if (c.newlyWithheld.length > 0)
    parts.push(
      h(
        'div',
        null,
        'now withheld: ',
        c.newlyWithheld.map((f) => `${f.path} (${f.ruleId})`).join(', '),
      ),
    );
  if (c.newlyDisclosed.length > 0)
    parts.push(h('div', null, 'now disclosed: ', c.newlyDisclosed.map((f) => f.path).join(', ')));
  return parts;
}

function effectTable(changes) {
  return h(
    'div.table-wrap',
    null,
    h(
      'table.results.compact',
      null,
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Recipient', 'Before', 'After', 'What changes'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        changes.map((c) =>
          h(
            'tr',
            { testid: 'effect-row', 'data-recipient': c.recipient },
            h('td', null, c.recipient),
            h('td', null, c.before?.outcome ?? '—'),
            h('td', null, c.after?.outcome ?? '—'),
            h('td', null, changeFields(c)),
          ),
        ),
      ),
    ),
  );
}

function replaySummary(answer) {
  const of =
    answer.considered < answer.last
      ? `the last ${answer.considered} ${answer.jurisdiction} shares (all the hub still keeps)`
      : `the last ${answer.considered} ${answer.jurisdiction} shares`;
  return `This draft would have changed ${answer.changed} of ${of}.`;
}

function decisionForm(api, entry, onDone, errorText) {
  const statement = h('textarea', {
    rows: '3',
    spellcheck: 'false',
    autocomplete: 'off',
    testid: 'policy-statement',
    'aria-label': 'Your signed statement',
  });
  const reason = h('input', {
    type: 'text',
    maxlength: '500',
    testid: 'policy-reject-reason',
    'aria-label': 'Reason for a rejection',
  });
  const error = h('p.form-error', { role: 'alert', testid: 'policy-decision-error' });
  const act = async (kind) => {
    error.textContent = '';
    if (kind === 'reject' && reason.value.trim() === '') {
      error.textContent = 'A rejection needs a reason.';
      return;
    }
    try {
      await api.decidePolicy(entry.id, kind, statement.value, reason.value.trim());
      onDone();
    } catch (err) {
      error.textContent = errorText(err);
    }
  };
  return h(
    'div.card',
    { testid: 'policy-decision' },
    h('h3', null, 'Approve or reject'),
    h(
      'p.hint',
      null,
      'Sign your decision with your own officer key and paste what the command prints:',
    ),
    h(
      'pre.command',
      null,
      `liaison --agency <agency> --officer <you> --roles policy-approver policy sign approve ${entry.id}\n` +
        `liaison --agency <agency> --officer <you> --roles policy-approver policy sign reject ${entry.id} --reason "<why>"`,
    ),
    h('label', null, 'Signed statement'),
    statement,
    h('label', null, 'Reason (for a rejection; the same words as in your statement)'),
    reason,
    error,
    h(
      'div.filter-actions',
      null,
      h(
        'button.primary',
        { type: 'button', testid: 'policy-approve', onClick: () => act('approve') },
        'Approve',
      ),
      h(
        'button',
        { type: 'button', testid: 'policy-reject', onClick: () => act('reject') },
        'Reject',
      ),
    ),
  );
}

async function openDraft(api, entry, detail, reload, errorText) {
  fill(detail, h('p.muted', null, 'Replaying the draft…'));
  try {
    const answer = await api.whatIf(entry.id, REPLAY_LAST);
    fill(
      detail,
      h(
        'section.card',
        { testid: 'policy-draft', 'data-id': entry.id },
        h('h2', null, 'Draft by ', entry.author),
        h(
          'p',
          null,
          'current ',
          h('code.digest', null, answer.currentVersion),
          ' → draft ',
          h('code.digest', { testid: 'policy-draft-version' }, answer.draftVersion),
        ),
        h('h3', null, 'Rules'),
        ruleChanges(answer.rules),
        h('h3', null, 'Effect'),
        h('p', { testid: 'replay-summary' }, replaySummary(answer)),
        answer.unreadable > 0
          ? h('p.muted', null, `${plural(answer.unreadable, 'stored message')} could not be read.`)
          : null,
        answer.messages.map((m) =>
          h(
            'div.replayed',
            { testid: 'replayed-message' },
            h(
              'h4',
              null,
              m.messageType,
              ' ',
              m.messageId ? h('code', null, m.messageId) : '(another agency of your jurisdiction)',
            ),
            effectTable(m.changes),
          ),
        ),
        decisionForm(api, entry, reload, errorText),
      ),
    );
  } catch (error) {
    fill(detail, h('p.form-error', { role: 'alert' }, errorText(error)));
  }
}

/** Renders the policy view into `body` (history) and `detail` (one draft). */
export async function loadPolicy(api, body, detail, errorText) {
  const reload = () => loadPolicy(api, body, detail, errorText);
  fill(detail);
  fill(body, h('p.muted', null, 'Loading…'));
  try {
    const entries = await api.policies();
    fill(
      body,
      historyTable(entries, (e) => openDraft(api, e, detail, reload, errorText)),
    );
  } catch (error) {
    fill(body, h('p.form-error', { role: 'alert', testid: 'policy-error' }, errorText(error)));
  }
}
