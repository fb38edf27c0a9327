/**
 * Case figures per jurisdiction: the viewer's own jurisdiction in full when it
 * is the only lead there, others rolled up only from shown per-agency figures;
 * and (property) no jurisdiction figure uncovers a suppressed agency figure.
 */
import fc from 'fast-check';
import type { CaseOutcome } from '@liaison/contracts';
import {
  NO_CASE,
  calendarFor,
  caseFiguresPerJurisdiction,
  caseMetrics,
  type CaseState,
} from '@liaison/cases';
import { T0 } from '../test/case-events';

const JURISDICTION: Record<string, string> = {
  'nl-knp': 'NL',
  'nl-fiod': 'NL',
  'de-bka': 'DE',
  'ro-diicot': 'RO',
};
const AGENCIES = Object.keys(JURISDICTION);

let n = 0;
/** A case led by `lead`, closed with `outcome` (open if null), with or without a referral. */
function led(lead: string, outcome: CaseOutcome | null = null, referred = false): CaseState {
  n += 1;
  return {
    ...NO_CASE,
    caseRef: `C-${n}`,
    status: outcome === null ? 'OPEN' : 'CLOSED',
    lead,
    jurisdiction: JURISDICTION[lead] ?? 'XX',
    openedAt: T0,
    outcome,
    participants: [lead],
    victimReferrals: referred ? 1 : 0,
  };
}
const times = (count: number, make: () => CaseState): CaseState[] =>
  Array.from({ length: count }, make);

const perJurisdiction = (cases: CaseState[], viewer: string | null) =>
  caseFiguresPerJurisdiction(
    caseMetrics({ cases, viewer, now: T0, calendarOf: calendarFor }).perAgency,
  );

describe('case figures per jurisdiction', () => {
  it('shows the viewer its own jurisdiction in full when it is the only lead there', () => {
    const cases = [
      led('nl-knp', 'CONVICTION', true),
      led('nl-knp'),
      ...times(3, () => led('de-bka', 'PROSECUTION')),
      ...times(6, () => led('ro-diicot', 'CONVICTION')),
    ];
    expect(perJurisdiction(cases, 'nl-knp')).toEqual([
      // de-bka's 3 is small; ro-diicot's 6 goes too, or 11 - 2 - 6 would reveal it.
      expect.objectContaining({ jurisdiction: 'DE', own: false, casesOpened: 'suppressed' }),
      {
        jurisdiction: 'NL',
        own: true,
        casesOpened: 2,
        casesResolved: 1,
        casesWithVictimReferral: 1,
        resolutionRate: 0.5,
        victimReferralRate: 0.5,
      },
      expect.objectContaining({ jurisdiction: 'RO', own: false, casesOpened: 'suppressed' }),
    ]);
    // Oversight reads every jurisdiction under the small-count rule: NL's 2 and DE's 3
    // hide each other (5 together), so RO's 6 is shown.
    expect(perJurisdiction(cases, null).map((r) => [r.jurisdiction, r.own, r.casesOpened])).toEqual(
      [
        ['DE', false, 'suppressed'],
        ['NL', false, 'suppressed'],
        ['RO', false, 6],
      ],
    );
  });

  it('suppresses a jurisdiction shared with another lead whose figure is suppressed', () => {
    const cases = [
      ...times(2, () => led('nl-knp')),
      ...times(3, () => led('nl-fiod')),
      ...times(7, () => led('de-bka')),
      ...times(8, () => led('ro-diicot')),
    ];
    // NL = 5 shown next to nl-knp's own 2 would reveal nl-fiod's 3.
    expect(
      perJurisdiction(cases, 'nl-knp').map((r) => [r.jurisdiction, r.own, r.casesOpened]),
    ).toEqual([
      ['DE', false, 'suppressed'],
      ['NL', false, 'suppressed'],
      ['RO', false, 8],
    ]);
    // Large enough everywhere: sums shown, rates from at least 5 cases.
    const large = [
      ...times(5, () => led('nl-knp', 'CONVICTION')),
      ...times(5, () => led('nl-fiod')),
    ];
    expect(perJurisdiction(large, 'de-bka')).toEqual([
      {
        jurisdiction: 'NL',
        own: false,
        casesOpened: 10,
        casesResolved: 5,
        casesWithVictimReferral: 0,
        resolutionRate: 0.5,
        victimReferralRate: 0,
      },
    ]);
  });

  it('never shows a jurisdiction figure that uncovers a suppressed agency figure', () => {
    const caseArb = fc.record({
      lead: fc.constantFrom(...AGENCIES),
      outcome: fc.constantFrom<CaseOutcome | null>(null, 'CONVICTION', 'PROSECUTION', 'DISMISSED'),
      referred: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(caseArb, { maxLength: 40 }),
        fc.constantFrom<string | null>(null, ...AGENCIES),
        (specs, viewer) => {
          const cases = specs.map((s) => led(s.lead, s.outcome, s.referred));
          const metrics = caseMetrics({ cases, viewer, now: T0, calendarOf: calendarFor });
          const rows = caseFiguresPerJurisdiction(metrics.perAgency);
          for (const row of rows) {
            const agencies = metrics.perAgency.filter((a) => a.jurisdiction === row.jurisdiction);
            const ledHere = cases.filter((c) => c.jurisdiction === row.jurisdiction);
            if (row.casesOpened !== 'suppressed') {
              // Shown: the true count, and every agency in it shown too.
              expect(row.casesOpened).toBe(ledHere.length);
              expect(agencies.every((a) => a.casesOpened !== 'suppressed')).toBe(true);
            }
            // The viewer alone in its jurisdiction sees it whole.
            const alone = viewer !== null && agencies.every((a) => a.agency === viewer);
            expect(row.own).toBe(alone);
            if (alone) expect(row.casesOpened).toBe(ledHere.length);
          }
          expect(rows.map((r) => r.jurisdiction)).toEqual(
            [...new Set(cases.map((c) => c.jurisdiction))].sort(),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
