/** The case state machine on worked examples: a full case, and each refusal code. */
import { applyCaseEvent, replayCase, type CaseEvent, type CaseState } from '@liaison/cases';
import { DAY, HOUR, T0, ev, to } from '../test/case-events';

const NL = 'nl-knp';
const DE = 'de-bka';
const RO = 'ro-diicot';
const FR = 'fr-ocriest';

function opened(): CaseEvent[] {
  return [
    ev('CASE_OPENED', { by: NL, at: T0 }, { jurisdiction: 'NL' }),
    ev('PARTICIPANT_INVITED', { by: NL, at: T0 + 1 }, { agency: DE }),
    ev('PARTICIPANT_INVITED', { by: NL, at: T0 + 2 }, { agency: RO }),
    ev('INVITATION_ACCEPTED', { by: DE, at: T0 + HOUR }, {}),
    ev('INVITATION_ACCEPTED', { by: RO, at: T0 + 2 * HOUR }, {}),
  ];
}

function stateOf(events: CaseEvent[]): CaseState {
  const replay = replayCase(events);
  expect(replay.refused).toEqual([]);
  return replay.state;
}

function refusal(state: CaseState, event: CaseEvent): string {
  const result = applyCaseEvent(state, event);
  if (result.ok) throw new Error(`expected ${event.kind} to be refused`);
  expect(result.reason.length).toBeGreaterThan(0);
  return result.code;
}

