/**
 * Reads a decoded CaseNotice (the signed message) as the case event it records:
 * the notice's id, case, originator and issue time become the event's header;
 * its type, instrument and transition become the event. The state machine then
 * decides whether the event may be applied.
 */
import type { CaseNotice, RequestInstrument } from '@liaison/contracts';
import type { Addressee, CaseEvent, CaseRefusalCode } from './case-event';
import type { Instrument } from './legal-instrument';

export type CaseNoticeReading =
  | { readonly ok: true; readonly event: CaseEvent }
  | { readonly ok: false; readonly code: CaseRefusalCode; readonly reason: string };

function invalid(reason: string): CaseNoticeReading {
  return { ok: false, code: 'INVALID_EVENT', reason };
}

/** The case event a notice records; `jurisdictionOf` comes from the directory. */
export function caseEventOf(
  notice: CaseNotice,
  jurisdictionOf: (agency: string) => string | null,
): CaseNoticeReading {
  const at = Date.parse(notice.issuedAt);
  if (!Number.isFinite(at)) return invalid('issuedAt is not an instant');
  const header = {
    eventId: notice.messageId,
    caseRef: notice.caseRef,
    by: notice.originatorAgency,
    at,
  };
  const addressees = (agencies: readonly string[]): Addressee[] | string => {
    const out: Addressee[] = [];
    for (const agency of agencies) {
      const jurisdiction = jurisdictionOf(agency);
      if (jurisdiction === null) return `no jurisdiction is known for ${agency}`;
      out.push({ agency, jurisdiction });
    }
    return out;
  };
  const ok = (event: CaseEvent): CaseNoticeReading => ({ ok: true, event });
  switch (notice.messageType) {
    case 'CASE_OPENED': {
      const jurisdiction = jurisdictionOf(notice.originatorAgency);
      if (jurisdiction === null)
        return invalid(`no jurisdiction is known for ${notice.originatorAgency}`);
      return ok({ ...header, kind: 'CASE_OPENED', jurisdiction });
    }
    case 'ASSISTANCE_REQUEST': {
      const to = addressees(notice.requestedAgencies);
      if (typeof to === 'string') return invalid(to);
      const instrument = notice.instrument === null ? null : instrumentOf(notice.instrument);
      if (typeof instrument === 'string') return invalid(instrument);
      return ok({
        ...header,
        kind: 'REQUEST_SENT',
        requestId: notice.messageId,
        requestKind: 'ASSISTANCE',
        to,
        instrument,
      });
    }
    case 'JIT_PROPOSED': {
      const to = addressees(notice.jitProposal.partnerAgencies);
      if (typeof to === 'string') return invalid(to);
      return ok({
        ...header,
        kind: 'REQUEST_SENT',
        requestId: notice.messageId,
        requestKind: 'JIT',
        to,
        instrument: null,
      });
    }
    case 'CASE_UPDATE':
      return notice.transition === null
        ? ok({ ...header, kind: 'CASE_UPDATED' })
        : transitionOf(notice, header);
    case 'VICTIM_REFERRED':
      return ok({ ...header, kind: 'VICTIM_REFERRED', victimCount: notice.referral.victimCount });
    case 'CASE_CLOSED':
      return ok({ ...header, kind: 'CASE_CLOSED', outcome: notice.outcome });
  }
}

function instrumentOf(instrument: RequestInstrument): Instrument | string {
  if (instrument.kind !== 'BILATERAL') {
    return instrument.deadlineAt === null && instrument.deadlineWorkingDays === null
      ? { kind: instrument.kind }
      : 'only a bilateral request states its own deadline';
  }
  if (instrument.deadlineAt !== null && instrument.deadlineWorkingDays === null) {
    const at = Date.parse(instrument.deadlineAt);
    return Number.isFinite(at)
      ? { kind: 'BILATERAL', deadline: { kind: 'AT', at } }
      : 'deadlineAt is not an instant';
  }
  if (instrument.deadlineAt === null && instrument.deadlineWorkingDays !== null) {
    return {
      kind: 'BILATERAL',
      deadline: { kind: 'WORKING_DAYS', days: instrument.deadlineWorkingDays },
    };
  }
  return 'a bilateral request states its deadline once: deadlineAt or deadlineWorkingDays';
}

type Header = {
  readonly eventId: string;
  readonly caseRef: string;
  readonly by: string;
  readonly at: number;
};

function transitionOf(notice: CaseNotice, header: Header): CaseNoticeReading {
  const transition = notice.transition;
  if (transition === null) return invalid('no transition');
  const ok = (event: CaseEvent): CaseNoticeReading => ({ ok: true, event });
  const requestId = transition.requestMessageId;
  const onRequest = (make: (requestId: string) => CaseEvent): CaseNoticeReading =>
    requestId === null
      ? invalid(`${transition.action} names the request it acts on`)
      : ok(make(requestId));
  switch (transition.action) {
    case 'INVITE': {
      const [agency, ...more] = notice.requestedAgencies;
      if (agency === undefined || more.length > 0)
        return invalid('INVITE names exactly one agency');
      return ok({ ...header, kind: 'PARTICIPANT_INVITED', agency });
    }
    case 'ACCEPT_INVITATION':
      return ok({ ...header, kind: 'INVITATION_ACCEPTED' });
    case 'DECLINE_INVITATION':
      return ok({ ...header, kind: 'INVITATION_DECLINED' });
    case 'LEAVE':
      return ok({ ...header, kind: 'PARTICIPANT_LEFT' });
    case 'ACKNOWLEDGE':
      return onRequest((id) => ({ ...header, kind: 'REQUEST_ACKNOWLEDGED', requestId: id }));
    case 'ACCEPT':
      return onRequest((id) => ({ ...header, kind: 'REQUEST_ACCEPTED', requestId: id }));
    case 'REFUSE':
      return onRequest((id) => ({
        ...header,
        kind: 'REQUEST_REFUSED',
        requestId: id,
        reason: transition.reason ?? '',
      }));
    case 'ANSWER_PARTIAL':
    case 'ANSWER_COMPLETE':
      return onRequest((id) => ({
        ...header,
        kind: 'REQUEST_ANSWERED',
        requestId: id,
        completeness: transition.action === 'ANSWER_COMPLETE' ? 'COMPLETE' : 'PARTIAL',
      }));
    case 'SUSPEND':
      return onRequest((id) => ({ ...header, kind: 'REQUEST_SUSPENDED', requestId: id }));
    case 'RESUME':
      return onRequest((id) => ({ ...header, kind: 'REQUEST_RESUMED', requestId: id }));
    case 'CLOSE_REQUEST':
      return onRequest((id) => ({ ...header, kind: 'REQUEST_CLOSED', requestId: id }));
  }
}
