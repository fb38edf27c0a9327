/**
 * Golden deadlines in real calendars (a DST change, public holidays, a year end)
 * and the clock's statuses over a request's life.
 */
import {
  calendarFor,
  deadlineMissed,
  requestClocks,
  type CaseRequest,
  type ClockReading,
  type Instrument,
  type JurisdictionCalendar,
  type RequestLeg,
  type Suspension,
} from '@liaison/cases';
import { DateTime } from 'luxon';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string): number => DateTime.fromISO(iso, { setZone: true }).toMillis();
const iso = (ms: number): string => new Date(ms).toISOString();

function calendar(jurisdiction: string): JurisdictionCalendar {
  const found = calendarFor(jurisdiction);
  if (found === null) throw new Error(`no calendar for ${jurisdiction}`);
  return found;
}

function leg(jurisdiction: string, changes: Partial<RequestLeg> = {}): RequestLeg {
  return {
    agency: 'xx-agency',
    jurisdiction,
    status: 'SENT',
    acknowledgedAt: null,
    decidedAt: null,
    refusalReason: null,
    firstAnswerAt: null,
    completedAt: null,
    ...changes,
  };
}

function request(
  instrument: Instrument,
  sentAt: number,
  legs: RequestLeg[],
  suspensions: Suspension[] = [],
  closedAt: number | null = null,
): CaseRequest {
  return {
    requestId: 'r1',
    kind: 'ASSISTANCE',
    requester: 'nl-knp',
    instrument,
    sentAt,
    status:
      closedAt !== null ? 'CLOSED' : suspensions.some((s) => s.to === null) ? 'SUSPENDED' : 'OPEN',
    suspensions,
    closedAt,
    legs,
    agreedAt: null,
  };
}

function only(readings: ClockReading[], clock = 'RESPONSE'): ClockReading {
  const found = readings.filter((r) => r.clock === clock);
  expect(found).toHaveLength(1);
  return found[0] as ClockReading;
}

