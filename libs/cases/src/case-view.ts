/**
 * What one participant agency may see of a case, at a given instant: the case's
 * participants and state, the requests it made or was asked in (a requested
 * agency sees its own leg only) with their clocks read at that instant, and a
 * deadline mark per clock and per request. Pure: the caller brings the stored
 * state and the clock's calendars. See docs/cases.md ("Reading a case").
 */
import type { Instant } from './case-event';
import type { CaseRequest, CaseState, LegStatus, RequestStatus } from './case-state';
import type { JurisdictionCalendar } from './jurisdiction-calendar';
import type { Instrument } from './legal-instrument';
import {
  deadlineMissed,
  requestClocks,
  type ClockName,
  type ClockReading,
  type ClockStatus,
} from './request-clock';

/** How a deadline stands for the reader: answered late counts as overdue. */
export type DeadlineMark = 'ok' | 'approaching' | 'overdue';

export interface ClockView {
  readonly clock: ClockName;
  readonly agency: string;
  readonly jurisdiction: string;
  readonly startedAt: string;
  readonly dueAt: string;
  readonly approachingAt: string;
  readonly stoppedAt: string | null;
  readonly status: ClockStatus;
  readonly deadline: DeadlineMark;
}

export interface LegView {
  readonly agency: string;
  readonly jurisdiction: string;
  readonly status: LegStatus;
  readonly acknowledgedAt: string | null;
  readonly decidedAt: string | null;
  readonly refusalReason: string | null;
  readonly completedAt: string | null;
}

export interface RequestView {
  readonly requestId: string;
  readonly kind: CaseRequest['kind'];
  readonly requester: string;
  readonly instrument: InstrumentView | null;
  readonly status: RequestStatus;
  readonly sentAt: string;
  readonly closedAt: string | null;
  readonly agreedAt: string | null;
  readonly legs: readonly LegView[];
  readonly clocks: readonly ClockView[];
  /** The worst mark of its clocks ('ok' without clocks). */
  readonly deadline: DeadlineMark;
}

export type InstrumentView =
  | { readonly kind: Exclude<Instrument['kind'], 'BILATERAL'> }
  | {
      readonly kind: 'BILATERAL';
      readonly deadlineAt: string | null;
      readonly deadlineWorkingDays: number | null;
    };

/** How the reader stands in the case: a participant, or invited and not yet answered. */
export type CaseMembership = 'PARTICIPANT' | 'INVITED';

export interface CaseView {
  readonly caseRef: string;
  readonly membership: CaseMembership;
  readonly status: CaseState['status'];
  readonly lead: string | null;
  readonly jurisdiction: string | null;
  readonly openedAt: string | null;
  readonly closedAt: string | null;
  readonly outcome: CaseState['outcome'];
  readonly participants: readonly string[];
  readonly invited: readonly string[];
  readonly requests: readonly RequestView[];
  readonly readAt: string;
}

export interface CaseSummary {
  readonly caseRef: string;
  readonly membership: CaseMembership;
  readonly status: CaseState['status'];
  readonly lead: string | null;
  readonly participants: readonly string[];
  readonly openedAt: string | null;
  readonly lastEventAt: string | null;
  readonly openRequests: number;
  readonly approaching: number;
  readonly overdue: number;
}

const iso = (at: Instant): string => new Date(at).toISOString();
const isoOrNull = (at: Instant | null): string | null => (at === null ? null : iso(at));

/** The reader's mark for a clock reading. */
export function deadlineMarkOf(status: ClockStatus): DeadlineMark {
  if (deadlineMissed(status)) return 'overdue';
  return status === 'APPROACHING' ? 'approaching' : 'ok';
}

const MARK_ORDER: readonly DeadlineMark[] = ['ok', 'approaching', 'overdue'];

function worst(marks: readonly DeadlineMark[]): DeadlineMark {
  return marks.reduce<DeadlineMark>(
    (a, b) => (MARK_ORDER.indexOf(b) > MARK_ORDER.indexOf(a) ? b : a),
    'ok',
  );
}

/**
 * How `agency` may read the case now: a participant reads it, an agency with a
 * pending invitation reads the invitation, anyone else nothing (null).
 */
export function caseMembershipOf(state: CaseState, agency: string): CaseMembership | null {
  if (state.participants.includes(agency)) return 'PARTICIPANT';
  return state.invited.includes(agency) ? 'INVITED' : null;
}

