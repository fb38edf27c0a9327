/**
 * `liaison case list` and `liaison case show <caseRef>`: the cases your agency
 * takes part in, and one case as the hub shows it to you (GET /v1/cases): its
 * participants, your requests with their instrument, state and due times read
 * now (OVERDUE and approaching marked), and the notices you sent or received.
 */
import type { Command } from 'commander';
import type { CaseSummary, CaseView, ClockView, RequestView } from '@liaison/cases';
import type { HubClient } from '../hub-client';
import { print, type OutputOptions } from '../output';

/** A case's notice as the reader saw it pass (see the gateway's case view). */
export interface CaseTimelineEntry {
  readonly seq: string;
  readonly messageId: string;
  readonly messageType: string;
  readonly from: string;
  readonly at: string;
  readonly direction: 'SENT' | 'RECEIVED';
  readonly decision: 'FULL' | 'REDACTED' | null;
}

export interface CaseDetail extends CaseView {
  readonly timeline: readonly CaseTimelineEntry[];
}

const MINUTE = 60_000;

/** "in 7h 59m" / "2h 3m ago", from `now`. */
export function relativeTo(at: string, now: number): string {
  const ms = Date.parse(at) - now;
  const minutes = Math.round(Math.abs(ms) / MINUTE);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const text =
    days > 0 ? `${days}d ${hours}h` : hours > 0 ? `${hours}h ${minutes % 60}m` : `${minutes}m`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

const stamp = (at: string): string => `${at.slice(0, 16).replace('T', ' ')} UTC`;

/** The clock's state, with the reader's mark where a deadline is near or missed. */
function stateOf(clock: ClockView): string {
  if (clock.deadline === 'overdue')
    return clock.status === 'MET_LATE' ? 'answered late: OVERDUE' : 'OVERDUE';
  return clock.deadline === 'approaching' ? 'approaching' : clock.status;
}

function clockLine(clock: ClockView, now: number): string {
  const when =
    clock.stoppedAt === null
      ? `due ${stamp(clock.dueAt)} (${relativeTo(clock.dueAt, now)})`
      : `due ${stamp(clock.dueAt)}, stopped ${stamp(clock.stoppedAt)}`;
  return `      ${clock.clock} clock for ${clock.agency}: ${when} ${stateOf(clock)}`;
}

function requestLines(request: RequestView, now: number): string[] {
  const instrument = request.instrument === null ? 'no instrument' : request.instrument.kind;
  const lines = [
    `  ${request.kind} ${request.requestId} by ${request.requester} under ${instrument}: ${request.status}` +
      (request.deadline === 'overdue'
        ? ' OVERDUE'
        : request.deadline === 'approaching'
          ? ' approaching'
          : ''),
  ];
  for (const leg of request.legs) {
    lines.push(
      `    ${leg.agency} (${leg.jurisdiction}): ${leg.status}` +
        (leg.refusalReason === null ? '' : ` (${leg.refusalReason})`),
    );
  }
  for (const clock of request.clocks) lines.push(clockLine(clock, now));
  return lines;
}

/** The readable form of `liaison case show`. */
export function caseText(detail: CaseDetail, now: number): string {
  const lines = [
    `Case ${detail.caseRef}: ${detail.status}${detail.outcome === null ? '' : ` (${detail.outcome})`}` +
      ` lead ${detail.lead ?? '-'} (${detail.jurisdiction ?? '-'})` +
      (detail.openedAt === null ? '' : `, opened ${stamp(detail.openedAt)}`),
    detail.membership === 'INVITED'
      ? `You are invited: liaison case accept ${detail.caseRef} (or decline)`
      : `Participants: ${detail.participants.join(', ') || '-'}`,
  ];
  if (detail.invited.length > 0) lines.push(`Invited: ${detail.invited.join(', ')}`);
  lines.push(`Requests (${detail.requests.length}):`);
  for (const request of detail.requests) lines.push(...requestLines(request, now));
  lines.push(`Timeline (${detail.timeline.length}):`);
  for (const e of detail.timeline) {
    lines.push(
      `  ${stamp(e.at)} ${e.direction === 'SENT' ? 'sent    ' : 'received'} ${e.messageType}` +
        (e.direction === 'SENT' ? '' : ` from ${e.from} (${e.decision ?? '-'})`) +
        ` msg=${e.messageId}`,
    );
  }
  return lines.join('\n');
}

/** The readable form of `liaison case list`. */
export function caseListText(cases: readonly CaseSummary[]): string {
  if (cases.length === 0) return 'no cases';
  return cases
    .map((c) =>
      c.membership === 'INVITED'
        ? `${c.caseRef} ${c.status} lead ${c.lead ?? '-'} INVITED (liaison case accept ${c.caseRef})`
        : `${c.caseRef} ${c.status} lead ${c.lead ?? '-'} participants ${c.participants.join(',')}` +
          ` open requests ${c.openRequests}` +
          (c.overdue > 0 ? ` OVERDUE ${c.overdue}` : '') +
          (c.approaching > 0 ? ` approaching ${c.approaching}` : ''),
    )
    .join('\n');
}

export function registerCaseCommands(
  program: Command,
  client: () => HubClient,
  globals: () => OutputOptions,
): void {
  const cases = program.command('case').description('cases your agency takes part in');
  cases
    .command('list')
    .description('the cases your agency takes part in, most recently changed first')
    .option('--limit <n>', 'at most this many', '100')
    .action(async (o: { limit: string }) => {
      const page = await client().get<{ cases: CaseSummary[] }>(
        `/v1/cases?limit=${encodeURIComponent(o.limit)}`,
      );
      print(globals(), page, () => caseListText(page.cases));
    });
  cases
    .command('show <caseRef>')
    .description('one case: participants, your requests with their clocks, your timeline')
    .action(async (caseRef: string) => {
      const detail = await client().get<CaseDetail>(`/v1/cases/${encodeURIComponent(caseRef)}`);
      print(globals(), detail, () => caseText(detail, Date.now()));
    });
}
