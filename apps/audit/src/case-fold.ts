/**
 * Folds the case notices of a ledger batch into the cases they belong to
 * (libs/cases), in the batch's order. A notice the state machine refuses is
 * not applied: it becomes a refusal row with its code and reason, and a
 * REFUSAL entry in the law-enforcement log for oversight. A notice already
 * folded in (redelivered) is neither applied again nor refused.
 */
import {
  applyCaseEvent,
  caseEventOf,
  NO_CASE,
  type CaseRefusalCode,
  type CaseState,
} from '@liaison/cases';
import { parseMessage, type Decision } from '@liaison/contracts';
import { readSdJwtClaims } from '@liaison/ledger';
import { refusalLogEntry, type CaseEventRefusal, type LeLogEntry } from '@liaison/persistence';
import { messageJsonOf } from '@liaison/messages';
import { originatorSdJwt } from './decision-records';

export interface CaseFold {
  /** The cases the batch changed, by caseRef, in their new state. */
  readonly changed: ReadonlyMap<string, CaseState>;
  readonly refusals: readonly CaseEventRefusal[];
}

/** The case notices of a batch that name a case, in order. */
export function caseNoticeDecisions(decisions: Iterable<Decision>): Decision[] {
  return [...decisions].filter((d) => d.kind === 'CASE_NOTICE' && d.caseRef !== null);
}

/** Fold `decisions` (case notices) into `states` (the cases as stored; absent: not yet opened). */
export function foldCaseNotices(
  decisions: readonly Decision[],
  states: ReadonlyMap<string, CaseState>,
): CaseFold {
  const changed = new Map<string, CaseState>();
  const refusals: CaseEventRefusal[] = [];
  for (const decision of decisions) {
    const caseRef = decision.caseRef;
    if (caseRef === null) continue;
    const state = changed.get(caseRef) ?? states.get(caseRef) ?? NO_CASE;
    const refuse = (code: CaseRefusalCode, reason: string): void => {
      refusals.push({
        messageId: decision.messageId.toLowerCase(),
        caseRef,
        agency: decision.originatorAgency,
        code,
        reason,
        occurredAt: decision.decidedAt,
      });
    };
    let notice;
    try {
      const claims = readSdJwtClaims(originatorSdJwt(decision)).claims;
      notice = parseMessage('CASE_NOTICE', messageJsonOf(claims));
    } catch (error) {
      refuse('INVALID_EVENT', `the notice could not be read: ${(error as Error).message}`);
      continue;
    }
    const jurisdictions = new Map(
      decision.outcomes.map((o) => [o.recipientAgency, o.recipientJurisdiction]),
    );
    jurisdictions.set(decision.originatorAgency, decision.originatorJurisdiction);
    const reading = caseEventOf(notice, (agency) => jurisdictions.get(agency) ?? null);
    if (!reading.ok) {
      refuse(reading.code, reading.reason);
      continue;
    }
    const next = applyCaseEvent(state, reading.event);
    if (next.ok) changed.set(caseRef, next.state);
    else if (next.code !== 'ALREADY_APPLIED') refuse(next.code, next.reason);
  }
  return { changed, refusals };
}

/** The oversight entry for a refused case notice: metadata only, the acting agency's to read. */
export function caseRefusalLogEntry(refusal: CaseEventRefusal): LeLogEntry {
  return refusalLogEntry({
    stage: 'case',
    reasonCode: refusal.code,
    status: null,
    agency: refusal.agency,
    attribution: 'verified',
    keyId: null,
    messageKeyId: null,
    messageId: refusal.messageId,
    correlationId: null,
    source: `case/${refusal.caseRef}`,
    refusedAt: refusal.occurredAt,
  });
}
