/** What each agency may read of a case: participants only, requests it is party to, its own leg. */
import { calendarFor, caseSummary, caseView, replayCase, type CaseEvent } from '@liaison/cases';
import { HOUR, T0, ev, to } from '../test/case-events';

const NL = 'nl-knp';
const DE = 'de-bka';
const RO = 'ro-diicot';
const FR = 'fr-ocriest';

function events(answerAfter: number): CaseEvent[] {
  return [
    ev('CASE_OPENED', { by: NL, at: T0 }, { jurisdiction: 'NL' }),
    ev('PARTICIPANT_INVITED', { by: NL, at: T0 + 1 }, { agency: DE }),
    ev('PARTICIPANT_INVITED', { by: NL, at: T0 + 2 }, { agency: RO }),
    ev('INVITATION_ACCEPTED', { by: DE, at: T0 + 3 }, {}),
    ev('INVITATION_ACCEPTED', { by: RO, at: T0 + 4 }, {}),
    ev(
      'REQUEST_SENT',
      { by: NL, at: T0 + HOUR },
      {
        requestId: 'urgent',
        requestKind: 'ASSISTANCE',
        to: [to(DE, 'DE'), to(RO, 'RO')],
        instrument: { kind: 'IED_URGENT_DIRECT' },
      },
    ),
    ev('REQUEST_ACKNOWLEDGED', { by: DE, at: T0 + HOUR + 1 }, { requestId: 'urgent' }),
    ev('REQUEST_ACCEPTED', { by: DE, at: T0 + HOUR + 2 }, { requestId: 'urgent' }),
    ev(
      'REQUEST_ANSWERED',
      { by: DE, at: T0 + HOUR + answerAfter },
      { requestId: 'urgent', completeness: 'COMPLETE' },
    ),
  ];
}

function stateOf(answerAfter: number) {
  const replay = replayCase(events(answerAfter));
  expect(replay.refused).toEqual([]);
  return replay.state;
}

describe('case view', () => {
  const now = T0 + 12 * HOUR;

  it('marks an answer after the deadline overdue for the requester and the late agency', () => {
    const state = stateOf(10 * HOUR);
    const lead = caseView(state, NL, now, calendarFor);
    if (lead === null) throw new Error('the lead cannot read its case');
    expect(lead.requests[0]?.clocks.map((c) => [c.agency, c.status, c.deadline])).toEqual([
      [DE, 'MET_LATE', 'overdue'],
      [RO, 'OVERDUE', 'overdue'],
    ]);
    expect(lead.requests[0]?.clocks[0]?.dueAt).toBe(new Date(T0 + 9 * HOUR).toISOString());
    const de = caseView(state, DE, now, calendarFor);
    expect(de?.requests[0]?.legs.map((l) => l.agency)).toEqual([DE]);
    expect(de?.requests[0]?.deadline).toBe('overdue');
    expect(caseSummary(lead, state.lastEventAt)).toMatchObject({ openRequests: 1, overdue: 1 });
  });

  it('marks a timely answer ok and a clock within two hours of its due instant approaching', () => {
    const state = stateOf(HOUR);
    const de = caseView(state, DE, now, calendarFor);
    expect(de?.requests[0]?.deadline).toBe('ok');
    const ro = caseView(state, RO, T0 + HOUR + 7 * HOUR, calendarFor);
    expect(ro?.requests[0]?.clocks.map((c) => [c.agency, c.deadline])).toEqual([
      [RO, 'approaching'],
    ]);
  });

  it('shows nothing to an agency outside the case', () => {
    expect(caseView(stateOf(HOUR), FR, now, calendarFor)).toBeNull();
  });

  it('shows an invited agency its invitation, not who takes part nor any request', () => {
    const invited = replayCase(
      [ev('PARTICIPANT_INVITED', { by: NL, at: T0 + 3 * HOUR }, { agency: FR })],
      stateOf(HOUR),
    );
    expect(invited.refused).toEqual([]);
    const fr = caseView(invited.state, FR, now, calendarFor);
    expect(fr).toMatchObject({
      membership: 'INVITED',
      lead: NL,
      participants: [],
      invited: [FR],
      requests: [],
    });
    expect(caseView(invited.state, NL, now, calendarFor)).toMatchObject({
      membership: 'PARTICIPANT',
      participants: [NL, DE, RO],
      invited: [FR],
    });
  });
});
