/**
 * Pure helpers for `liaison audit refusals`: command options to the
 * /v1/audit/refusals query (checked here first: a typo is a usage error before
 * any request), and the table of refusals the hub answers with.
 */
import type { RefusalRecord } from '@liaison/persistence';
import { checkPeriod, setter, UsageError } from './audit-query';

export interface RefusalFilterOptions {
  readonly refusedAgency?: string;
  readonly reason?: string;
  readonly stage?: string;
  readonly attribution?: string;
  readonly from?: string;
  readonly to?: string;
}

export interface RefusalPage {
  readonly refusals: RefusalRecord[];
  readonly nextCursor: string | null;
}

/** The /v1/audit/refusals query for these filters (without cursor and limit). */
export function refusalQuery(o: RefusalFilterOptions): URLSearchParams {
  const q = new URLSearchParams();
  const check = (flag: string, value: string | undefined, pattern: RegExp, hint: string): void => {
    if (value !== undefined && !pattern.test(value)) throw new UsageError(`${flag}: ${hint}`);
  };
  check(
    '--refused-agency',
    o.refusedAgency,
    /^([a-z0-9][a-z0-9-]{1,62}|unknown)$/,
    'an agency id, or unknown',
  );
  check(
    '--reason',
    o.reason,
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/,
    'a reason code (sdjwt.revoked-key) or a family ending in a dot (sdjwt.)',
  );
  check('--stage', o.stage, /^(gateway|worker|case)$/, 'gateway, worker or case');
  check(
    '--attribution',
    o.attribution,
    /^(verified|claimed|unknown)$/,
    'verified, claimed or unknown',
  );
  checkPeriod(o.from, o.to);
  const set = setter(q);
  set('agency', o.refusedAgency);
  set('reason', o.reason);
  set('stage', o.stage);
  set('attribution', o.attribution);
  set('from', o.from);
  set('to', o.to);
  return q;
}

function reasonOf(r: RefusalRecord): string {
  if (!r.aggregate) return r.reasonCode ?? '-';
  return Object.entries(r.reasonCodes ?? {})
    .map(([code, n]) => `${code}x${n}`)
    .join(',');
}

/** A fixed-width table for people: one line per entry; an aggregate shows its count. */
export function refusalTable(refusals: readonly RefusalRecord[]): string {
  const head = ['ID', 'AT (UTC)', 'STAGE', 'AGENCY', 'STATUS', 'REASON', 'KEY', 'MESSAGE', 'COUNT'];
  const rows = refusals.map((r) => [
    String(r.id),
    (r.refusedAt ?? r.windowEnd ?? r.at).replace('T', ' ').slice(0, 19),
    r.stage,
    `${r.agency} (${r.attribution})`,
    r.status === null ? '-' : String(r.status),
    reasonOf(r),
    r.messageKeyId ?? r.keyId ?? '-',
    r.messageId ?? '-',
    r.aggregate ? `${r.count} counted` : '1',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]): string =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(head), ...rows.map(fmt)].join('\n');
}
