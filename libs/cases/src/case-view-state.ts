/**
 * What an agency knows of a case's state, rebuilt from its own view of it
 * (caseView), so it can check its next step against the state machine before
 * it signs and sends it. It is the state as far as the agency may see it: the
 * requests it is party to (a requested agency its own leg), no suspension
 * history beyond whether a request is suspended now, and no latest-event
 * instant. A step that passes here may still be refused by the hub, which
 * holds the whole state; a step refused here would be refused there.
 */
import type { CaseRequest, CaseState, RequestLeg } from './case-state';
import type { Instrument } from './legal-instrument';
import type { CaseView, InstrumentView, RequestView } from './case-view';

const at = (iso: string): number => Date.parse(iso);
const atOrNull = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

function instrumentOf(view: InstrumentView): Instrument {
  if (view.kind !== 'BILATERAL') return { kind: view.kind };
  return {
    kind: 'BILATERAL',
    deadline:
      view.deadlineAt !== null
        ? { kind: 'AT', at: at(view.deadlineAt) }
        : { kind: 'WORKING_DAYS', days: view.deadlineWorkingDays ?? 1 },
  };
}

function requestOf(view: RequestView): CaseRequest {
  const legs: RequestLeg[] = view.legs.map((l) => ({
    agency: l.agency,
    jurisdiction: l.jurisdiction,
    status: l.status,
    acknowledgedAt: atOrNull(l.acknowledgedAt),
    decidedAt: atOrNull(l.decidedAt),
    refusalReason: l.refusalReason,
    firstAnswerAt:
      l.status === 'ANSWERED_PARTIAL' || l.status === 'ANSWERED_COMPLETE'
        ? (atOrNull(l.completedAt) ?? atOrNull(l.decidedAt))
        : null,
    completedAt: atOrNull(l.completedAt),
  }));
  return {
    requestId: view.requestId,
    kind: view.kind,
    requester: view.requester,
    instrument: view.instrument === null ? null : instrumentOf(view.instrument),
    sentAt: at(view.sentAt),
    status: view.status,
    suspensions: view.status === 'SUSPENDED' ? [{ from: at(view.sentAt), to: null }] : [],
    closedAt: atOrNull(view.closedAt),
    legs,
    agreedAt: atOrNull(view.agreedAt),
  };
}

/** The state as far as the view shows it. */
export function caseStateOfView(view: CaseView): CaseState {
  return {
    caseRef: view.caseRef,
    status: view.status,
    lead: view.lead,
    jurisdiction: view.jurisdiction,
    openedAt: atOrNull(view.openedAt),
    closedAt: atOrNull(view.closedAt),
    outcome: view.outcome,
    participants: view.participants,
    invited: view.invited,
    requests: view.requests.map(requestOf),
    victimReferrals: 0,
    victimsReferred: 0,
    appliedEventIds: [],
    lastEventAt: null,
  };
}
