/**
 * The case state machine. `applyCaseEvent` accepts an event only when the acting
 * agency may make that transition from the current state, and otherwise refuses
 * it with a specific code and reason; `replayCase` folds a case's events (the
 * ledger's order) back into its state. Pure: no clock, no I/O.
 *
 * Who may do what:
 * - any agency opens a case (once); the opener is the lead;
 * - the lead invites; the invited agency accepts or declines; a participant other
 *   than the lead leaves, once no open request is addressed to it or made by it;
 * - a participant sends a request (assistance, JIT proposal) to other participants;
 * - each requested agency acknowledges, then accepts or refuses (with a reason),
 *   then answers an accepted assistance request (partial, then complete);
 * - the requester suspends, resumes and closes its request;
 * - participants post updates and victim referrals; the lead closes the case with
 *   an outcome once every request is closed.
 */
import { CaseOutcomeValues } from '@liaison/contracts';
import type { CaseEvent, CaseRefusalCode } from './case-event';
import type { CaseRequest, CaseState, LegStatus, RequestLeg } from './case-state';
import { NO_CASE } from './case-state';
import { calendarFor } from './jurisdiction-calendar';
import { instrumentProblem } from './legal-instrument';

export type CaseEventResult =
  | { readonly ok: true; readonly state: CaseState }
  | { readonly ok: false; readonly code: CaseRefusalCode; readonly reason: string };

export interface RefusedCaseEvent {
  readonly eventId: string;
  readonly code: CaseRefusalCode;
  readonly reason: string;
}

export interface CaseReplay {
  readonly state: CaseState;
  /** Events the state machine refused (a ledger of accepted events yields none). */
  readonly refused: readonly RefusedCaseEvent[];
}

const AGENCY_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const JURISDICTION = /^[A-Z]{2,3}$/;
const MAX_REASON = 2000;

function refuse(code: CaseRefusalCode, reason: string): CaseEventResult {
  return { ok: false, code, reason };
}

/** Rebuild a case from its events, in order. */
export function replayCase(events: Iterable<CaseEvent>, from: CaseState = NO_CASE): CaseReplay {
  let state = from;
  const refused: RefusedCaseEvent[] = [];
  for (const event of events) {
    const result = applyCaseEvent(state, event);
    if (result.ok) state = result.state;
    else refused.push({ eventId: event.eventId, code: result.code, reason: result.reason });
  }
  return { state, refused };
}

/** Apply one event to a case, or say precisely why it may not be applied. */
export function applyCaseEvent(state: CaseState, event: CaseEvent): CaseEventResult {
  if (state.appliedEventIds.includes(event.eventId)) {
    return refuse('ALREADY_APPLIED', `event ${event.eventId} is already part of the case`);
  }
  const invalid = shapeProblem(event);
  if (invalid !== null) return refuse(invalid.code, invalid.reason);
  if (state.caseRef !== null && event.caseRef !== state.caseRef) {
    return refuse('CASE_MISMATCH', `event is for case ${event.caseRef}, not ${state.caseRef}`);
  }
  if (state.lastEventAt !== null && event.at < state.lastEventAt) {
    return refuse('EVENT_BEFORE_LAST', 'event is dated before the case’s latest event');
  }
  const next = transition(state, event);
  if (!next.ok) return next;
  return {
    ok: true,
    state: {
      ...next.state,
      appliedEventIds: [...state.appliedEventIds, event.eventId],
      lastEventAt: event.at,
    },
  };
}

