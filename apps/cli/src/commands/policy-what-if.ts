/**
 * How the CLI prints a draft policy's effect: the recipients whose outcome, rules
 * or fields change, before -> after, the rules the draft adds, changes or removes,
 * and the replay over the jurisdiction's latest messages. Pure text; never an
 * empty line where there is nothing to show ("no change" instead).
 */
import type { DryRunChange, RuleChange, WhatIfReplay } from '@liaison/policy';

/** What POST /v1/policies/what-if answers. */
export interface WhatIfAnswer extends WhatIfReplay {
  readonly jurisdiction: string;
  readonly changeId: string | null;
  readonly last: number;
  readonly unreadable: number;
  readonly rules: readonly RuleChange[];
}

/** What POST /v1/policies/dry-run answers with a draft policy. */
export interface DryRunDiffAnswer {
  readonly currentVersion: string;
  readonly draftVersion: string;
  readonly changes: readonly DryRunChange[];
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text.padEnd(width);
}

function fieldsOf(change: DryRunChange): string {
  const parts: string[] = [];
  const before = change.before?.rules.join(',') ?? '-';
  const after = change.after?.rules.join(',') ?? '-';
  if (before !== after) parts.push(`rules ${before} -> ${after}`);
  if (change.after?.outcome === 'DENIED') {
    parts.push('nothing delivered');
  } else if (change.newlyWithheld.length > 0) {
    parts.push(
      `now withheld: ${change.newlyWithheld.map((f) => `${f.path} (${f.ruleId})`).join(', ')}`,
    );
  }
  if (change.newlyDisclosed.length > 0) {
    parts.push(`now disclosed: ${change.newlyDisclosed.map((f) => f.path).join(', ')}`);
  }
  return parts.join('; ');
}

/** One line per recipient that changes; "no change" when none does. */
export function changeTable(changes: readonly DryRunChange[]): string[] {
  if (changes.length === 0) {
    return ['no change: every recipient gets the same outcome and the same fields'];
  }
  const lines = [`${pad('recipient', 16)}${pad('before', 10)}   ${pad('after', 10)}fields`];
  for (const c of changes) {
    const before = c.before?.outcome ?? '-';
    const after = c.after?.outcome ?? '-';
    lines.push(`${pad(c.recipient, 16)}${pad(before, 10)}-> ${pad(after, 10)}${fieldsOf(c)}`);
  }
  return lines;
}

/** The dry-run of one draft message under a draft policy. */
export function dryRunDiffText(diff: DryRunDiffAnswer): string[] {
  return [
    `current ${diff.currentVersion} -> draft ${diff.draftVersion}`,
    ...changeTable(diff.changes),
  ];
}

function ruleLine(rule: RuleChange): string {
  switch (rule.change) {
    case 'added':
      return `  + ${rule.section} ${rule.id}`;
    case 'removed':
      return `  - ${rule.section} ${rule.id}`;
    case 'changed':
      return `  ~ ${rule.section} ${rule.id}: ${rule.members.join(', ')}`;
  }
}

/** "this draft would have changed 14 of the last 200 shares". */
export function replayLine(answer: WhatIfAnswer): string {
  const of =
    answer.considered < answer.last
      ? `the last ${answer.considered} ${answer.jurisdiction} shares (all the hub still keeps)`
      : `the last ${answer.considered} ${answer.jurisdiction} shares`;
  const unreadable =
    answer.unreadable > 0 ? `; ${answer.unreadable} stored messages could not be read` : '';
  return `this draft would have changed ${answer.changed} of ${of}${unreadable}`;
}

/** Rule-level and effect-level diff of a draft, as `policy diff` prints it. */
export function whatIfText(answer: WhatIfAnswer): string[] {
  const lines = [
    `${answer.jurisdiction} current ${answer.currentVersion} -> draft ${answer.draftVersion}`,
    answer.rules.length === 0 ? 'rules: no change' : 'rules:',
    ...answer.rules.map(ruleLine),
    replayLine(answer),
  ];
  for (const m of answer.messages) {
    lines.push(`${m.messageId === '' ? '(another agency)' : m.messageId} ${m.messageType}`);
    lines.push(...changeTable(m.changes).map((line) => `  ${line}`));
  }
  return lines;
}
