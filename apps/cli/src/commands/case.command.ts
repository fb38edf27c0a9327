/**
 * `liaison case list` and `liaison case show <caseRef>`: the cases your agency
 * takes part in, and one case as the hub shows it to you (GET /v1/cases): its
 * participants, your requests with their instrument, state and due times read
 * now (OVERDUE and approaching marked), and the notices you sent or received.
 * The steps (`open`, `invite`, `accept`, `request`, `ack`, `refuse`, `answer`,
 * `refer`, `close`, ...) are signed notices checked first against the case
 * (case-steps.ts).
 */
import { Option, type Command } from 'commander';
import type {
  CaseSummary,
  CaseTimelineEntry,
  CaseView,
  ClockView,
  RequestView,
} from '@liaison/cases';
import {
  CaseOutcomeValues,
  InstrumentKindValues,
  SupportServiceValues,
  TlpValues,
  type CaseOutcome,
  type InstrumentKind,
  type SupportService,
} from '@liaison/contracts';
import type { AgencyIdentity } from '../agency-identity';
import { HubError, type HubClient } from '../hub-client';
import { print, type OutputOptions } from '../output';
import { publishOne, type PublishOptions } from './publish.command';
import { caseNoticeOf, checkCaseStep, type CaseStep } from './case-steps';

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

/** How a clock stopped after its deadline was stopped. */
const STOPPED_LATE: Readonly<Record<string, string>> = {
  MET_LATE: 'answered late',
  CLOSED_LATE: 'closed late',
};

/** The clock's state, with the reader's mark where a deadline is near or missed. */
function stateOf(clock: ClockView): string {
  if (clock.deadline === 'overdue') {
    const how = Object.hasOwn(STOPPED_LATE, clock.status) ? STOPPED_LATE[clock.status] : undefined;
    return how === undefined ? 'OVERDUE' : `${how}: OVERDUE`;
  }
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
  for (const e of detail.timeline) lines.push(timelineLine(e));
  return lines.join('\n');
}

/** One timeline entry: a notice sent or received, or a clock notice from the hub. */
function timelineLine(e: CaseTimelineEntry): string {
  const clock = e.clockNotice;
  if (clock !== null) {
    return (
      `  ${stamp(e.at)} received ${clock.alert} from ${e.from}: ${clock.clock} clock for` +
      ` ${clock.requestedAgency} on ${clock.requestId}, due ${stamp(clock.dueAt)}`
    );
  }
  return (
    `  ${stamp(e.at)} ${e.direction === 'SENT' ? 'sent    ' : 'received'} ${e.messageType}` +
    (e.direction === 'SENT' ? '' : ` from ${e.from} (${e.decision ?? '-'})`) +
    ` msg=${e.messageId}`
  );
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

/** The case as the hub shows it to the agency, or null when it shows none. */
async function viewOf(client: HubClient, caseRef: string): Promise<CaseDetail | null> {
  try {
    return await client.get<CaseDetail>(`/v1/cases/${encodeURIComponent(caseRef)}`);
  } catch (error) {
    if (error instanceof HubError && error.status === 404) return null;
    throw error;
  }
}

/** Agencies' jurisdictions from the hub's directory (for the steps that name agencies). */
async function jurisdictionsOf(client: HubClient): Promise<Map<string, string>> {
  const agencies =
    await client.get<{ id: string; jurisdiction: string }[]>('/v1/directory/agencies');
  return new Map(agencies.map((a) => [a.id, a.jurisdiction]));
}

const listOf = (text: string): string[] =>
  text
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a.length > 0);

/** A whole number from `min` to `max` given as `option`, or an error naming the option. */
export function wholeNumber(text: string, option: string, min: number, max: number): number {
  const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new Error(`${option} must be a whole number from ${min} to ${max}, not ${text}`);
  }
  return n;
}

/** The `refer` step from its options: counts checked, services by their schema names. */
export function referralStep(o: {
  supportAgency: string;
  victims: string;
  minors: string;
  services: string;
}): Extract<CaseStep, { kind: 'refer' }> {
  const victimCount = wholeNumber(o.victims, '--victims', 1, 100_000);
  const minorCount = wholeNumber(o.minors, '--minors', 0, victimCount);
  const services = listOf(o.services).map((s) => s.toUpperCase());
  const unknown = services.find((s) => !(SupportServiceValues as readonly string[]).includes(s));
  if (unknown !== undefined) {
    throw new Error(`--services: ${unknown} is not one of ${SupportServiceValues.join(', ')}`);
  }
  return {
    kind: 'refer',
    supportAgency: o.supportAgency,
    victimCount,
    minorCount,
    services: [...new Set(services)] as SupportService[],
  };
}

/** A step sent: the hub's acceptance and the notice as signed. */
export interface SentCaseStep {
  readonly accepted: { messageId: string; status: string; statusUrl: string };
  readonly notice: Record<string, unknown>;
}