function transition(state: CaseState, event: CaseEvent): CaseEventResult {
  if (event.kind === 'CASE_OPENED') {
    if (state.status !== 'NONE') return refuse('CASE_ALREADY_OPEN', 'the case is already open');
    return {
      ok: true,
      state: {
        ...state,
        caseRef: event.caseRef,
        status: 'OPEN',
        lead: event.by,
        jurisdiction: event.jurisdiction,
        openedAt: event.at,
        participants: [event.by],
      },
    };
  }
  if (state.status === 'NONE') return refuse('CASE_NOT_OPEN', 'no case has been opened');
  if (state.status === 'CLOSED') return refuse('CASE_CLOSED', 'the case is closed');
  const isParticipant = state.participants.includes(event.by);

  switch (event.kind) {
    case 'PARTICIPANT_INVITED': {
      if (event.by !== state.lead) return refuse('NOT_CASE_LEAD', 'only the case lead invites');
      if (state.participants.includes(event.agency)) {
        return refuse('ALREADY_PARTICIPANT', `${event.agency} already takes part in the case`);
      }
      if (state.invited.includes(event.agency)) {
        return refuse('ALREADY_INVITED', `${event.agency} is already invited`);
      }
      return { ok: true, state: { ...state, invited: [...state.invited, event.agency] } };
    }
    case 'INVITATION_ACCEPTED':
    case 'INVITATION_DECLINED': {
      if (!state.invited.includes(event.by)) {
        return refuse('NOT_INVITED', `${event.by} has no pending invitation`);
      }
      const invited = state.invited.filter((a) => a !== event.by);
      const participants =
        event.kind === 'INVITATION_ACCEPTED'
          ? [...state.participants, event.by]
          : state.participants;
      return { ok: true, state: { ...state, invited, participants } };
    }
    case 'PARTICIPANT_LEFT': {
      if (!isParticipant) return refuse('NOT_PARTICIPANT', `${event.by} is not a participant`);
      if (event.by === state.lead) {
        return refuse('LEAD_CANNOT_LEAVE', 'the lead closes the case instead of leaving it');
      }
      const involved = state.requests.some(
        (r) =>
          r.status !== 'CLOSED' &&
          (r.requester === event.by || r.legs.some((l) => l.agency === event.by)),
      );
      if (involved) {
        return refuse('OPEN_REQUESTS', `${event.by} is party to a request that is not closed`);
      }
      return {
        ok: true,
        state: { ...state, participants: state.participants.filter((a) => a !== event.by) },
      };
    }
    case 'REQUEST_SENT': {
      if (!isParticipant) return refuse('NOT_PARTICIPANT', `${event.by} is not a participant`);
      if (state.requests.some((r) => r.requestId === event.requestId)) {
        return refuse('REQUEST_EXISTS', `request ${event.requestId} already exists`);
      }
      const outsider = event.to.find(
        (a) => a.agency === event.by || !state.participants.includes(a.agency),
      );
      if (outsider !== undefined) {
        return refuse(
          'ADDRESSEE_NOT_PARTICIPANT',
          `${outsider.agency} is not another participant of the case`,
        );
      }
      if (event.requestKind === 'ASSISTANCE') {
        if (event.instrument === null) {
          return refuse('INSTRUMENT_REQUIRED', 'an assistance request names its instrument');
        }
        const problem = instrumentProblem(event.instrument, event.at);
        if (problem !== null) return refuse('INVALID_EVENT', problem);
        const uncounted = event.to.find((a) => calendarFor(a.jurisdiction) === null);
        if (uncounted !== undefined) {
          return refuse('NO_CALENDAR', `no legal calendar is known for ${uncounted.jurisdiction}`);
        }
      } else if (event.instrument !== null) {
        return refuse('INSTRUMENT_NOT_ALLOWED', 'a JIT proposal runs on no legal clock');
      }
      const request: CaseRequest = {
        requestId: event.requestId,
        kind: event.requestKind,
        requester: event.by,
        instrument: event.instrument,
        sentAt: event.at,
        status: 'OPEN',
        suspensions: [],
        closedAt: null,
        agreedAt: null,
        legs: event.to.map((a) => ({
          agency: a.agency,
          jurisdiction: a.jurisdiction,
          status: 'SENT',
          acknowledgedAt: null,
          decidedAt: null,
          refusalReason: null,
          firstAnswerAt: null,
          completedAt: null,
        })),
      };
      return { ok: true, state: { ...state, requests: [...state.requests, request] } };
    }
    case 'REQUEST_ACKNOWLEDGED':
    case 'REQUEST_ACCEPTED':
    case 'REQUEST_REFUSED':
    case 'REQUEST_ANSWERED':
      return legTransition(state, event);
    case 'REQUEST_SUSPENDED':
    case 'REQUEST_RESUMED':
    case 'REQUEST_CLOSED':
      return requesterTransition(state, event);
    case 'CASE_UPDATED':
      if (!isParticipant) return refuse('NOT_PARTICIPANT', `${event.by} is not a participant`);
      return { ok: true, state };
    case 'VICTIM_REFERRED':
      if (!isParticipant) return refuse('NOT_PARTICIPANT', `${event.by} is not a participant`);
      return {
        ok: true,
        state: {
          ...state,
          victimReferrals: state.victimReferrals + 1,
          victimsReferred: state.victimsReferred + event.victimCount,
        },
      };
    case 'CASE_CLOSED':
      if (event.by !== state.lead) return refuse('NOT_CASE_LEAD', 'only the case lead closes it');
      if (state.requests.some((r) => r.status !== 'CLOSED')) {
        return refuse('OPEN_REQUESTS', 'close every request before closing the case');
      }
      return {
        ok: true,
        state: { ...state, status: 'CLOSED', closedAt: event.at, outcome: event.outcome },
      };
  }
}