describe('case lifecycle', () => {
  it('runs a case from opening through a JIT and two requests to a conviction', () => {
    const eio = { kind: 'EIO' } as const;
    const events = [
      ...opened(),
      ev(
        'REQUEST_SENT',
        { by: NL, at: T0 + DAY },
        {
          requestId: 'jit',
          requestKind: 'JIT',
          to: [to(DE, 'DE'), to(RO, 'RO')],
          instrument: null,
        },
      ),
      ev('REQUEST_ACKNOWLEDGED', { by: DE, at: T0 + DAY + 1 }, { requestId: 'jit' }),
      ev('REQUEST_ACCEPTED', { by: DE, at: T0 + DAY + 2 }, { requestId: 'jit' }),
      ev('REQUEST_ACKNOWLEDGED', { by: RO, at: T0 + DAY + 3 }, { requestId: 'jit' }),
      ev('REQUEST_ACCEPTED', { by: RO, at: T0 + DAY + 4 }, { requestId: 'jit' }),
      ev(
        'REQUEST_SENT',
        { by: NL, at: T0 + 2 * DAY },
        {
          requestId: 'r1',
          requestKind: 'ASSISTANCE',
          to: [to(DE, 'DE')],
          instrument: eio,
        },
      ),
      ev('REQUEST_ACKNOWLEDGED', { by: DE, at: T0 + 2 * DAY + HOUR }, { requestId: 'r1' }),
      ev(
        'REQUEST_REFUSED',
        { by: DE, at: T0 + 3 * DAY },
        {
          requestId: 'r1',
          reason: 'dual criminality not met',
        },
      ),
      ev('REQUEST_CLOSED', { by: NL, at: T0 + 3 * DAY + 1 }, { requestId: 'r1' }),
      ev(
        'REQUEST_SENT',
        { by: NL, at: T0 + 4 * DAY },
        {
          requestId: 'r2',
          requestKind: 'ASSISTANCE',
          to: [to(RO, 'RO')],
          instrument: { kind: 'IED_NON_URGENT' },
        },
      ),
      ev('REQUEST_ACKNOWLEDGED', { by: RO, at: T0 + 4 * DAY + 1 }, { requestId: 'r2' }),
      ev('REQUEST_SUSPENDED', { by: NL, at: T0 + 5 * DAY }, { requestId: 'r2' }),
      ev('REQUEST_RESUMED', { by: NL, at: T0 + 6 * DAY }, { requestId: 'r2' }),
      ev('REQUEST_ACCEPTED', { by: RO, at: T0 + 6 * DAY + 1 }, { requestId: 'r2' }),
      ev(
        'REQUEST_ANSWERED',
        { by: RO, at: T0 + 7 * DAY },
        {
          requestId: 'r2',
          completeness: 'PARTIAL',
        },
      ),
      ev(
        'REQUEST_ANSWERED',
        { by: RO, at: T0 + 9 * DAY },
        {
          requestId: 'r2',
          completeness: 'COMPLETE',
        },
      ),
      ev('REQUEST_CLOSED', { by: NL, at: T0 + 10 * DAY }, { requestId: 'r2' }),
      ev('REQUEST_CLOSED', { by: NL, at: T0 + 10 * DAY + 1 }, { requestId: 'jit' }),
      ev('VICTIM_REFERRED', { by: RO, at: T0 + 11 * DAY }, { victimCount: 3 }),
      ev('CASE_CLOSED', { by: NL, at: T0 + 20 * DAY }, { outcome: 'CONVICTION' }),
    ];
    const state = stateOf(events);
    expect(state.status).toBe('CLOSED');
    expect(state.outcome).toBe('CONVICTION');
    expect(state.participants).toEqual([NL, DE, RO]);
    const [jit, r1, r2] = state.requests;
    expect(jit?.agreedAt).toBe(T0 + DAY + 4);
    expect(r1?.legs[0]).toMatchObject({
      status: 'REFUSED',
      refusalReason: 'dual criminality not met',
    });
    expect(r2?.suspensions).toEqual([{ from: T0 + 5 * DAY, to: T0 + 6 * DAY }]);
    expect(r2?.legs[0]).toMatchObject({
      status: 'ANSWERED_COMPLETE',
      firstAnswerAt: T0 + 7 * DAY,
      completedAt: T0 + 9 * DAY,
    });
    expect(state.victimsReferred).toBe(3);
    expect(state.appliedEventIds).toHaveLength(events.length);
  });

  it('makes a JIT an agreement only when every invited agency accepted', () => {
    const base = stateOf([
      ...opened(),
      ev(
        'REQUEST_SENT',
        { by: NL, at: T0 + DAY },
        {
          requestId: 'jit',
          requestKind: 'JIT',
          to: [to(DE, 'DE'), to(RO, 'RO')],
          instrument: null,
        },
      ),
      ev('REQUEST_ACKNOWLEDGED', { by: DE, at: T0 + DAY }, { requestId: 'jit' }),
      ev('REQUEST_ACCEPTED', { by: DE, at: T0 + DAY }, { requestId: 'jit' }),
      ev('REQUEST_ACKNOWLEDGED', { by: RO, at: T0 + DAY }, { requestId: 'jit' }),
      ev('REQUEST_REFUSED', { by: RO, at: T0 + DAY }, { requestId: 'jit', reason: 'no capacity' }),
    ]);
    expect(base.requests[0]?.agreedAt).toBeNull();
    expect(
      refusal(
        base,
        ev(
          'REQUEST_ANSWERED',
          { by: DE, at: T0 + DAY },
          { requestId: 'jit', completeness: 'COMPLETE' },
        ),
      ),
    ).toBe('NOT_ANSWERABLE');
  });

  it('refuses each illegal move with its own code', () => {
    const none = replayCase([]).state;
    const open = stateOf(opened());
    const withRequest = stateOf([
      ...opened(),
      ev(
        'REQUEST_SENT',
        { by: NL, at: T0 + DAY },
        {
          requestId: 'r1',
          requestKind: 'ASSISTANCE',
          to: [to(DE, 'DE')],
          instrument: { kind: 'PRUM_FOLLOW_UP' },
        },
      ),
    ]);
    const later = T0 + 2 * DAY;
    const cases: [CaseState, CaseEvent, string][] = [
      [none, ev('CASE_UPDATED', { by: NL, at: later }, {}), 'CASE_NOT_OPEN'],
      [open, ev('CASE_OPENED', { by: DE, at: later }, { jurisdiction: 'DE' }), 'CASE_ALREADY_OPEN'],
      [open, ev('CASE_UPDATED', { by: NL, at: later, caseRef: 'OTHER-1' }, {}), 'CASE_MISMATCH'],
      [open, ev('CASE_UPDATED', { by: NL, at: T0 }, {}), 'EVENT_BEFORE_LAST'],
      [open, ev('CASE_UPDATED', { by: 'NL KNP', at: later }, {}), 'INVALID_EVENT'],
      [open, ev('PARTICIPANT_INVITED', { by: DE, at: later }, { agency: FR }), 'NOT_CASE_LEAD'],
      [
        open,
        ev('PARTICIPANT_INVITED', { by: NL, at: later }, { agency: DE }),
        'ALREADY_PARTICIPANT',
      ],
      [open, ev('INVITATION_ACCEPTED', { by: FR, at: later }, {}), 'NOT_INVITED'],
      [open, ev('PARTICIPANT_LEFT', { by: NL, at: later }, {}), 'LEAD_CANNOT_LEAVE'],
      [open, ev('PARTICIPANT_LEFT', { by: FR, at: later }, {}), 'NOT_PARTICIPANT'],
      [withRequest, ev('PARTICIPANT_LEFT', { by: DE, at: later }, {}), 'OPEN_REQUESTS'],
      [
        withRequest,
        ev('CASE_CLOSED', { by: NL, at: later }, { outcome: 'DISMISSED' }),
        'OPEN_REQUESTS',
      ],
      [open, ev('CASE_CLOSED', { by: DE, at: later }, { outcome: 'DISMISSED' }), 'NOT_CASE_LEAD'],
      [
        open,
        ev(
          'REQUEST_SENT',
          { by: NL, at: later },
          {
            requestId: 'r9',
            requestKind: 'ASSISTANCE',
            to: [to(FR, 'FR')],
            instrument: { kind: 'EIO' },
          },
        ),
        'ADDRESSEE_NOT_PARTICIPANT',
      ],
      [
        open,
        ev(
          'REQUEST_SENT',
          { by: NL, at: later },
          {
            requestId: 'r9',
            requestKind: 'ASSISTANCE',
            to: [to(DE, 'DE')],
            instrument: null,
          },
        ),
        'INSTRUMENT_REQUIRED',
      ],
      [
        open,
        ev(
          'REQUEST_SENT',
          { by: NL, at: later },
          {
            requestId: 'r9',
            requestKind: 'JIT',
            to: [to(DE, 'DE')],
            instrument: { kind: 'EIO' },
          },
        ),
        'INSTRUMENT_NOT_ALLOWED',
      ],
      [
        open,
        ev(
          'REQUEST_SENT',
          { by: NL, at: later },
          {
            requestId: 'r9',
            requestKind: 'ASSISTANCE',
            to: [to(DE, 'DE')],
            instrument: { kind: 'BILATERAL', deadline: { kind: 'AT', at: T0 } },
          },
        ),
        'INVALID_EVENT',
      ],
      [
        withRequest,
        ev(
          'REQUEST_SENT',
          { by: NL, at: later },
          {
            requestId: 'r1',
            requestKind: 'ASSISTANCE',
            to: [to(DE, 'DE')],
            instrument: { kind: 'EIO' },
          },
        ),
        'REQUEST_EXISTS',
      ],
      [
        open,
        ev(
          'REQUEST_SENT',
          { by: NL, at: later },
          {
            requestId: 'r9',
            requestKind: 'ASSISTANCE',
            to: [to(DE, 'XX')],
            instrument: { kind: 'EIO' },
          },
        ),
        'NO_CALENDAR',
      ],
      [
        withRequest,
        ev('REQUEST_ACKNOWLEDGED', { by: DE, at: later }, { requestId: 'r2' }),
        'UNKNOWN_REQUEST',
      ],
      [
        withRequest,
        ev('REQUEST_ACKNOWLEDGED', { by: RO, at: later }, { requestId: 'r1' }),
        'NOT_REQUESTED_AGENCY',
      ],
      [
        withRequest,
        ev('REQUEST_ACCEPTED', { by: DE, at: later }, { requestId: 'r1' }),
        'ILLEGAL_TRANSITION',
      ],
      [
        withRequest,
        ev('REQUEST_REFUSED', { by: DE, at: later }, { requestId: 'r1', reason: '  ' }),
        'REASON_REQUIRED',
      ],
      [
        withRequest,
        ev('REQUEST_CLOSED', { by: DE, at: later }, { requestId: 'r1' }),
        'NOT_REQUESTER',
      ],
      [
        withRequest,
        ev('REQUEST_RESUMED', { by: NL, at: later }, { requestId: 'r1' }),
        'REQUEST_NOT_SUSPENDED',
      ],
    ];
    for (const [state, event, code] of cases)
      expect([event.kind, refusal(state, event)]).toEqual([event.kind, code]);
  });

  it('refuses moves on suspended and closed requests and on a closed case', () => {
    const sent = [
      ...opened(),
      ev(
        'REQUEST_SENT',
        { by: NL, at: T0 + DAY },
        {
          requestId: 'r1',
          requestKind: 'ASSISTANCE',
          to: [to(DE, 'DE')],
          instrument: { kind: 'EIO' },
        },
      ),
    ];
    const suspended = stateOf([
      ...sent,
      ev('REQUEST_SUSPENDED', { by: NL, at: T0 + DAY }, { requestId: 'r1' }),
    ]);
    expect(
      refusal(suspended, ev('REQUEST_ACKNOWLEDGED', { by: DE, at: T0 + DAY }, { requestId: 'r1' })),
    ).toBe('REQUEST_SUSPENDED');
    expect(
      refusal(suspended, ev('REQUEST_SUSPENDED', { by: NL, at: T0 + DAY }, { requestId: 'r1' })),
    ).toBe('REQUEST_SUSPENDED');
    const closed = stateOf([
      ...sent,
      ev('REQUEST_CLOSED', { by: NL, at: T0 + DAY }, { requestId: 'r1' }),
    ]);
    expect(
      refusal(closed, ev('REQUEST_ACKNOWLEDGED', { by: DE, at: T0 + DAY }, { requestId: 'r1' })),
    ).toBe('REQUEST_CLOSED');
    const done = stateOf([
      ...sent,
      ev('REQUEST_CLOSED', { by: NL, at: T0 + DAY }, { requestId: 'r1' }),
      ev('CASE_CLOSED', { by: NL, at: T0 + DAY }, { outcome: 'PROSECUTION' }),
    ]);
    expect(refusal(done, ev('CASE_UPDATED', { by: DE, at: T0 + 2 * DAY }, {}))).toBe('CASE_CLOSED');
  });

  it('recognises a redelivered event and leaves the state as it was', () => {
    const events = opened();
    const state = stateOf(events);
    const again = applyCaseEvent(state, events[3] as CaseEvent);
    expect(again).toMatchObject({ ok: false, code: 'ALREADY_APPLIED' });
    expect(replayCase([...events, ...events]).state).toEqual(state);
  });
});