describe('legal clocks: golden deadlines', () => {
  it('counts calendar days in local days across the end of summer time (Amsterdam, 25 Oct 2026)', () => {
    // Received Tuesday 20 Oct 10:00 CEST; 7 calendar days end with Tuesday 27 Oct, 24:00 CET.
    const sent = at('2026-10-20T10:00:00+02:00');
    const reading = only(
      requestClocks(request({ kind: 'IED_NON_URGENT' }, sent, [leg('NL')]), sent, calendarFor),
    );
    expect(iso(reading.dueAt)).toBe('2026-10-27T23:00:00.000Z');
    // Seven times 24 hours after the end of the receipt day would be an hour early.
    expect(reading.dueAt - (at('2026-10-21T00:00:00+02:00') + 7 * DAY)).toBe(HOUR);
    expect(reading.status).toBe('RUNNING');
  });

  it('counts hours as elapsed time across the DST change', () => {
    const sent = at('2026-10-25T00:30:00+02:00');
    const reading = only(
      requestClocks(request({ kind: 'IED_URGENT_DIRECT' }, sent, [leg('NL')]), sent, calendarFor),
    );
    expect(reading.dueAt - sent).toBe(8 * HOUR);
    expect(DateTime.fromMillis(reading.dueAt, { zone: 'Europe/Amsterdam' }).toISO()).toBe(
      '2026-10-25T07:30:00.000+01:00',
    );
  });

  it('skips a German public holiday in working days (Whit Monday, 25 May 2026)', () => {
    const sent = at('2026-05-22T12:00:00+02:00');
    const instrument: Instrument = {
      kind: 'BILATERAL',
      deadline: { kind: 'WORKING_DAYS', days: 1 },
    };
    const reading = only(requestClocks(request(instrument, sent, [leg('DE')]), sent, calendarFor));
    expect(iso(reading.dueAt)).toBe('2026-05-26T22:00:00.000Z'); // end of Tuesday 26 May, Berlin
  });

  it('skips Romania’s St Andrew’s Day and National Day (30 Nov and 1 Dec 2026)', () => {
    const sent = at('2026-11-26T11:00:00+02:00');
    const instrument: Instrument = {
      kind: 'BILATERAL',
      deadline: { kind: 'WORKING_DAYS', days: 3 },
    };
    const reading = only(requestClocks(request(instrument, sent, [leg('RO')]), sent, calendarFor));
    // Fri 27 Nov, then Wed 2 and Thu 3 Dec: ends with Thursday 3 December, Bucharest.
    expect(iso(reading.dueAt)).toBe('2026-12-03T22:00:00.000Z');
  });

  it('counts every day of a holiday that lasts two (Romania 1–2 Jan, Moldova 7–8 Jan)', () => {
    expect(calendar('RO').isWorkingDay('2026-01-01')).toBe(false);
    expect(calendar('RO').isWorkingDay('2026-01-02')).toBe(false); // a Friday
    expect(calendar('RO').isWorkingDay('2026-01-05')).toBe(true);
    expect(calendar('MD').isWorkingDay('2026-01-07')).toBe(false);
    expect(calendar('MD').isWorkingDay('2026-01-08')).toBe(false); // a Thursday
    expect(calendar('MD').isWorkingDay('2026-01-09')).toBe(true);
    const sent = at('2025-12-31T10:00:00+02:00');
    const instrument: Instrument = {
      kind: 'BILATERAL',
      deadline: { kind: 'WORKING_DAYS', days: 1 },
    };
    const reading = only(requestClocks(request(instrument, sent, [leg('RO')]), sent, calendarFor));
    // 1 and 2 January are holidays, 3 and 4 a weekend: ends with Monday 5 January, Bucharest.
    expect(iso(reading.dueAt)).toBe('2026-01-05T22:00:00.000Z');
  });

  it('rolls an EIO period ending on Christmas Day to the next German working day', () => {
    const sent = at('2026-11-25T11:00:00+01:00');
    const reading = only(
      requestClocks(request({ kind: 'EIO' }, sent, [leg('DE')]), sent, calendarFor),
      'RECOGNITION',
    );
    expect(iso(reading.periodEndAt)).toBe('2026-12-25T23:00:00.000Z'); // 30 days: Friday 25 Dec
    expect(iso(reading.dueAt)).toBe('2026-12-28T23:00:00.000Z'); // rolled to Monday 28 Dec
  });

  it('carries working days over the year end (Romania, 7 working days from 22 Dec 2026)', () => {
    const sent = at('2026-12-22T10:00:00+02:00');
    const instrument: Instrument = {
      kind: 'BILATERAL',
      deadline: { kind: 'WORKING_DAYS', days: 7 },
    };
    const reading = only(requestClocks(request(instrument, sent, [leg('RO')]), sent, calendarFor));
    // 23, 24, 28, 29, 30, 31 Dec (25 Dec and 1 Jan are holidays), then Monday 4 Jan 2027.
    expect(iso(reading.dueAt)).toBe('2027-01-04T22:00:00.000Z');
  });

  it('knows the UK under its ISO code and keeps UTC without holidays for international bodies', () => {
    expect(calendar('UK').timeZone).toBe('Europe/London');
    expect(calendar('UK').isWorkingDay('2026-12-28')).toBe(false); // Boxing Day substitute
    expect(calendar('INT').timeZone).toBe('UTC');
    expect(calendar('INT').isWorkingDay('2026-12-25')).toBe(true);
    expect(calendarFor('XX')).toBeNull();
  });
});

