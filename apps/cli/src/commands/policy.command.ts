/**
 * `liaison policy …`: dry-run a draft message (optionally under a draft policy),
 * and the four-eyes cycle of a policy change: draft, diff, approve, reject with a
 * reason, history. Drafts and decisions are the officer's signed statements.
 */
import { CommanderError, type Command } from 'commander';
import { canonicalDigest } from '@liaison/crypto';
import { readJsonInput } from '@liaison/local-files';
import type { AgencyIdentity } from '../agency-identity';
import type { HubClient } from '../hub-client';
import { print, type OutputOptions } from '../output';
import {
  dryRunDiffText,
  replayLine,
  whatIfText,
  type DryRunDiffAnswer,
  type WhatIfAnswer,
} from './policy-what-if';

interface DryRunReportAnswer {
  readonly policyVersion: string;
  readonly addressedTo?: string[];
  readonly addressedOnly?: boolean;
  readonly recipients?: {
    recipient: string;
    outcome: string;
    rules: string[];
    fields: { path: string; disclosed: boolean; ruleId?: string }[];
  }[];
}

/** One version as GET /v1/policies lists it. */
export interface PolicyHistoryEntry {
  readonly id: string;
  readonly jurisdiction: string;
  readonly version: string;
  readonly status: string;
  readonly author: string;
  readonly approver: string | null;
  readonly rejectedBy: string | null;
  readonly rejectionReason: string | null;
  readonly createdAt: string;
  readonly decidedAt: string | null;
}

const CASE_NOTICE_TYPES = ['ASSISTANCE_REQUEST', 'JIT_PROPOSED', 'VICTIM_REFERRED'];

/** Dry-run header: whom the draft message names, and whether only they can receive it. */
function addressedLine(addressedTo: readonly string[], addressedOnly: boolean): string[] {
  if (addressedTo.length === 0) return [];
  const only = addressedOnly ? ' (an addressed notice: no one else receives it)' : '';
  return [`addressed to ${addressedTo.join(', ')}${only}`];
}

function reportText(report: DryRunReportAnswer): string[] {
  return [
    `policy ${report.policyVersion}`,
    ...addressedLine(report.addressedTo ?? [], report.addressedOnly === true),
    ...(report.recipients ?? []).map((r) => {
      const withheld = r.fields.filter((f) => !f.disclosed);
      return `${r.recipient.padEnd(16)} ${r.outcome.padEnd(9)} rules=${r.rules.join(',')}${
        r.outcome === 'REDACTED'
          ? `\n${withheld.map((f) => `    - ${f.path} (${f.ruleId ?? ''})`).join('\n')}`
          : ''
      }`;
    }),
  ];
}

const stamp = (at: string | null): string =>
  at === null ? '-' : `${at.slice(0, 16).replace('T', ' ')} UTC`;

/** One line per version: who did what, when, and why a rejection was made. */
export function historyText(entries: readonly PolicyHistoryEntry[]): string[] {
  if (entries.length === 0) return ['no policy versions'];
  return entries.map((e) => {
    const who =
      e.status === 'rejected'
        ? `rejected by ${e.rejectedBy ?? '-'} ${stamp(e.decidedAt)}: ${e.rejectionReason ?? ''}`
        : e.approver !== null
          ? `approved by ${e.approver} ${stamp(e.decidedAt)}`
          : e.status === 'draft'
            ? 'awaiting a second officer'
            : `approved ${stamp(e.decidedAt)}`;
    return `${e.id} ${e.status.padEnd(10)} ${e.version.slice(0, 19)}… by ${e.author} ${stamp(e.createdAt)}; ${who}`;
  });
}

function parseLast(raw: string): number {
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > 1000)
    throw new CommanderError(2, 'liaison.usage', '--last must be a whole number from 1 to 1000');
  return Number(raw);
}