function instrumentView(instrument: Instrument): InstrumentView {
  if (instrument.kind !== 'BILATERAL') return { kind: instrument.kind };
  const d = instrument.deadline;
  return {
    kind: 'BILATERAL',
    deadlineAt: d.kind === 'AT' ? iso(d.at) : null,
    deadlineWorkingDays: d.kind === 'WORKING_DAYS' ? d.days : null,
  };
}

function clockView(reading: ClockReading): ClockView {
  return {
    clock: reading.clock,
    agency: reading.agency,
    jurisdiction: reading.jurisdiction,
    startedAt: iso(reading.startedAt),
    dueAt: iso(reading.dueAt),
    approachingAt: iso(reading.approachingAt),
    stoppedAt: isoOrNull(reading.stoppedAt),
    status: reading.status,
    deadline: deadlineMarkOf(reading.status),
  };
}

/**
 * A request as `viewer` may see it, or null when it neither made the request
 * nor was asked in it. A requested agency sees its own leg and clocks only.
 */
export function requestView(
  request: CaseRequest,
  viewer: string,
  now: Instant,
  calendarOf: (jurisdiction: string) => JurisdictionCalendar | null,
): RequestView | null {
  const isRequester = request.requester === viewer;
  if (!isRequester && !request.legs.some((l) => l.agency === viewer)) return null;
  const legs = request.legs.filter((l) => isRequester || l.agency === viewer);
  const clocks = requestClocks(request, now, calendarOf)
    .filter((c) => isRequester || c.agency === viewer)
    .map(clockView);
  return {
    requestId: request.requestId,
    kind: request.kind,
    requester: request.requester,
    instrument: request.instrument === null ? null : instrumentView(request.instrument),
    status: request.status,
    sentAt: iso(request.sentAt),
    closedAt: isoOrNull(request.closedAt),
    agreedAt: isoOrNull(request.agreedAt),
    legs: legs.map((l) => ({
      agency: l.agency,
      jurisdiction: l.jurisdiction,
      status: l.status,
      acknowledgedAt: isoOrNull(l.acknowledgedAt),
      decidedAt: isoOrNull(l.decidedAt),
      refusalReason: l.refusalReason,
      completedAt: isoOrNull(l.completedAt),
    })),
    clocks,
    deadline: worst(clocks.map((c) => c.deadline)),
  };
}

/**
 * The case as `viewer` may see it at `now`, or null when it neither takes part
 * nor is invited. An invited agency sees the invitation: the case's reference,
 * status, lead and its own pending invitation, not who else takes part or is
 * invited, nor any request, until it accepts.
 */
export function caseView(
  state: CaseState,
  viewer: string,
  now: Instant,
  calendarOf: (jurisdiction: string) => JurisdictionCalendar | null,
): CaseView | null {
  const membership = caseMembershipOf(state, viewer);
  if (state.caseRef === null || membership === null) return null;
  const requests: RequestView[] = [];
  for (const request of membership === 'PARTICIPANT' ? state.requests : []) {
    const view = requestView(request, viewer, now, calendarOf);
    if (view !== null) requests.push(view);
  }
  const invitee = membership === 'INVITED';
  return {
    caseRef: state.caseRef,
    membership,
    status: state.status,
    lead: state.lead,
    jurisdiction: state.jurisdiction,
    openedAt: isoOrNull(state.openedAt),
    closedAt: isoOrNull(state.closedAt),
    outcome: state.outcome,
    participants: invitee ? [] : state.participants,
    invited: invitee ? [viewer] : state.invited,
    requests,
    readAt: iso(now),
  };
}

/** One line of a case list: counts of the viewer's open requests by deadline mark. */
export function caseSummary(view: CaseView, lastEventAt: Instant | null): CaseSummary {
  const open = view.requests.filter((r) => r.status !== 'CLOSED');
  return {
    caseRef: view.caseRef,
    membership: view.membership,
    status: view.status,
    lead: view.lead,
    participants: view.participants,
    openedAt: view.openedAt,
    lastEventAt: isoOrNull(lastEventAt),
    openRequests: open.length,
    approaching: open.filter((r) => r.deadline === 'approaching').length,
    overdue: view.requests.filter((r) => r.deadline === 'overdue').length,
  };
}
