/**
 * Case metrics: own figures unsuppressed, others' suppressed, response times per
 * counterpart jurisdiction, overdue requests; and (property) redelivered or
 * repeated notices never change a figure.
 */
import fc from 'fast-check';
import type { CaseOutcome } from '@liaison/contracts';
import {
  calendarFor,
  caseMetrics,
  durationStats,
  replayCases,
  type CaseEvent,
  type CaseState,
  type Instrument,
} from '@liaison/cases';
import { DAY, HOUR, T0 } from '../test/case-events';

const JURISDICTION: Record<string, string> = {
  'nl-knp': 'NL',
  'de-bka': 'DE',
  'ro-diicot': 'RO',
  'fr-ocriest': 'FR',
};
const AGENCIES = Object.keys(JURISDICTION);

interface CaseSpec {
  readonly ref: string;
  readonly lead: string;
  readonly partner: string;
  readonly start: number;
  readonly ackAfter: number;
  /** Null: the request is never answered (and the case stays open). */
  readonly answerAfter: number | null;
  readonly referral: boolean;
  readonly outcome: CaseOutcome;
  readonly instrument: Instrument;
}

/** The events of one case from opening to its outcome, with one request to the partner. */
function caseEvents(spec: CaseSpec): CaseEvent[] {
  let n = 0;
  const h = (by: string, at: number) => ({
    eventId: `${spec.ref}-${(n += 1)}`,
    caseRef: spec.ref,
    by,
    at,
  });
  const t = spec.start;
  const sent = t + HOUR;
  const events: CaseEvent[] = [
    { ...h(spec.lead, t), kind: 'CASE_OPENED', jurisdiction: JURISDICTION[spec.lead] ?? 'NL' },
    { ...h(spec.lead, t), kind: 'PARTICIPANT_INVITED', agency: spec.partner },
    { ...h(spec.partner, t), kind: 'INVITATION_ACCEPTED' },
    {
      ...h(spec.lead, sent),
      kind: 'REQUEST_SENT',
      requestId: 'q',
      requestKind: 'ASSISTANCE',
      to: [{ agency: spec.partner, jurisdiction: JURISDICTION[spec.partner] ?? 'NL' }],
      instrument: spec.instrument,
    },
    { ...h(spec.partner, sent + spec.ackAfter), kind: 'REQUEST_ACKNOWLEDGED', requestId: 'q' },
  ];
  if (spec.referral) {
    events.push({
      ...h(spec.partner, sent + spec.ackAfter),
      kind: 'VICTIM_REFERRED',
      victimCount: 2,
    });
  }
  if (spec.answerAfter === null) return events;
  const answered = sent + spec.ackAfter + spec.answerAfter;
  events.push(
    { ...h(spec.partner, sent + spec.ackAfter), kind: 'REQUEST_ACCEPTED', requestId: 'q' },
    {
      ...h(spec.partner, answered),
      kind: 'REQUEST_ANSWERED',
      requestId: 'q',
      completeness: 'COMPLETE',
    },
    { ...h(spec.lead, answered), kind: 'REQUEST_CLOSED', requestId: 'q' },
    { ...h(spec.lead, answered + DAY), kind: 'CASE_CLOSED', outcome: spec.outcome },
  );
  return events;
}

function states(events: CaseEvent[]): CaseState[] {
  return [...replayCases(events).values()].map((r) => r.state);
}

const IED_URGENT: Instrument = { kind: 'IED_URGENT_DIRECT' };

const base = {
  start: T0,
  ackAfter: HOUR,
  answerAfter: DAY,
  referral: false,
  instrument: { kind: 'IED_NON_URGENT' } as Instrument,
};

