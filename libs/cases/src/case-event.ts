/**
 * The case's vocabulary: every step in a case's life is a `CaseEvent`, made by one
 * acting agency at one instant (the statement that agency signed). The case state
 * is the fold of its events; nothing else changes it.
 */
import type { CaseOutcome } from '@liaison/contracts';
import type { Instrument } from './legal-instrument';

export type AgencyId = string;
/** Epoch milliseconds (UTC). */
export type Instant = number;

/** What every event carries: its own id (the signed message's id), the case, who acted, when. */
interface EventHeader {
  readonly eventId: string;
  readonly caseRef: string;
  readonly by: AgencyId;
  readonly at: Instant;
}

/** An addressee of a request, with the jurisdiction whose calendar its clock runs in. */
export interface Addressee {
  readonly agency: AgencyId;
  readonly jurisdiction: string;
}

export type RequestKind = 'ASSISTANCE' | 'JIT';
export type AnswerCompleteness = 'PARTIAL' | 'COMPLETE';

export type CaseEvent =
  | (EventHeader & { readonly kind: 'CASE_OPENED'; readonly jurisdiction: string })
  | (EventHeader & { readonly kind: 'PARTICIPANT_INVITED'; readonly agency: AgencyId })
  | (EventHeader & { readonly kind: 'INVITATION_ACCEPTED' })
  | (EventHeader & { readonly kind: 'INVITATION_DECLINED' })
  | (EventHeader & { readonly kind: 'PARTICIPANT_LEFT' })
  | (EventHeader & {
      readonly kind: 'REQUEST_SENT';
      readonly requestId: string;
      readonly requestKind: RequestKind;
      readonly to: readonly Addressee[];
      /** Required for ASSISTANCE (its legal clock); absent for JIT. */
      readonly instrument: Instrument | null;
    })
  | (EventHeader & { readonly kind: 'REQUEST_ACKNOWLEDGED'; readonly requestId: string })
  | (EventHeader & { readonly kind: 'REQUEST_ACCEPTED'; readonly requestId: string })
  | (EventHeader & {
      readonly kind: 'REQUEST_REFUSED';
      readonly requestId: string;
      readonly reason: string;
    })
  | (EventHeader & {
      readonly kind: 'REQUEST_ANSWERED';
      readonly requestId: string;
      readonly completeness: AnswerCompleteness;
    })
  | (EventHeader & { readonly kind: 'REQUEST_SUSPENDED'; readonly requestId: string })
  | (EventHeader & { readonly kind: 'REQUEST_RESUMED'; readonly requestId: string })
  | (EventHeader & { readonly kind: 'REQUEST_CLOSED'; readonly requestId: string })
  | (EventHeader & { readonly kind: 'CASE_UPDATED' })
  | (EventHeader & { readonly kind: 'VICTIM_REFERRED'; readonly victimCount: number })
  | (EventHeader & { readonly kind: 'CASE_CLOSED'; readonly outcome: CaseOutcome });

export type CaseEventKind = CaseEvent['kind'];

/** Why a transition was refused; stable codes for the HTTP filter and the dead-letter reason. */
export const CASE_REFUSAL_CODES = [
  'ALREADY_APPLIED',
  'CASE_NOT_OPEN',
  'CASE_ALREADY_OPEN',
  'CASE_CLOSED',
  'CASE_MISMATCH',
  'EVENT_BEFORE_LAST',
  'INVALID_EVENT',
  'NOT_CASE_LEAD',
  'NOT_PARTICIPANT',
  'ALREADY_PARTICIPANT',
  'ALREADY_INVITED',
  'NOT_INVITED',
  'LEAD_CANNOT_LEAVE',
  'OPEN_REQUESTS',
  'REQUEST_EXISTS',
  'UNKNOWN_REQUEST',
  'ADDRESSEE_NOT_PARTICIPANT',
  'INSTRUMENT_REQUIRED',
  'INSTRUMENT_NOT_ALLOWED',
  'NO_CALENDAR',
  'NOT_REQUESTED_AGENCY',
  'NOT_REQUESTER',
  'REQUEST_CLOSED',
  'REQUEST_SUSPENDED',
  'REQUEST_NOT_SUSPENDED',
  'ILLEGAL_TRANSITION',
  'NOT_ANSWERABLE',
  'REASON_REQUIRED',
] as const;
export type CaseRefusalCode = (typeof CASE_REFUSAL_CODES)[number];
