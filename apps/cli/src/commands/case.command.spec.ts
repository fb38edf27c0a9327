/** The readable forms of `liaison case show` and `liaison case list`. */
import { caseListText, caseText, referralStep, relativeTo, type CaseDetail } from './case.command';

const NOW = Date.parse('2026-12-02T10:00:00.000Z');

const detail: CaseDetail = {
  caseRef: 'NL-KNP-1',
  membership: 'PARTICIPANT',
  status: 'OPEN',
  lead: 'nl-knp',
  jurisdiction: 'NL',
  openedAt: '2026-12-02T00:00:00.000Z',
  closedAt: null,
  outcome: null,
  participants: ['nl-knp', 'de-bka'],
  invited: ['ro-diicot'],
  readAt: '2026-12-02T10:00:00.000Z',
  requests: [
    {
      requestId: 'r-urgent',
      kind: 'ASSISTANCE',
      requester: 'nl-knp',
      instrument: { kind: 'IED_URGENT_DIRECT' },
      status: 'OPEN',
      sentAt: '2026-12-02T06:30:00.000Z',
      closedAt: null,
      agreedAt: null,
      legs: [
        {
          agency: 'de-bka',
          jurisdiction: 'DE',
          status: 'ACKNOWLEDGED',
          acknowledgedAt: '2026-12-02T06:40:00.000Z',
          decidedAt: null,
          refusalReason: null,
          completedAt: null,
        },
      ],
      clocks: [
        {
          clock: 'RESPONSE',
          agency: 'de-bka',
          jurisdiction: 'DE',
          startedAt: '2026-12-02T06:30:00.000Z',
          dueAt: '2026-12-02T14:30:00.000Z',
          approachingAt: '2026-12-02T12:30:00.000Z',
          stoppedAt: null,
          status: 'RUNNING',
          deadline: 'ok',
        },
      ],
      deadline: 'ok',
    },
  ],
  timeline: [
    {
      kind: 'NOTICE',
      seq: '7',
      messageId: 'm-1',
      messageType: 'CASE_UPDATE',
      from: 'de-bka',
      at: '2026-12-02T06:40:00.000Z',
      direction: 'RECEIVED',
      decision: 'FULL',
      clockNotice: null,
    },
    {
      kind: 'CLOCK',
      seq: null,
      messageId: 'c-1',
      messageType: 'DEADLINE_APPROACHING',
      from: 'hub',
      at: '2026-12-02T12:30:00.000Z',
      direction: 'RECEIVED',
      decision: null,
      clockNotice: {
        alert: 'DEADLINE_APPROACHING',
        requestId: 'r-urgent',
        requestedAgency: 'de-bka',
        clock: 'RESPONSE',
        dueAt: '2026-12-02T14:30:00.000Z',
      },
    },
  ],
};

describe('case command text', () => {
  it('shows a running clock with its due time and how long is left', () => {
    const text = caseText(detail, NOW);
    expect(text).toContain('Case NL-KNP-1: OPEN lead nl-knp (NL), opened 2026-12-02 00:00 UTC');
    expect(text).toContain('Invited: ro-diicot');
    expect(text).toContain('ASSISTANCE r-urgent by nl-knp under IED_URGENT_DIRECT: OPEN\n');
    expect(text).toContain(
      'RESPONSE clock for de-bka: due 2026-12-02 14:30 UTC (in 4h 30m) RUNNING\n',
    );
    expect(text).toContain('received CASE_UPDATE from de-bka (FULL) msg=m-1');
    expect(text).toContain(
      'Timeline (2):\n  2026-12-02 06:40 UTC received CASE_UPDATE from de-bka (FULL) msg=m-1\n' +
        '  2026-12-02 12:30 UTC received DEADLINE_APPROACHING from hub: RESPONSE clock for de-bka' +
        ' on r-urgent, due 2026-12-02 14:30 UTC',
    );
  });

  it('marks an overdue clock and its request', () => {
    const request = detail.requests[0];
    const clock = request?.clocks[0];
    if (request === undefined || clock === undefined) throw new Error('fixture');
    const late: CaseDetail = {
      ...detail,
      requests: [
        {
          ...request,
          deadline: 'overdue',
          clocks: [
            { ...clock, status: 'OVERDUE', deadline: 'overdue', dueAt: '2026-12-02T08:00:00.000Z' },
          ],
        },
      ],
    };
    const text = caseText(late, NOW);
    expect(text).toContain('IED_URGENT_DIRECT: OPEN OVERDUE');
    expect(text).toContain('(2h 0m ago) OVERDUE');
  });

  it('lists cases with their overdue and approaching counts', () => {
    expect(
      caseListText([
        {
          caseRef: 'NL-KNP-1',
          membership: 'PARTICIPANT',
          status: 'OPEN',
          lead: 'nl-knp',
          participants: ['nl-knp', 'de-bka'],
          openedAt: null,
          lastEventAt: null,
          openRequests: 2,
          approaching: 1,
          overdue: 1,
        },
        {
          caseRef: 'NL-KNP-2',
          membership: 'INVITED',
          status: 'OPEN',
          lead: 'nl-knp',
          participants: [],
          openedAt: null,
          lastEventAt: null,
          openRequests: 0,
          approaching: 0,
          overdue: 0,
        },
      ]),
    ).toBe(
      'NL-KNP-1 OPEN lead nl-knp participants nl-knp,de-bka open requests 2 OVERDUE 1 approaching 1\n' +
        'NL-KNP-2 OPEN lead nl-knp INVITED (liaison case accept NL-KNP-2)',
    );
    expect(caseListText([])).toBe('no cases');
  });

  it('reads due times relative to now', () => {
    expect(relativeTo('2026-12-04T13:00:00.000Z', NOW)).toBe('in 2d 3h');
    expect(relativeTo('2026-12-02T09:55:00.000Z', NOW)).toBe('5m ago');
  });
});

describe('liaison case refer options', () => {
  const base = { supportAgency: 'ngo-safehaven', victims: '4', minors: '1', services: '' };

  it('reads counts and services by their schema names', () => {
    expect(referralStep({ ...base, services: 'shelter, MEDICAL,shelter' })).toEqual({
      kind: 'refer',
      supportAgency: 'ngo-safehaven',
      victimCount: 4,
      minorCount: 1,
      services: ['SHELTER', 'MEDICAL'],
    });
  });

  it('refuses counts that are not whole numbers, no victim, more minors than victims, unknown services', () => {
    expect(() => referralStep({ ...base, victims: '0' })).toThrow(
      '--victims must be a whole number from 1 to 100000, not 0',
    );
    expect(() => referralStep({ ...base, victims: '2.5' })).toThrow('--victims');
    expect(() => referralStep({ ...base, victims: '1e3' })).toThrow('--victims');
    expect(() => referralStep({ ...base, minors: '5' })).toThrow(
      '--minors must be a whole number from 0 to 4, not 5',
    );
    expect(() => referralStep({ ...base, services: 'SHELTER,HOTEL' })).toThrow(
      '--services: HOTEL is not one of SHELTER,',
    );
  });
});