describe('case metrics', () => {
  const specs: CaseSpec[] = [
    // nl-knp: 2 cases, one conviction, one with a referral (its own: shown as is).
    { ...base, ref: 'NL-1', lead: 'nl-knp', partner: 'de-bka', outcome: 'CONVICTION' },
    {
      ...base,
      ref: 'NL-2',
      lead: 'nl-knp',
      partner: 'ro-diicot',
      outcome: 'DISMISSED',
      referral: true,
      ackAfter: 3 * HOUR,
    },
    // de-bka: 3 cases (small for others), ro-diicot: 6 cases.
    ...[1, 2, 3].map((i): CaseSpec => ({
      ...base,
      ref: `DE-${i}`,
      lead: 'de-bka',
      partner: 'nl-knp',
      outcome: 'PROSECUTION',
    })),
    ...[1, 2, 3, 4, 5, 6].map((i): CaseSpec => ({
      ...base,
      ref: `RO-${i}`,
      lead: 'ro-diicot',
      partner: 'fr-ocriest',
      outcome: i <= 5 ? 'CONVICTION' : 'DISMISSED',
    })),
  ];
  const cases = states(specs.flatMap(caseEvents));
  const now = T0 + 30 * DAY;

  it('shows an agency its own figures, and others’ with small counts suppressed', () => {
    const m = caseMetrics({ cases, viewer: 'nl-knp', now, calendarOf: calendarFor });
    const row = (agency: string) => m.perAgency.find((r) => r.agency === agency);
    expect(row('nl-knp')).toMatchObject({
      own: true,
      casesOpened: 2,
      casesResolved: 1,
      casesWithVictimReferral: 1,
      resolutionRate: 0.5,
      victimReferralRate: 0.5,
    });
    // de-bka's 3 is small; ro-diicot's 6 is suppressed too so that 11 - 2 - 6 cannot reveal it.
    expect(row('de-bka')).toMatchObject({ casesOpened: 'suppressed', resolutionRate: null });
    expect(row('ro-diicot')).toMatchObject({
      casesOpened: 'suppressed',
      casesResolved: 'suppressed',
    });
    expect(m.totals).toMatchObject({ casesOpened: 11, casesResolved: 9 });
    // Oversight sees nobody's figures unsuppressed.
    const oversight = caseMetrics({ cases, viewer: null, now, calendarOf: calendarFor });
    expect(oversight.perAgency.every((r) => !r.own)).toBe(true);
    expect(oversight.perAgency.find((r) => r.agency === 'nl-knp')?.casesOpened).toBe('suppressed');
  });

  it('gives the time counterparts took on the viewer’s requests, per jurisdiction', () => {
    const m = caseMetrics({ cases, viewer: 'nl-knp', now, calendarOf: calendarFor });
    expect(m.responseTimes).toEqual([
      {
        jurisdiction: 'DE',
        toAcknowledge: { count: 1, medianMs: HOUR, p90Ms: HOUR },
        toAnswer: { count: 1, medianMs: HOUR + DAY, p90Ms: HOUR + DAY },
      },
      {
        jurisdiction: 'RO',
        toAcknowledge: { count: 1, medianMs: 3 * HOUR, p90Ms: 3 * HOUR },
        toAnswer: { count: 1, medianMs: 3 * HOUR + DAY, p90Ms: 3 * HOUR + DAY },
      },
    ]);
    // Oversight: fewer than five requests to a jurisdiction show no statistics.
    const oversight = caseMetrics({ cases, viewer: null, now, calendarOf: calendarFor });
    expect(
      oversight.responseTimes.find((r) => r.jurisdiction === 'FR')?.toAcknowledge.medianMs,
    ).toBe(HOUR);
    expect(oversight.responseTimes.find((r) => r.jurisdiction === 'DE')?.toAcknowledge).toEqual({
      count: 1,
      medianMs: null,
      p90Ms: null,
    });
  });

  it('takes median and p90 by nearest rank', () => {
    expect(durationStats([5, 1, 4, 2, 3, 10, 9, 8, 7, 6], true)).toEqual({
      count: 10,
      medianMs: 5,
      p90Ms: 9,
    });
    expect(durationStats([], true)).toEqual({ count: 0, medianMs: null, p90Ms: null });
  });

  it('counts overdue requests on both sides', () => {
    const late = states(
      caseEvents({
        ...base,
        ref: 'NL-9',
        lead: 'nl-knp',
        partner: 'de-bka',
        outcome: 'CONVICTION',
        answerAfter: null,
        instrument: { kind: 'IED_URGENT_DIRECT' },
      }),
    );
    const at = T0 + DAY;
    expect(
      caseMetrics({ cases: late, viewer: 'nl-knp', now: at, calendarOf: calendarFor }).overdue,
    ).toEqual({ asRequester: 1, asRequested: 0 });
    expect(
      caseMetrics({ cases: late, viewer: 'de-bka', now: at, calendarOf: calendarFor }).overdue,
    ).toEqual({ asRequester: 0, asRequested: 1 });
    expect(
      caseMetrics({ cases: late, viewer: 'nl-knp', now: T0 + 2 * HOUR, calendarOf: calendarFor })
        .overdue.asRequester,
    ).toBe(0);
  });

  describe('overdue requests count deadlines missed, answered late or not yet', () => {
    // One urgent request (8 hours from sending) from nl-knp to de-bka, read at `at`.
    const urgent = { ...base, ref: 'NL-8', lead: 'nl-knp', partner: 'de-bka' } as const;
    const sent = T0 + HOUR;
    const unansweredThenClosed = (closedAfter: number): CaseEvent[] => [
      ...caseEvents({
        ...urgent,
        outcome: 'CONVICTION',
        answerAfter: null,
        instrument: IED_URGENT,
      }),
      {
        eventId: 'NL-8-closed',
        caseRef: 'NL-8',
        by: 'nl-knp',
        at: sent + closedAfter,
        kind: 'REQUEST_CLOSED',
        requestId: 'q',
      },
    ];
    const answered = (
      ackAfter: number,
      answerAfter: number | null,
      instrument: Instrument = IED_URGENT,
    ) => caseEvents({ ...urgent, outcome: 'CONVICTION', ackAfter, answerAfter, instrument });
    const table: [string, CaseEvent[], number, number][] = [
      ['answered in time', answered(HOUR, 2 * HOUR), sent + DAY, 0],
      ['answered late (MET_LATE)', answered(HOUR, 10 * HOUR), sent + DAY, 1],
      [
        'answered at the due instant (late: due means before it)',
        answered(HOUR, 7 * HOUR),
        sent + DAY,
        1,
      ],
      ['unanswered past the due instant (OVERDUE)', answered(HOUR, null), sent + 9 * HOUR, 1],
      ['unanswered before the due instant', answered(HOUR, null), sent + 7 * HOUR, 0],
      [
        'closed by the requester before the due instant',
        unansweredThenClosed(2 * HOUR),
        sent + DAY,
        0,
      ],
      [
        'closed by the requester after the due instant (CLOSED_LATE)',
        unansweredThenClosed(9 * HOUR),
        sent + DAY,
        1,
      ],
      [
        'an EIO recognised and executed late counts once',
        answered(40 * DAY, 100 * DAY, { kind: 'EIO' }),
        sent + 200 * DAY,
        1,
      ],
    ];
    it.each(table)('%s', (_label, events, at, expected) => {
      const of = (viewer: string) =>
        caseMetrics({ cases: states(events), viewer, now: at, calendarOf: calendarFor }).overdue;
      expect(of('nl-knp')).toEqual({ asRequester: expected, asRequested: 0 });
      expect(of('de-bka')).toEqual({ asRequester: 0, asRequested: expected });
    });

    it('counts a missed deadline from its due instant on, answered or not', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 12 * HOUR }),
          fc.option(fc.integer({ min: 1, max: 12 * HOUR })),
          fc.integer({ min: 0, max: 30 * HOUR }),
          fc.integer({ min: 0, max: 30 * HOUR }),
          (ackAfter, answerAfter, a, b) => {
            const cases = states(answered(ackAfter, answerAfter));
            const due = sent + 8 * HOUR;
            const answeredAt = answerAfter === null ? null : sent + ackAfter + answerAfter;
            const count = (now: number) =>
              caseMetrics({ cases, viewer: 'nl-knp', now, calendarOf: calendarFor }).overdue
                .asRequester;
            const [early, late] = [sent + Math.min(a, b), sent + Math.max(a, b)];
            // Once missed, always missed: a later reading never counts fewer.
            expect(count(late)).toBeGreaterThanOrEqual(count(early));
            const missed = late >= due && (answeredAt === null || answeredAt >= due);
            expect(count(late)).toBe(missed ? 1 : 0);
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  it('does not change when notices are redelivered or repeated', () => {
    const spec = fc.record({
      lead: fc.constantFrom(...AGENCIES),
      partnerShift: fc.integer({ min: 1, max: AGENCIES.length - 1 }),
      start: fc.integer({ min: T0, max: T0 + 200 * DAY }),
      ackAfter: fc.integer({ min: 1, max: 10 * DAY }),
      answerAfter: fc.option(fc.integer({ min: 1, max: 20 * DAY })),
      referral: fc.boolean(),
      outcome: fc.constantFrom<CaseOutcome>(
        'CONVICTION',
        'PROSECUTION',
        'DISMISSED',
        'TRANSFERRED',
      ),
    });
    fc.assert(
      fc.property(
        fc.array(spec, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.constantFrom<string | null>(null, ...AGENCIES),
        (raw, picks, viewer) => {
          const specs = raw.map((s, i): CaseSpec => ({
            ...s,
            ref: `C-${i}`,
            partner:
              AGENCIES[(AGENCIES.indexOf(s.lead) + s.partnerShift) % AGENCIES.length] ?? 'de-bka',
            instrument: { kind: 'IED_NON_URGENT' },
          }));
          const clean = specs.flatMap(caseEvents);
          // Redeliver picked events at the end of the stream, and repeat an opening and a
          // closing as new notices (new message ids) for picked cases.
          const extra: CaseEvent[] = picks.flatMap((p, i): CaseEvent[] => {
            const e = clean[p % clean.length] as CaseEvent;
            if (i % 3 !== 0) return [e];
            if (e.kind !== 'CASE_OPENED' && e.kind !== 'CASE_CLOSED') return [e];
            return [{ ...e, eventId: `${e.eventId}-again`, at: T0 + 400 * DAY }];
          });
          const now = T0 + 300 * DAY;
          const q = (events: CaseEvent[]) =>
            caseMetrics({ cases: states(events), viewer, now, calendarOf: calendarFor });
          expect(q([...clean, ...extra])).toEqual(q(clean));
        },
      ),
      { numRuns: 100 },
    );
  });
});