/**
 * Builds the step's notice, checks it against the case as the hub shows it,
 * and only then signs it as the agency and sends it (what `liaison case <step>`
 * does, printing aside).
 */
export async function sendCaseStep(
  client: HubClient,
  identity: AgencyIdentity,
  caseRef: string,
  step: CaseStep,
  tlp: string,
  options: PublishOptions = {},
): Promise<SentCaseStep> {
  const view = await viewOf(client, caseRef);
  const notice = caseNoticeOf(step, {
    agency: identity.agencyId,
    caseRef,
    view,
    now: new Date(),
    tlp,
  });
  const namesAgencies =
    step.kind === 'open' || step.kind === 'request' || step.kind === 'jit' || step.kind === 'refer';
  const jurisdictions = namesAgencies ? await jurisdictionsOf(client) : new Map<string, string>();
  if (step.kind === 'refer' && !jurisdictions.has(step.supportAgency)) {
    // A name the directory does not know reaches nobody.
    throw new Error(`not sent: ${step.supportAgency} is not in the hub's directory`);
  }
  const check = checkCaseStep(notice, view, (a) => jurisdictions.get(a) ?? null);
  if (!check.ok) {
    throw new Error(`not sent: the case would refuse it (${check.code}): ${check.reason}`);
  }
  return { accepted: await publishOne(client, identity, notice, options), notice };
}

async function sendStep(
  client: HubClient,
  identity: AgencyIdentity,
  globals: OutputOptions,
  caseRef: string,
  step: CaseStep,
  tlp: string,
): Promise<void> {
  const { accepted, notice } = await sendCaseStep(client, identity, caseRef, step, tlp, globals);
  const transition = notice.transition as { action: string } | null;
  print(globals, { ...accepted, caseRef }, () =>
    [
      `sent ${String(notice.messageType)}${transition === null ? '' : ` ${transition.action}`}` +
        ` ${accepted.messageId} in case ${caseRef}`,
      ...(step.kind === 'request' || step.kind === 'jit'
        ? [`request id: ${accepted.messageId}`]
        : []),
    ].join('\n'),
  );
}