describe('legal clocks: suspension and status', () => {
  const sent = at('2026-03-04T10:00:00+01:00');

  it('pauses an hour clock while suspended and moves its due instant by the suspension', () => {
    const suspended = request(
      { kind: 'IED_URGENT_DIRECT' },
      sent,
      [leg('NL')],
      [{ from: sent + HOUR, to: sent + 3 * HOUR }],
    );
    const read = (now: number) => only(requestClocks(suspended, now, calendarFor));
    expect(read(sent + 2 * HOUR).status).toBe('PAUSED');
    expect(read(sent + 7 * HOUR).status).toBe('RUNNING');
    expect(read(sent + 8 * HOUR + 1).status).toBe('APPROACHING');
    expect(read(sent + 10 * HOUR).status).toBe('OVERDUE');
    expect(read(sent + 10 * HOUR).dueAt).toBe(sent + 10 * HOUR);
    expect(read(sent + 10 * HOUR).suspendedMs).toBe(2 * HOUR);
  });

  it('keeps counting suspended time while the request stays suspended', () => {
    const open = request(
      { kind: 'PRUM_FOLLOW_UP' },
      sent,
      [leg('NL')],
      [{ from: sent + HOUR, to: null }],
    );
    const reading = only(requestClocks(open, sent + 100 * HOUR, calendarFor));
    expect(reading.status).toBe('PAUSED');
    expect(reading.dueAt).toBe(sent + (48 + 99) * HOUR);
  });

  it('does not cure a delay by suspending once the clock has run out', () => {
    const late = request(
      { kind: 'IED_URGENT_DIRECT' },
      sent,
      [leg('NL')],
      [{ from: sent + 9 * HOUR, to: null }],
    );
    const reading = only(requestClocks(late, sent + 12 * HOUR, calendarFor));
    expect(reading.status).toBe('OVERDUE');
    expect(reading.suspendedMs).toBe(0);
  });

  it('counts only working time of a suspension against a working-day clock', () => {
    // Wed 4 Mar: 3 working days end with Monday 9 Mar.
    const instrument: Instrument = {
      kind: 'BILATERAL',
      deadline: { kind: 'WORKING_DAYS', days: 3 },
    };
    const weekend = request(
      instrument,
      sent,
      [leg('NL')],
      [{ from: at('2026-03-07T00:00:00+01:00'), to: at('2026-03-09T00:00:00+01:00') }],
    );
    const overWeekend = only(requestClocks(weekend, at('2026-03-09T12:00:00+01:00'), calendarFor));
    expect(overWeekend.suspendedMs).toBe(0);
    expect(iso(overWeekend.dueAt)).toBe('2026-03-09T23:00:00.000Z');
    const friToMon = request(
      instrument,
      sent,
      [leg('NL')],
      [{ from: at('2026-03-06T12:00:00+01:00'), to: at('2026-03-09T12:00:00+01:00') }],
    );
    const reading = only(requestClocks(friToMon, at('2026-03-09T12:00:00+01:00'), calendarFor));
    expect(reading.suspendedMs).toBe(24 * HOUR);
    expect(iso(reading.dueAt)).toBe('2026-03-10T23:00:00.000Z');
  });

  it('runs the EIO execution clock from acceptance and reports a late answer', () => {
    const accepted = sent + 10 * DAY;
    const done = accepted + 100 * DAY;
    const eio = request({ kind: 'EIO' }, sent, [
      leg('FR', {
        status: 'ANSWERED_COMPLETE',
        acknowledgedAt: sent + DAY,
        decidedAt: accepted,
        firstAnswerAt: accepted + 50 * DAY,
        completedAt: done,
      }),
    ]);
    const readings = requestClocks(eio, done + DAY, calendarFor);
    expect(only(readings, 'RECOGNITION')).toMatchObject({ status: 'MET', stoppedAt: accepted });
    expect(only(readings, 'EXECUTION')).toMatchObject({ status: 'MET_LATE', startedAt: accepted });
    // Before acceptance there is no execution clock; a refused leg never starts one.
    const refused = request({ kind: 'EIO' }, sent, [
      leg('FR', {
        status: 'REFUSED',
        acknowledgedAt: sent,
        decidedAt: sent + DAY,
        refusalReason: 'ne bis in idem',
      }),
    ]);
    expect(
      requestClocks(refused, sent + 2 * DAY, calendarFor).map((r) => [r.clock, r.status]),
    ).toEqual([['RECOGNITION', 'MET']]);
  });

  it('approaches a bilateral stated deadline at 80 % of its period', () => {
    const due = sent + 10 * DAY;
    const bilateral = request({ kind: 'BILATERAL', deadline: { kind: 'AT', at: due } }, sent, [
      leg('NL'),
    ]);
    expect(only(requestClocks(bilateral, sent + 8 * DAY - 1, calendarFor)).status).toBe('RUNNING');
    expect(only(requestClocks(bilateral, sent + 8 * DAY, calendarFor)).status).toBe('APPROACHING');
    expect(only(requestClocks(bilateral, due, calendarFor)).status).toBe('OVERDUE');
  });

  it('stops every clock when the requester closes the request', () => {
    const closed = request({ kind: 'IED_URGENT_DIRECT' }, sent, [leg('NL')], [], sent + HOUR);
    expect(only(requestClocks(closed, sent + 20 * HOUR, calendarFor)).status).toBe('CLOSED');
  });

  it('keeps a deadline missed when the requester closes the request after it', () => {
    // IED urgent direct: 8 hours from sending.
    const late = request({ kind: 'IED_URGENT_DIRECT' }, sent, [leg('NL')], [], sent + 9 * HOUR);
    const reading = only(requestClocks(late, sent + 20 * HOUR, calendarFor));
    expect(reading).toMatchObject({ status: 'CLOSED_LATE', stoppedAt: sent + 9 * HOUR });
    expect(deadlineMissed(reading.status)).toBe(true);
    const atDue = request({ kind: 'IED_URGENT_DIRECT' }, sent, [leg('NL')], [], sent + 8 * HOUR);
    expect(only(requestClocks(atDue, sent + 20 * HOUR, calendarFor)).status).toBe('CLOSED_LATE');
    const inTime = request({ kind: 'IED_URGENT_DIRECT' }, sent, [leg('NL')], [], sent + HOUR);
    expect(deadlineMissed(only(requestClocks(inTime, sent + 20 * HOUR, calendarFor)).status)).toBe(
      false,
    );
  });
});