export function registerPolicyCommands(
  program: Command,
  client: () => HubClient,
  globals: () => OutputOptions,
  identity: () => AgencyIdentity,
): void {
  const policy = program.command('policy').description('sharing policy and its four-eyes changes');

  policy
    .command('dry-run <message>')
    .description(
      'who would get what, field by field, for a draft message (JSON file); with a draft policy, what it changes',
    )
    .option('--draft-policy <file>', 'compare against a draft policy document')
    .option(
      '--last <n>',
      "with --draft-policy: replay over your jurisdiction's last n shares",
      '200',
    )
    .action(async (file: string, o: { draftPolicy?: string; last: string }) => {
      const message = readJsonInput(file) as Record<string, unknown>;
      const type = String(message.messageType);
      const kind =
        type.startsWith('CASE_') || CASE_NOTICE_TYPES.includes(type) ? 'CASE_NOTICE' : 'ALERT';
      if (o.draftPolicy === undefined) {
        const report = await client().post<DryRunReportAnswer>('/v1/policies/dry-run', {
          kind,
          message,
        });
        print(globals(), report, () => reportText(report).join('\n'));
        return;
      }
      const last = parseLast(o.last);
      const draftPolicy = readJsonInput(o.draftPolicy);
      const diff = await client().post<DryRunDiffAnswer & { report: DryRunReportAnswer }>(
        '/v1/policies/dry-run',
        { kind, message, draftPolicy },
      );
      const replay = await client().post<WhatIfAnswer>('/v1/policies/what-if', {
        draftPolicy,
        last,
      });
      print(globals(), { ...diff, replay }, () =>
        [...dryRunDiffText(diff), replayLine(replay)].join('\n'),
      );
    });

  policy
    .command('draft <document>')
    .description('propose a new policy version (JSON file), signed as your policy.draft statement')
    .action(async (file: string) => {
      const document = readJsonInput(file) as { jurisdiction?: unknown };
      const statement = identity().statement(
        'policy.draft',
        `policy:${String(document.jurisdiction)}`,
        { documentDigest: canonicalDigest(document) },
      );
      const answer = await client().post<Record<string, unknown>>('/v1/policies/drafts', {
        document,
        statement,
      });
      print(globals(), answer, () => `draft ${String(answer.id)} (${String(answer.version)})`);
    });

  policy
    .command('diff <changeId>')
    .description(
      "a draft's rule changes and what it would change, replayed over your jurisdiction's last shares",
    )
    .option('--last <n>', 'how many of the latest shares to replay', '200')
    .action(async (changeId: string, o: { last: string }) => {
      const answer = await client().post<WhatIfAnswer>('/v1/policies/what-if', {
        changeId,
        last: parseLast(o.last),
      });
      print(globals(), answer, () => whatIfText(answer).join('\n'));
    });

  policy
    .command('history')
    .description("your jurisdiction's policy versions: author, approver or rejecter, reason, time")
    .action(async () => {
      const entries = await client().get<PolicyHistoryEntry[]>('/v1/policies');
      print(globals(), entries, () => historyText(entries).join('\n'));
    });

  /** The officer's signed statement approving or rejecting the change at its current version. */
  async function signedDecision(
    changeId: string,
    act: 'approve' | 'reject',
    reason?: string,
  ): Promise<string> {
    const versions = await client().get<PolicyHistoryEntry[]>('/v1/policies');
    const change = versions.find((v) => v.id === changeId);
    if (!change)
      throw new CommanderError(1, 'liaison.unknown-change', `no policy change ${changeId}`);
    return identity().statement(
      act === 'approve' ? 'policy.approve' : 'policy.reject',
      `policy-change:${changeId}`,
      act === 'approve'
        ? { version: change.version }
        : { version: change.version, reason: reason ?? null },
    );
  }

  async function decide(changeId: string, act: 'approve' | 'reject', reason?: string) {
    const statement = await signedDecision(changeId, act, reason);
    const answer = await client().post<Record<string, unknown>>(
      `/v1/policies/drafts/${changeId}/${act}`,
      act === 'approve' ? { statement } : { statement, reason },
    );
    print(globals(), answer, () => `${changeId} ${String(answer.status)}`);
  }

  policy
    .command('sign <act> <changeId>')
    .description(
      'print your signed approve or reject statement for a draft, to paste in the console',
    )
    .option('--reason <text>', 'why (reject only; type the same words in the console)')
    .action(async (act: string, changeId: string, o: { reason?: string }) => {
      if (act !== 'approve' && act !== 'reject')
        throw new CommanderError(
          2,
          'liaison.usage',
          'sign approve <changeId> or sign reject <changeId> --reason <text>',
        );
      if (act === 'reject' && (o.reason ?? '').trim() === '')
        throw new CommanderError(2, 'liaison.usage', 'a rejection needs --reason <text>');
      process.stdout.write(`${await signedDecision(changeId, act, o.reason)}\n`);
    });

  policy
    .command('approve <changeId>')
    .description("approve another officer's draft, signed as your policy.approve statement")
    .action((changeId: string) => decide(changeId, 'approve'));

  policy
    .command('reject <changeId>')
    .description('reject a draft with a reason, signed as your policy.reject statement')
    .requiredOption('--reason <text>', 'why (kept with your signed statement)')
    .action((changeId: string, o: { reason: string }) => decide(changeId, 'reject', o.reason));
}