type LegEvent = Extract<
  CaseEvent,
  { kind: 'REQUEST_ACKNOWLEDGED' | 'REQUEST_ACCEPTED' | 'REQUEST_REFUSED' | 'REQUEST_ANSWERED' }
>;

/** The requested agency's moves on its own leg, from which statuses each may start. */
const LEG_MOVES: Readonly<Record<LegEvent['kind'], readonly LegStatus[]>> = {
  REQUEST_ACKNOWLEDGED: ['SENT'],
  REQUEST_ACCEPTED: ['ACKNOWLEDGED'],
  REQUEST_REFUSED: ['ACKNOWLEDGED'],
  REQUEST_ANSWERED: ['ACCEPTED', 'ANSWERED_PARTIAL'],
};

function legTransition(state: CaseState, event: LegEvent): CaseEventResult {
  const request = state.requests.find((r) => r.requestId === event.requestId);
  if (request === undefined) return refuse('UNKNOWN_REQUEST', `no request ${event.requestId}`);
  const leg = request.legs.find((l) => l.agency === event.by);
  if (leg === undefined) {
    return refuse('NOT_REQUESTED_AGENCY', `${event.by} was not asked in this request`);
  }
  if (request.status === 'CLOSED') return refuse('REQUEST_CLOSED', 'the request is closed');
  if (request.status === 'SUSPENDED') {
    return refuse('REQUEST_SUSPENDED', 'the requester has suspended the request');
  }
  if (event.kind === 'REQUEST_ANSWERED' && request.kind === 'JIT') {
    return refuse('NOT_ANSWERABLE', 'a JIT proposal is accepted or refused, not answered');
  }
  if (!LEG_MOVES[event.kind].includes(leg.status)) {
    return refuse('ILLEGAL_TRANSITION', `${event.kind} is not allowed from ${leg.status}`);
  }
  const updated = movedLeg(leg, event);
  const legs = request.legs.map((l) => (l.agency === leg.agency ? updated : l));
  const agreedAt =
    request.kind === 'JIT' &&
    request.agreedAt === null &&
    legs.every((l) => l.status === 'ACCEPTED')
      ? event.at
      : request.agreedAt;
  return replaceRequest(state, { ...request, legs, agreedAt });
}

function movedLeg(leg: RequestLeg, event: LegEvent): RequestLeg {
  switch (event.kind) {
    case 'REQUEST_ACKNOWLEDGED':
      return { ...leg, status: 'ACKNOWLEDGED', acknowledgedAt: event.at };
    case 'REQUEST_ACCEPTED':
      return { ...leg, status: 'ACCEPTED', decidedAt: event.at };
    case 'REQUEST_REFUSED':
      return { ...leg, status: 'REFUSED', decidedAt: event.at, refusalReason: event.reason.trim() };
    case 'REQUEST_ANSWERED':
      return {
        ...leg,
        status: event.completeness === 'COMPLETE' ? 'ANSWERED_COMPLETE' : 'ANSWERED_PARTIAL',
        firstAnswerAt: leg.firstAnswerAt ?? event.at,
        completedAt: event.completeness === 'COMPLETE' ? event.at : null,
      };
  }
}

type RequesterEvent = Extract<
  CaseEvent,
  { kind: 'REQUEST_SUSPENDED' | 'REQUEST_RESUMED' | 'REQUEST_CLOSED' }
>;

function requesterTransition(state: CaseState, event: RequesterEvent): CaseEventResult {
  const request = state.requests.find((r) => r.requestId === event.requestId);
  if (request === undefined) return refuse('UNKNOWN_REQUEST', `no request ${event.requestId}`);
  if (event.by !== request.requester) {
    return refuse('NOT_REQUESTER', `only ${request.requester}, who made the request, may do this`);
  }
  if (request.status === 'CLOSED') return refuse('REQUEST_CLOSED', 'the request is closed');
  switch (event.kind) {
    case 'REQUEST_SUSPENDED':
      if (request.status === 'SUSPENDED') {
        return refuse('REQUEST_SUSPENDED', 'the request is already suspended');
      }
      return replaceRequest(state, {
        ...request,
        status: 'SUSPENDED',
        suspensions: [...request.suspensions, { from: event.at, to: null }],
      });
    case 'REQUEST_RESUMED':
      if (request.status !== 'SUSPENDED') {
        return refuse('REQUEST_NOT_SUSPENDED', 'the request is not suspended');
      }
      return replaceRequest(state, {
        ...request,
        status: 'OPEN',
        suspensions: endSuspension(request, event.at),
      });
    case 'REQUEST_CLOSED':
      return replaceRequest(state, {
        ...request,
        status: 'CLOSED',
        closedAt: event.at,
        suspensions:
          request.status === 'SUSPENDED' ? endSuspension(request, event.at) : request.suspensions,
      });
  }
}

