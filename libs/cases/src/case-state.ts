/**
 * The state of one case, as rebuilt from its events: participants, invitations,
 * requests with one leg per requested agency, referrals and the outcome.
 * Plain readonly data (arrays, no maps) so two replays compare equal.
 */
import type { CaseOutcome } from '@liaison/contracts';
import type { AgencyId, Instant, RequestKind } from './case-event';
import type { Instrument } from './legal-instrument';

/** Where one requested agency stands on a request. */
export type LegStatus =
  'SENT' | 'ACKNOWLEDGED' | 'ACCEPTED' | 'REFUSED' | 'ANSWERED_PARTIAL' | 'ANSWERED_COMPLETE';

export interface RequestLeg {
  readonly agency: AgencyId;
  readonly jurisdiction: string;
  readonly status: LegStatus;
  readonly acknowledgedAt: Instant | null;
  /** When the leg was accepted or refused (the decision on the request). */
  readonly decidedAt: Instant | null;
  readonly refusalReason: string | null;
  readonly firstAnswerAt: Instant | null;
  readonly completedAt: Instant | null;
}

/** A span during which the request was suspended; `to` is null while it still is. */
export interface Suspension {
  readonly from: Instant;
  readonly to: Instant | null;
}

export type RequestStatus = 'OPEN' | 'SUSPENDED' | 'CLOSED';

export interface CaseRequest {
  readonly requestId: string;
  readonly kind: RequestKind;
  readonly requester: AgencyId;
  readonly instrument: Instrument | null;
  readonly sentAt: Instant;
  readonly status: RequestStatus;
  readonly suspensions: readonly Suspension[];
  readonly closedAt: Instant | null;
  readonly legs: readonly RequestLeg[];
  /** JIT only: when the last invited agency accepted, making the proposal an agreement. */
  readonly agreedAt: Instant | null;
}

export type CaseStatus = 'NONE' | 'OPEN' | 'CLOSED';

export interface CaseState {
  readonly caseRef: string | null;
  readonly status: CaseStatus;
  /** The agency that opened the case; it invites, and closes the case. */
  readonly lead: AgencyId | null;
  readonly jurisdiction: string | null;
  readonly openedAt: Instant | null;
  readonly closedAt: Instant | null;
  readonly outcome: CaseOutcome | null;
  /** Current participants in the order they joined, the lead first. */
  readonly participants: readonly AgencyId[];
  /** Invited agencies that have not answered the invitation yet. */
  readonly invited: readonly AgencyId[];
  readonly requests: readonly CaseRequest[];
  readonly victimReferrals: number;
  readonly victimsReferred: number;
  /** Ids of the events folded in, so a redelivered event is recognised. */
  readonly appliedEventIds: readonly string[];
  readonly lastEventAt: Instant | null;
}

export const NO_CASE: CaseState = {
  caseRef: null,
  status: 'NONE',
  lead: null,
  jurisdiction: null,
  openedAt: null,
  closedAt: null,
  outcome: null,
  participants: [],
  invited: [],
  requests: [],
  victimReferrals: 0,
  victimsReferred: 0,
  appliedEventIds: [],
  lastEventAt: null,
};

/** A JIT proposal is an agreement once every invited agency accepted it. */
export function isJitAgreement(request: CaseRequest): boolean {
  return request.kind === 'JIT' && request.agreedAt !== null;
}
