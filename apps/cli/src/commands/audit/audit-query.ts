/**
 * Pure helpers for `liaison audit search|export`: turning command options into
 * the /v1/audit/records query (validated here first, so a typo is a usage error
 * before any request), and the table rendering of the records the hub answers
 * with (their shape and CSV form are @liaison/ledger's, shared with the gateway).
 */
import type { LedgerRowView } from '@liaison/ledger';

export class UsageError extends Error {}

export interface AuditFilterOptions {
  readonly caseRef?: string;
  readonly counterpart?: string;
  readonly counterpartJurisdiction?: string;
  readonly direction?: string;
  readonly from?: string;
  readonly to?: string;
  readonly decision?: string;
  readonly rule?: string;
  readonly messageType?: string;
}

export interface AuditPage {
  readonly records: LedgerRowView[];
  readonly nextCursor: string | null;
}

export const MAX_PAGE = 500;
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** A whole number option in [min, max], or a usage error naming the flag. */
export function wholeNumber(flag: string, value: string | undefined, min: number, max: number) {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value) || Number(value) < min || Number(value) > max)
    throw new UsageError(`${flag}: a whole number from ${min} to ${max}`);
  return Number(value);
}

/** The /v1/audit/records query for these filters (without cursor and limit). */
/** `--from` / `--to`: ISO 8601 dates or timestamps, checked before the hub is asked. */
export function checkPeriod(from: string | undefined, to: string | undefined): void {
  for (const [flag, value] of [
    ['--from', from],
    ['--to', to],
  ] as const) {
    if (value !== undefined && (!ISO.test(value) || Number.isNaN(Date.parse(value))))
      throw new UsageError(`${flag}: an ISO 8601 date or timestamp, e.g. 2026-11-01T00:00:00Z`);
  }
}

/** Sets a query parameter only when the option was given and is not empty. */
export function setter(q: URLSearchParams): (key: string, value: string | undefined) => void {
  return (key, value) => {
    if (value !== undefined && value !== '') q.set(key, value);
  };
}

export function auditQuery(o: AuditFilterOptions): URLSearchParams {
  const q = new URLSearchParams();
  const direction = o.direction ?? 'all';
  if (!['sent', 'received', 'all'].includes(direction))
    throw new UsageError('--direction: sent, received or all');
  if (o.decision !== undefined && !['FULL', 'REDACTED', 'DENIED'].includes(o.decision))
    throw new UsageError('--decision: FULL, REDACTED or DENIED');
  checkPeriod(o.from, o.to);
  const set = setter(q);
  set('caseRef', o.caseRef);
  set('counterpart', o.counterpart);
  set('counterpartJurisdiction', o.counterpartJurisdiction);
  if (direction !== 'all') q.set('direction', direction);
  set('from', o.from);
  set('to', o.to);
  set('decision', o.decision);
  set('rule', o.rule);
  set('messageType', o.messageType);
  return q;
}

/** One page of an audit listing (`records`, `refusals`): the filters, the cursor past 0, the size. */
export function pagePath(
  filters: URLSearchParams,
  cursor: string,
  limit: number,
  listing: 'records' | 'refusals' = 'records',
): string {
  const q = new URLSearchParams(filters);
  if (cursor !== '0') q.set('cursor', cursor);
  q.set('limit', String(limit));
  return `/v1/audit/${listing}?${q.toString()}`;
}

/** The justification text, checked; `name` is how the user gave it (an option or an argument). */
export function justificationOf(value: string | undefined, name = '--justification'): string {
  const text = (value ?? '').trim();
  if (text.length === 0 || text.length > 500)
    throw new UsageError(
      `${name}: every audit read needs a reason of 1 to 500 characters (it is logged)`,
    );
  if (/[\r\n\0]/.test(text)) throw new UsageError(`${name}: one line of text`);
  return text;
}

/** A fixed-width table for people: one line per record. */
export function recordTable(records: readonly LedgerRowView[]): string {
  const head = ['SEQ', 'DECIDED (UTC)', 'DIR', 'TYPE', 'CASE', 'FROM', 'TO', 'DECISION', 'RULES'];
  const rows = records.map((r) => [
    String(r.seq),
    r.decidedAt.replace('T', ' ').slice(0, 19),
    r.direction ?? '-',
    r.messageType,
    r.caseRef ?? '-',
    `${r.originator.agency} (${r.originator.jurisdiction})`,
    `${r.recipient.agency} (${r.recipient.jurisdiction})`,
    r.decision + (r.withheld.length > 0 ? ` -${r.withheld.length}` : ''),
    r.rules.join(',') || '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: string[]): string =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(head), ...rows.map(fmt)].join('\n');
}

/** An output path the export may write: no NUL, no control characters, not empty. */
export function checkOutPath(out: string | undefined): string {
  if (out === undefined || out.length === 0) throw new UsageError('--out <file> is required');
  // eslint-disable-next-line no-control-regex
  if (/[\0-\x1f]/.test(out))
    throw new UsageError('--out: the path contains a NUL or control character');
  return out;
}
