/** Which clock alerts a case raises, for whom, and when it raises none. */
import {
  calendarFor,
  clockAlertKey,
  clockAlerts,
  replayCase,
  type CaseEvent,
  type CaseState,
} from '@liaison/cases';
import { HOUR, T0, ev, to } from '../test/case-events';

const NL = 'nl-knp';
const DE = 'de-bka';
const RO = 'ro-diicot';

const opened: CaseEvent[] = [
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
];

function stateOf(...more: CaseEvent[]): CaseState {
  const replay = replayCase([...opened, ...more]);
  expect(replay.refused).toEqual([]);
  return replay.state;
}

const alertsAt = (state: CaseState, now: number) =>
  clockAlerts(state, now, calendarFor).map((a) => [a.alert, a.requestedAgency, a.recipients]);

describe('clock alerts', () => {
  it('raises nothing while a clock runs, DEADLINE_APPROACHING in its lead, OVERDUE after', () => {
    const state = stateOf();
    expect(alertsAt(state, T0 + 2 * HOUR)).toEqual([]);
    // Sent at T0 + 1 h, due 8 hours later, approaching from 2 hours before.
    expect(alertsAt(state, T0 + 7 * HOUR)).toEqual([
      ['DEADLINE_APPROACHING', DE, [NL, DE]],
      ['DEADLINE_APPROACHING', RO, [NL, RO]],
    ]);
    expect(alertsAt(state, T0 + 9 * HOUR)).toEqual([
      ['OVERDUE', DE, [NL, DE]],
      ['OVERDUE', RO, [NL, RO]],
    ]);
  });

  it('tells of a late answer as OVERDUE, and of an answer in time nothing', () => {
    const late = stateOf(
      ev('REQUEST_ACKNOWLEDGED', { by: DE, at: T0 + 2 * HOUR }, { requestId: 'urgent' }),
      ev('REQUEST_ACCEPTED', { by: DE, at: T0 + 2 * HOUR + 1 }, { requestId: 'urgent' }),
      ev('REQUEST_ACKNOWLEDGED', { by: RO, at: T0 + 2 * HOUR + 2 }, { requestId: 'urgent' }),
      ev('REQUEST_REFUSED', { by: RO, at: T0 + 3 * HOUR }, { requestId: 'urgent', reason: 'no' }),
      ev(
        'REQUEST_ANSWERED',
        { by: DE, at: T0 + 10 * HOUR },
        { requestId: 'urgent', completeness: 'COMPLETE' },
      ),
    );
    expect(alertsAt(late, T0 + 11 * HOUR)).toEqual([['OVERDUE', DE, [NL, DE]]]);
  });

  it('raises nothing while the request is suspended, and the due instant moves on resume', () => {
    const suspended = stateOf(
      ev('REQUEST_SUSPENDED', { by: NL, at: T0 + 2 * HOUR }, { requestId: 'urgent' }),
    );
    expect(alertsAt(suspended, T0 + 20 * HOUR)).toEqual([]);
    const resumed = stateOf(
      ev('REQUEST_SUSPENDED', { by: NL, at: T0 + 2 * HOUR }, { requestId: 'urgent' }),
      ev('REQUEST_RESUMED', { by: NL, at: T0 + 12 * HOUR }, { requestId: 'urgent' }),
    );
    // Ten hours suspended: due at T0 + 19 h, approaching from T0 + 17 h.
    expect(alertsAt(resumed, T0 + 16 * HOUR)).toEqual([]);
    const approaching = clockAlerts(resumed, T0 + 18 * HOUR, calendarFor);
    expect(approaching.map((a) => a.alert)).toEqual([
      'DEADLINE_APPROACHING',
      'DEADLINE_APPROACHING',
    ]);
    expect(approaching[0]?.dueAt).toBe(T0 + 19 * HOUR);
  });

  it('raises nothing for a request the requester closed before it fell due', () => {
    const closed = stateOf(
      ev('REQUEST_CLOSED', { by: NL, at: T0 + 2 * HOUR }, { requestId: 'urgent' }),
    );
    expect(alertsAt(closed, T0 + 20 * HOUR)).toEqual([]);
  });

  it('keys an alert by recipient, request, leg, clock and kind, not by its due instant', () => {
    const [a] = clockAlerts(stateOf(), T0 + 9 * HOUR, calendarFor);
    const [b] = clockAlerts(stateOf(), T0 + 30 * HOUR, calendarFor);
    if (a === undefined || b === undefined) throw new Error('expected alerts');
    expect(clockAlertKey(a, NL)).toEqual(clockAlertKey(b, NL));
    expect(clockAlertKey(a, NL)).not.toEqual(clockAlertKey(a, DE));
  });
});
