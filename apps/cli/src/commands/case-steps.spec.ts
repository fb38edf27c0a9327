/** Case steps are built as notices and checked against the state machine before signing. */
import { calendarFor, caseView, replayCase, type CaseView } from '@liaison/cases';
import { HOUR, T0, ev, to } from '../../../../libs/cases/test/case-events';
import { caseNoticeOf, checkCaseStep, type CaseStep } from './case-steps';

const NL = 'nl-knp';
const DE = 'de-bka';
const FR = 'fr-ocriest';
const CASE = 'NL-KNP-2026-007';
const jurisdictions = new Map([
  [NL, 'NL'],
  [DE, 'DE'],
  [FR, 'FR'],
]);
const jurisdictionOf = (a: string): string | null => jurisdictions.get(a) ?? null;

const state = replayCase([
  ev('CASE_OPENED', { by: NL, at: T0 }, { jurisdiction: 'NL' }),
  ev('PARTICIPANT_INVITED', { by: NL, at: T0 + 1 }, { agency: DE }),
  ev('INVITATION_ACCEPTED', { by: DE, at: T0 + 2 }, {}),
  ev('PARTICIPANT_INVITED', { by: NL, at: T0 + 3 }, { agency: FR }),
  ev(
    'REQUEST_SENT',
    { eventId: '6f1c2a4e-0000-4000-8000-000000000001', by: NL, at: T0 + HOUR },
    {
      requestId: '6f1c2a4e-0000-4000-8000-000000000001',
      requestKind: 'ASSISTANCE',
      to: [to(DE, 'DE')],
      instrument: { kind: 'EIO' },
    },
  ),
]).state;
const REQUEST = '6f1c2a4e-0000-4000-8000-000000000001';

function viewOf(agency: string): CaseView {
  const view = caseView(state, agency, T0 + 2 * HOUR, calendarFor);
  if (view === null) throw new Error(`${agency} cannot read the case`);
  return view;
}

function check(agency: string, step: CaseStep, view: CaseView | null = viewOf(agency)) {
  const notice = caseNoticeOf(step, {
    agency,
    caseRef: CASE,
    view,
    now: new Date(T0 + 2 * HOUR),
    tlp: 'AMBER',
  });
  return { notice, check: checkCaseStep(notice, view, jurisdictionOf) };
}

describe('case steps', () => {
  it('opens a case where the hub shows none', () => {
    const { notice, check: result } = check(
      NL,
      { kind: 'open', title: null, jurisdictions: ['NL'] },
      null,
    );
    expect(result).toEqual({ ok: true });
    expect(notice).toMatchObject({ messageType: 'CASE_OPENED', caseRef: CASE, transition: null });
  });

  it('addresses a step to its counterpart: the requester hears its requested agency', () => {
    const { notice, check: result } = check(DE, {
      kind: 'request-step',
      action: 'ACKNOWLEDGE',
      requestId: REQUEST,
      reason: null,
    });
    expect(result).toEqual({ ok: true });
    expect(notice).toMatchObject({
      messageType: 'CASE_UPDATE',
      requestedAgencies: [NL],
      transition: { action: 'ACKNOWLEDGE', requestMessageId: REQUEST },
    });
  });

  it('names the counterparts as recipients of a TLP:RED step, which reaches named agencies only', () => {
    const step: CaseStep = {
      kind: 'request-step',
      action: 'ACKNOWLEDGE',
      requestId: REQUEST,
      reason: null,
    };
    const red = caseNoticeOf(step, {
      agency: DE,
      caseRef: CASE,
      view: viewOf(DE),
      now: new Date(T0 + 2 * HOUR),
      tlp: 'RED',
    });
    expect(red).toMatchObject({
      requestedAgencies: [NL],
      handling: { tlp: 'RED', namedRecipients: [NL] },
    });
    expect(check(DE, step).notice).toMatchObject({
      handling: { tlp: 'AMBER', namedRecipients: [] },
    });
    const jit = caseNoticeOf(
      {
        kind: 'jit',
        to: [DE],
        legalBasis: 'Art. 13 EU MLA Convention 2000',
        proposedStart: new Date(T0 + 24 * HOUR).toISOString(),
        durationMonths: 6,
      },
      { agency: NL, caseRef: CASE, view: viewOf(NL), now: new Date(T0 + 2 * HOUR), tlp: 'RED' },
    );
    expect(jit).toMatchObject({ requestedAgencies: [], handling: { namedRecipients: [DE] } });
  });

  it('lets an invited agency accept from what it sees of the invitation', () => {
    expect(check(FR, { kind: 'accept-invitation' }).check).toEqual({ ok: true });
  });

  it('refers victims as a VICTIM_REFERRED addressed to the other participants and the support organisation', () => {
    const step: CaseStep = {
      kind: 'refer',
      supportAgency: 'ngo-safehaven',
      victimCount: 3,
      minorCount: 1,
      services: ['SHELTER', 'MEDICAL'],
    };
    const { notice, check: result } = check(DE, step);
    expect(result).toEqual({ ok: true });
    expect(notice).toMatchObject({
      messageType: 'VICTIM_REFERRED',
      caseRef: CASE,
      requestedAgencies: [NL, 'ngo-safehaven'],
      referral: {
        supportAgency: 'ngo-safehaven',
        victimCount: 3,
        minorCount: 1,
        services: ['SHELTER', 'MEDICAL'],
      },
      handling: { purposes: ['INVESTIGATION', 'VICTIM_SUPPORT'] },
      transition: null,
      subjects: [],
    });
    // Only a participant refers: FR is invited, not yet in.
    expect(check(FR, step, viewOf(FR)).check).toMatchObject({
      ok: false,
      code: 'NOT_PARTICIPANT',
    });
  });

  it('refuses locally, with the state machine code, what the hub would refuse', () => {
    expect(check(DE, { kind: 'invite', agency: FR }).check).toMatchObject({
      ok: false,
      code: 'NOT_CASE_LEAD',
    });
    expect(
      check(DE, { kind: 'request-step', action: 'ACCEPT', requestId: REQUEST, reason: null }).check,
    ).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    expect(
      check(NL, {
        kind: 'request',
        to: [FR],
        instrument: 'IED_NON_URGENT',
        deadlineAt: null,
        deadlineWorkingDays: null,
        ask: 'subscriber data',
      }).check,
    ).toMatchObject({ ok: false, code: 'ADDRESSEE_NOT_PARTICIPANT' });
    expect(check(NL, { kind: 'close', outcome: 'CONVICTION' }).check).toMatchObject({
      ok: false,
      code: 'OPEN_REQUESTS',
    });
  });
});
