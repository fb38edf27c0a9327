/**
 * Property tests of the legal clocks: suspended time never counts (the active time
 * between start and due equals the period's own length, in the clock's unit), and
 * a clock's status only moves forward as time passes.
 */
import fc from 'fast-check';
import {
  calendarFor,
  requestClocks,
  workingTime,
  type CaseRequest,
  type ClockStatus,
  type Instrument,
  type JurisdictionCalendar,
  type Suspension,
} from '@liaison/cases';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FROM = Date.UTC(2026, 0, 1);
const TO = Date.UTC(2028, 0, 1);
const JURISDICTIONS = ['NL', 'DE', 'RO', 'UK', 'TH'];

function calendar(jurisdiction: string): JurisdictionCalendar {
  const found = calendarFor(jurisdiction);
  if (found === null) throw new Error(`no calendar for ${jurisdiction}`);
  return found;
}

const instrument: fc.Arbitrary<Instrument> = fc.oneof(
  fc.constantFrom<Instrument>(
    { kind: 'IED_URGENT_DIRECT' },
    { kind: 'IED_URGENT_INDIRECT' },
    { kind: 'IED_NON_URGENT' },
    { kind: 'PRUM_FOLLOW_UP' },
    { kind: 'EIO' },
  ),
  fc.integer({ min: 1, max: 40 }).map((days): Instrument => ({
    kind: 'BILATERAL',
    deadline: { kind: 'WORKING_DAYS', days },
  })),
);

/** Closed, non-overlapping suspensions after `start`, as offsets and lengths. */
const suspensionShapes = fc.array(
  fc.tuple(fc.integer({ min: 0, max: 20 * DAY }), fc.integer({ min: 1, max: 5 * DAY })),
  { maxLength: 5 },
);

function suspensionsFrom(start: number, shapes: [number, number][]): Suspension[] {
  let cursor = start;
  return shapes.map(([gap, length]) => {
    const from = cursor + gap;
    cursor = from + length;
    return { from, to: cursor };
  });
}

function request(
  i: Instrument,
  sentAt: number,
  jurisdiction: string,
  suspensions: Suspension[],
): CaseRequest {
  return {
    requestId: 'r1',
    kind: 'ASSISTANCE',
    requester: 'nl-knp',
    instrument: i,
    sentAt,
    status: 'OPEN',
    suspensions,
    closedAt: null,
    agreedAt: null,
    legs: [
      {
        agency: 'xx-agency',
        jurisdiction,
        status: 'SENT',
        acknowledgedAt: null,
        decidedAt: null,
        refusalReason: null,
        firstAnswerAt: null,
        completedAt: null,
      },
    ],
  };
}

describe('legal clock properties', () => {
  it('excludes suspended time: active time from start to due equals the period', () => {
    fc.assert(
      fc.property(
        instrument,
        fc.integer({ min: FROM, max: TO }),
        fc.constantFrom(...JURISDICTIONS),
        suspensionShapes,
        (i, sentAt, jurisdiction, shapes) => {
          const cal = calendar(jurisdiction);
          const suspensions = suspensionsFrom(sentAt, shapes);
          const now = sentAt + 400 * DAY;
          const [plain] = requestClocks(request(i, sentAt, jurisdiction, []), now, calendarFor);
          const [paused] = requestClocks(
            request(i, sentAt, jurisdiction, suspensions),
            now,
            calendarFor,
          );
          if (plain === undefined || paused === undefined) throw new Error('no clock');
          const working = i.kind === 'BILATERAL';
          const measure = working
            ? workingTime(cal).between
            : (a: number, b: number): number => Math.max(0, b - a);
          const rolled = i.kind === 'EIO';
          // The due instant moved by exactly the suspended time, in the clock's unit
          // (before the roll to a working day, for clocks that roll).
          const shiftedEnd = rolled ? plain.dueAt + paused.suspendedMs : paused.dueAt;
          expect(measure(paused.startedAt, shiftedEnd) - paused.suspendedMs).toBe(
            measure(plain.startedAt, plain.dueAt),
          );
          expect(paused.periodEndAt).toBe(plain.periodEndAt);
          // Suspended time counted never exceeds the time actually suspended.
          const total = suspensions.reduce((sum, s) => sum + measure(s.from, s.to ?? s.from), 0);
          expect(paused.suspendedMs).toBeLessThanOrEqual(total);
          expect(paused.dueAt).toBeGreaterThanOrEqual(plain.dueAt);
          if (rolled) {
            // The roll only ever moves a due instant to the end of a later working day.
            expect(paused.dueAt).toBeGreaterThanOrEqual(shiftedEnd);
            expect(paused.dueAt - shiftedEnd).toBeLessThan(8 * DAY);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('only moves a running clock forward: running, approaching, overdue', () => {
    const order: Record<ClockStatus, number> = {
      RUNNING: 0,
      APPROACHING: 1,
      OVERDUE: 2,
      PAUSED: -1,
      MET: -1,
      MET_LATE: -1,
      CLOSED: -1,
      CLOSED_LATE: -1,
    };
    fc.assert(
      fc.property(
        instrument,
        fc.integer({ min: FROM, max: TO }),
        fc.constantFrom(...JURISDICTIONS),
        fc.array(fc.integer({ min: 0, max: 120 * DAY }), { minLength: 2, maxLength: 8 }),
        (i, sentAt, jurisdiction, offsets) => {
          const r = request(i, sentAt, jurisdiction, []);
          const statuses = [...offsets]
            .sort((a, b) => a - b)
            .map((o) => requestClocks(r, sentAt + o, calendarFor)[0]?.status ?? 'CLOSED');
          const ranks = statuses.map((s) => order[s]);
          expect(ranks.every((rank) => rank >= 0)).toBe(true);
          expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
        },
      ),
      { numRuns: 100 },
    );
  });
});