export function registerCaseCommands(
  program: Command,
  client: () => HubClient,
  globals: () => OutputOptions,
  identity: () => AgencyIdentity | undefined,
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

  const tlpOption = (): Option =>
    new Option('--tlp <tlp>', 'TLP of the notice').choices([...TlpValues]).default('AMBER');
  const step = (caseRef: string, s: CaseStep, o: { tlp: string }): Promise<void> => {
    const id = identity();
    if (id === undefined) throw new Error('a case step is signed as your agency: give --agency');
    return sendStep(client(), id, globals(), caseRef, s, o.tlp);
  };
  cases
    .command('open <caseRef>')
    .description('open a case as its lead')
    .option('--title <text>', 'short non-identifying title')
    .option('--jurisdictions <list>', 'jurisdictions involved, comma-separated (e.g. NL,DE)', '')
    .addOption(tlpOption())
    .action((caseRef: string, o: { title?: string; jurisdictions: string; tlp: string }) =>
      step(
        caseRef,
        { kind: 'open', title: o.title ?? null, jurisdictions: listOf(o.jurisdictions) },
        o,
      ),
    );
  cases
    .command('invite <caseRef> <agency>')
    .description('invite an agency into your case (the lead)')
    .addOption(tlpOption())
    .action((caseRef: string, agency: string, o: { tlp: string }) =>
      step(caseRef, { kind: 'invite', agency }, o),
    );
  cases
    .command('accept <caseRef> [requestId]')
    .description('accept the invitation to a case, or (with a request id) a request asked of you')
    .addOption(tlpOption())
    .action((caseRef: string, requestId: string | undefined, o: { tlp: string }) =>
      step(
        caseRef,
        requestId === undefined
          ? { kind: 'accept-invitation' }
          : { kind: 'request-step', action: 'ACCEPT', requestId, reason: null },
        o,
      ),
    );
  cases
    .command('decline <caseRef>')
    .description('decline the invitation to a case')
    .addOption(tlpOption())
    .action((caseRef: string, o: { tlp: string }) =>
      step(caseRef, { kind: 'decline-invitation' }, o),
    );
  cases
    .command('leave <caseRef>')
    .description('leave a case (not the lead; no open request of yours)')
    .addOption(tlpOption())
    .action((caseRef: string, o: { tlp: string }) => step(caseRef, { kind: 'leave' }, o));
  cases
    .command('request <caseRef>')
    .description('ask participants for assistance under a legal instrument (its clock runs)')
    .requiredOption('--to <agencies>', 'the agencies asked, comma-separated')
    .addOption(
      new Option('--instrument <kind>', 'the legal instrument')
        .choices([...InstrumentKindValues])
        .makeOptionMandatory(),
    )
    .option('--deadline <instant>', 'BILATERAL: the stated deadline (ISO 8601)')
    .option('--working-days <n>', 'BILATERAL: the deadline in working days of the requested side')
    .requiredOption('--ask <text>', 'what is asked for')
    .addOption(tlpOption())
    .action(
      (
        caseRef: string,
        o: {
          to: string;
          instrument: InstrumentKind;
          deadline?: string;
          workingDays?: string;
          ask: string;
          tlp: string;
        },
      ) =>
        step(
          caseRef,
          {
            kind: 'request',
            to: listOf(o.to),
            instrument: o.instrument,
            deadlineAt: o.deadline === undefined ? null : new Date(o.deadline).toISOString(),
            deadlineWorkingDays: o.workingDays === undefined ? null : Number(o.workingDays),
            ask: o.ask,
          },
          o,
        ),
    );
  cases
    .command('jit <caseRef>')
    .description('propose a joint investigation team; an agreement once every partner accepts')
    .requiredOption('--to <agencies>', 'the partner agencies, comma-separated')
    .requiredOption('--legal-basis <text>', 'e.g. Art. 13 EU MLA Convention 2000')
    .requiredOption('--start <instant>', 'proposed start (ISO 8601)')
    .option('--months <n>', 'proposed duration in months', '12')
    .addOption(tlpOption())
    .action(
      (
        caseRef: string,
        o: { to: string; legalBasis: string; start: string; months: string; tlp: string },
      ) =>
        step(
          caseRef,
          {
            kind: 'jit',
            to: listOf(o.to),
            legalBasis: o.legalBasis,
            proposedStart: new Date(o.start).toISOString(),
            durationMonths: Number(o.months),
          },
          o,
        ),
    );
  const requestStep = (
    name: string,
    action: 'ACKNOWLEDGE' | 'SUSPEND' | 'RESUME',
    description: string,
  ): void => {
    cases
      .command(`${name} <caseRef> <requestId>`)
      .description(description)
      .addOption(tlpOption())
      .action((caseRef: string, requestId: string, o: { tlp: string }) =>
        step(caseRef, { kind: 'request-step', action, requestId, reason: null }, o),
      );
  };
  requestStep('ack', 'ACKNOWLEDGE', 'acknowledge a request asked of you');
  requestStep('suspend', 'SUSPEND', 'suspend your request (its clocks pause)');
  requestStep('resume', 'RESUME', 'resume your suspended request');
  cases
    .command('refuse <caseRef> <requestId>')
    .description('refuse a request asked of you, with the reason')
    .requiredOption('--reason <text>', 'why (no personal data)')
    .addOption(tlpOption())
    .action((caseRef: string, requestId: string, o: { reason: string; tlp: string }) =>
      step(caseRef, { kind: 'request-step', action: 'REFUSE', requestId, reason: o.reason }, o),
    );
  cases
    .command('answer <caseRef> <requestId>')
    .description('answer an assistance request asked of you, in part or in full')
    .option('--partial', 'a partial answer (more to come)')
    .option('--complete', 'the complete answer (stops the clock)')
    .addOption(tlpOption())
    .action(
      (
        caseRef: string,
        requestId: string,
        o: { partial?: boolean; complete?: boolean; tlp: string },
      ) => {
        if (o.partial === o.complete) throw new Error('give exactly one of --partial, --complete');
        return step(
          caseRef,
          {
            kind: 'request-step',
            action: o.complete ? 'ANSWER_COMPLETE' : 'ANSWER_PARTIAL',
            requestId,
            reason: null,
          },
          o,
        );
      },
    );
  cases
    .command('refer <caseRef>')
    .description(
      'record that victims of the case were handed to a support organisation (counts only, no identities)',
    )
    .requiredOption('--support-agency <agency>', 'the support organisation (e.g. ngo-safehaven)')
    .requiredOption('--victims <n>', 'how many victims were referred')
    .option('--minors <n>', 'how many of them are minors', '0')
    .option(
      '--services <list>',
      `services asked for, comma-separated (${SupportServiceValues.join(', ')})`,
      '',
    )
    .addOption(tlpOption())
    .action(
      (
        caseRef: string,
        o: {
          supportAgency: string;
          victims: string;
          minors: string;
          services: string;
          tlp: string;
        },
      ) => step(caseRef, referralStep(o), o),
    );
  cases
    .command('close <caseRef> [requestId]')
    .description('close your request (with its id), or close the case with its outcome (the lead)')
    .addOption(
      new Option('--outcome <outcome>', 'the case outcome').choices([...CaseOutcomeValues]),
    )
    .addOption(tlpOption())
    .action(
      (
        caseRef: string,
        requestId: string | undefined,
        o: { outcome?: CaseOutcome; tlp: string },
      ) => {
        if (requestId !== undefined) {
          if (o.outcome !== undefined) throw new Error('--outcome closes a case, not a request');
          return step(
            caseRef,
            { kind: 'request-step', action: 'CLOSE_REQUEST', requestId, reason: null },
            o,
          );
        }
        if (o.outcome === undefined) throw new Error('closing a case needs --outcome');
        return step(caseRef, { kind: 'close', outcome: o.outcome }, o);
      },
    );
}