function endSuspension(request: CaseRequest, at: number): CaseRequest['suspensions'] {
  return request.suspensions.map((s) => (s.to === null ? { from: s.from, to: at } : s));
}

function replaceRequest(state: CaseState, request: CaseRequest): CaseEventResult {
  return {
    ok: true,
    state: {
      ...state,
      requests: state.requests.map((r) => (r.requestId === request.requestId ? request : r)),
    },
  };
}

interface ShapeProblem {
  readonly code: 'INVALID_EVENT' | 'REASON_REQUIRED';
  readonly reason: string;
}

/** What is structurally wrong with an event, or null. */
function shapeProblem(event: CaseEvent): ShapeProblem | null {
  if (event.kind === 'REQUEST_REFUSED' && event.reason.trim().length === 0) {
    return { code: 'REASON_REQUIRED', reason: 'a refusal states its reason' };
  }
  const problem = invalidField(event);
  return problem === null ? null : { code: 'INVALID_EVENT', reason: problem };
}

function invalidField(event: CaseEvent): string | null {
  if (typeof event.eventId !== 'string' || event.eventId.length === 0) return 'eventId is empty';
  if (typeof event.caseRef !== 'string' || event.caseRef.length === 0) return 'caseRef is empty';
  if (!AGENCY_ID.test(event.by)) return 'the acting agency is not an agency id';
  if (!Number.isSafeInteger(event.at) || event.at < 0) return 'the event time is not an instant';
  switch (event.kind) {
    case 'CASE_OPENED':
      return JURISDICTION.test(event.jurisdiction) ? null : 'jurisdiction is not a code';
    case 'PARTICIPANT_INVITED':
      return AGENCY_ID.test(event.agency) ? null : 'the invited agency is not an agency id';
    case 'REQUEST_SENT': {
      if (event.requestId.length === 0) return 'requestId is empty';
      if (event.to.length === 0) return 'a request names at least one agency';
      const agencies = new Set(event.to.map((a) => a.agency));
      if (agencies.size !== event.to.length) return 'a request names each agency once';
      const bad = event.to.find(
        (a) => !AGENCY_ID.test(a.agency) || !JURISDICTION.test(a.jurisdiction),
      );
      return bad === undefined ? null : 'an addressee is not an agency id with a jurisdiction';
    }
    case 'REQUEST_REFUSED': {
      return event.reason.trim().length > MAX_REASON
        ? `a refusal reason is at most ${MAX_REASON} characters`
        : null;
    }
    case 'VICTIM_REFERRED':
      return Number.isSafeInteger(event.victimCount) && event.victimCount >= 1
        ? null
        : 'a referral refers at least one victim';
    case 'CASE_CLOSED':
      return (CaseOutcomeValues as readonly string[]).includes(event.outcome)
        ? null
        : 'the outcome is not a case outcome';
    case 'INVITATION_ACCEPTED':
    case 'INVITATION_DECLINED':
    case 'PARTICIPANT_LEFT':
    case 'REQUEST_ACKNOWLEDGED':
    case 'REQUEST_ACCEPTED':
    case 'REQUEST_ANSWERED':
    case 'REQUEST_SUSPENDED':
    case 'REQUEST_RESUMED':
    case 'REQUEST_CLOSED':
    case 'CASE_UPDATED':
      return null;
  }
}

/** Rebuild every case in a stream of events of many cases, each in its own order. */
export function replayCases(events: Iterable<CaseEvent>): Map<string, CaseReplay> {
  const byCase = new Map<string, CaseEvent[]>();
  for (const event of events) {
    const list = byCase.get(event.caseRef) ?? [];
    list.push(event);
    byCase.set(event.caseRef, list);
  }
  return new Map([...byCase].map(([caseRef, list]) => [caseRef, replayCase(list)]));
}
