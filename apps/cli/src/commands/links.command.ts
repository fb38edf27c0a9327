/**
 * `liaison links query <kind> <value>`: does another agency hold this selector?
 * (POST /v1/links/query, a liaison officer's act with a signed justification);
 * `liaison links quotas`: the query limits and their windows with breaches;
 * `liaison links consent ...`: onward-sharing consent (links-consent.command.ts).
 * The value goes in the request body, never in the URL; give `-` to read it
 * from standard input so it stays out of the shell history.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { HitHolder } from '@liaison/links';
import type { HubClient } from '../hub-client';
import { tlpLabel } from '../delivery-text';
import { print, type OutputOptions } from '../output';
import { justified } from './usage-error';
import { registerConsentCommands } from './links-consent.command';

interface QuotaLeft {
  readonly limit: number;
  readonly remaining: number;
  readonly windowEnd: string;
}

export interface LinkQueryAnswer {
  readonly hit: boolean;
  readonly kind: string;
  readonly strength: string;
  readonly holders: readonly HitHolder[];
  readonly askedAt: string;
  readonly quota: { readonly agency: QuotaLeft; readonly officer: QuotaLeft };
}

export interface QuotaWindowView {
  readonly scope: string;
  readonly holder: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly limit: number;
  readonly used: number;
  readonly refused: number;
  readonly lastRefusedAt: string | null;
}

export interface QuotaReport {
  readonly limits: {
    readonly agency: { readonly limit: number; readonly windowMs: number };
    readonly officer: { readonly limit: number; readonly windowMs: number };
  };
  readonly windows: readonly QuotaWindowView[];
}

const minute = (at: string): string => `${at.slice(0, 16).replace('T', ' ')} UTC`;

/** The readable answer: HIT with one line per holder and handle, or NO HIT. */
export function linkAnswerText(answer: LinkQueryAnswer): string {
  const lines = [
    answer.hit
      ? `HIT: ${answer.holders.length} holder${answer.holders.length === 1 ? '' : 's'} of this ${answer.kind} (${answer.strength})`
      : `NO HIT: no agency you may be told of holds this ${answer.kind}`,
  ];
  for (const h of answer.holders) {
    lines.push(
      `  ${h.agency}  case ${h.caseHandle ?? '(none)'}  TLP:${tlpLabel(h.tlp)}  ${h.messages} message${h.messages === 1 ? '' : 's'}  under ${h.rules.join(', ')}`,
    );
  }
  if (answer.hit) lines.push('Ask the holder through a normal, policy-checked request.');
  lines.push(
    `Queries left: ${answer.quota.officer.remaining}/${answer.quota.officer.limit} yours until ${minute(answer.quota.officer.windowEnd)}, ` +
      `${answer.quota.agency.remaining}/${answer.quota.agency.limit} your agency's until ${minute(answer.quota.agency.windowEnd)}`,
  );
  return lines.join('\n');
}

export function quotaText(report: QuotaReport): string {
  const { agency, officer } = report.limits;
  const lines = [
    `Limits: ${agency.limit} per agency per ${agency.windowMs / 60_000} min, ${officer.limit} per officer per ${officer.windowMs / 60_000} min`,
  ];
  if (report.windows.length === 0) lines.push('No queries in the period.');
  for (const w of report.windows) {
    lines.push(
      `  ${w.scope.padEnd(7)} ${w.holder.padEnd(28)} ${minute(w.windowStart)}  used ${w.used}/${w.limit}` +
        (w.refused > 0
          ? `  BREACHED: ${w.refused} refused, last ${minute(w.lastRefusedAt ?? '')}`
          : ''),
    );
  }
  return lines.join('\n');
}

export function registerLinkCommands(
  program: Command,
  client: () => HubClient,
  globals: () => OutputOptions,
): void {
  const links = program
    .command('links')
    .description(
      'hit/no-hit questions about selectors, answered as the link policy allows; onward-sharing consent',
    );
  links
    .command('query <kind> <value>')
    .description(
      'does another agency hold this selector? kind: PHONE, DOCUMENT, PLATE, VIN, IBAN, EMAIL, HANDLE, WALLET, PERSON; value - reads stdin',
    )
    .requiredOption('--justification <text>', 'why you ask (signed by your key, logged)')
    .option('--country <code>', 'PHONE: region of a national number; DOCUMENT, PLATE: issuer')
    .option('--platform <name>', 'HANDLE: the platform; WALLET: the chain')
    .option('--dob <date>', 'PERSON: date of birth YYYY-MM-DD (the value is the name)')
    .action(
      async (
        kind: string,
        value: string,
        o: { justification: string; country?: string; platform?: string; dob?: string },
      ) => {
        const justification = justified(o.justification);
        const selector = value === '-' ? readFileSync(0, 'utf8').trim() : value;
        const answer = await client().request<LinkQueryAnswer>('POST', '/v1/links/query', {
          body: JSON.stringify({
            kind,
            value: selector,
            country: o.country,
            platform: o.platform,
            dateOfBirth: o.dob,
          }),
          contentType: 'application/json',
          justification,
        });
        print(globals(), answer, () => linkAnswerText(answer));
      },
    );
  links
    .command('quotas')
    .description('query limits and their windows, breaches first (oversight: every agency)')
    .requiredOption('--justification <text>', 'why you read them (signed by your key, logged)')
    .option('--from <time>', 'windows that ended after this (default: 7 days ago)')
    .action(async (o: { justification: string; from?: string }) => {
      const justification = justified(o.justification);
      const q = o.from === undefined ? '' : `?from=${encodeURIComponent(o.from)}`;
      const report = await client().auditGet<QuotaReport>(`/v1/links/quotas${q}`, justification);
      print(globals(), report, () => quotaText(report));
    });
  registerConsentCommands(links, client, globals);
}
