import fc from 'fast-check';
import { admitQuery, quotaWindowsOf, type QueryQuotaLimits, type QuotaWindow } from './index';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LIMITS: QueryQuotaLimits = {
  agency: { limit: 5, windowMs: DAY },
  officer: { limit: 3, windowMs: HOUR },
};

/** Runs queries through admitQuery with in-memory counters, as the gateway does with rows. */
function run(
  limits: QueryQuotaLimits,
  queries: readonly { agency: string; officer: string; at: number }[],
): { admitted: boolean; breached: readonly QuotaWindow[] }[] {
  const used = new Map<string, number>();
  const key = (w: QuotaWindow) => `${w.scope}|${w.holder}|${w.start}`;
  return queries.map((q) => {
    const windows = quotaWindowsOf(limits, q, q.at);
    const admission = admitQuery(
      windows.map((window) => ({ window, used: used.get(key(window)) ?? 0 })),
      q.at,
    );
    if (admission.admitted) for (const w of windows) used.set(key(w), (used.get(key(w)) ?? 0) + 1);
    return { admitted: admission.admitted, breached: admission.admitted ? [] : admission.breached };
  });
}

describe('link query quotas', () => {
  const t0 = Date.UTC(2026, 11, 2, 10, 0, 0);

  it('puts a query in the agency day and the officer hour it falls in, aligned on the epoch', () => {
    const [agency, officer] = quotaWindowsOf(
      LIMITS,
      { agency: 'nl-knp', officer: 'anna' },
      t0 + 25 * 60_000,
    );
    expect(agency).toEqual({
      scope: 'AGENCY',
      holder: 'nl-knp',
      start: Date.UTC(2026, 11, 2),
      end: Date.UTC(2026, 11, 3),
      limit: 5,
    });
    expect(officer).toEqual({
      scope: 'OFFICER',
      holder: 'nl-knp/anna',
      start: t0,
      end: t0 + HOUR,
      limit: 3,
    });
  });

  it("admits an officer's limit, refuses the next with the time until the window ends", () => {
    const results = run(
      LIMITS,
      [0, 1, 2, 3].map((i) => ({ agency: 'nl-knp', officer: 'anna', at: t0 + i * 60_000 })),
    );
    expect(results.map((r) => r.admitted)).toEqual([true, true, true, false]);
    expect(results[3]?.breached.map((w) => w.scope)).toEqual(['OFFICER']);
    const windows = quotaWindowsOf(LIMITS, { agency: 'nl-knp', officer: 'anna' }, t0);
    const refused = admitQuery(
      windows.map((window, i) => ({ window, used: i === 1 ? 3 : 0 })),
      t0 + 10 * 60_000,
    );
    expect(refused).toMatchObject({ admitted: false, retryAfterMs: 50 * 60_000 });
  });

  it('admits again in the next window', () => {
    const results = run(
      LIMITS,
      [0, 1, 2, 3, 60].map((m) => ({ agency: 'nl-knp', officer: 'anna', at: t0 + m * 60_000 })),
    );
    expect(results.map((r) => r.admitted)).toEqual([true, true, true, false, true]);
  });

  it("holds the agency's limit across its officers, and other agencies are untouched", () => {
    const officers = ['anna', 'bert', 'carl'];
    const results = run(LIMITS, [
      ...officers.flatMap((officer) => [
        { agency: 'nl-knp', officer, at: t0 },
        { agency: 'nl-knp', officer, at: t0 + 1 },
      ]),
      { agency: 'de-bka', officer: 'anna', at: t0 + 2 },
    ]);
    expect(results.map((r) => r.admitted)).toEqual([true, true, true, true, true, false, true]);
    expect(results[5]?.breached.map((w) => `${w.scope} ${w.holder}`)).toEqual(['AGENCY nl-knp']);
  });

  it('a refused query consumes nothing', () => {
    const results = run(
      { agency: { limit: 2, windowMs: DAY }, officer: { limit: 1, windowMs: HOUR } },
      [
        { agency: 'nl-knp', officer: 'anna', at: t0 },
        { agency: 'nl-knp', officer: 'anna', at: t0 + 1 },
        { agency: 'nl-knp', officer: 'anna', at: t0 + 2 },
        { agency: 'nl-knp', officer: 'bert', at: t0 + 3 },
      ],
    );
    expect(results.map((r) => r.admitted)).toEqual([true, false, false, true]);
  });

  it('property: never more admitted per window than its limit, and refusals only when a window is full', () => {
    const query = fc.record({
      agency: fc.constantFrom('nl-knp', 'de-bka'),
      officer: fc.constantFrom('anna', 'bert', 'carl'),
      at: fc.integer({ min: t0, max: t0 + 3 * DAY }),
    });
    fc.assert(
      fc.property(
        fc.array(query, { maxLength: 200 }).map((qs) => [...qs].sort((a, b) => a.at - b.at)),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 8 }),
        (queries, agencyLimit, officerLimit) => {
          const limits: QueryQuotaLimits = {
            agency: { limit: agencyLimit, windowMs: DAY },
            officer: { limit: officerLimit, windowMs: HOUR },
          };
          const results = run(limits, queries);
          // The reference: count admitted queries per window directly.
          const admittedIn = new Map<string, number>();
          queries.forEach((q, i) => {
            const windows = quotaWindowsOf(limits, q, q.at);
            const keys = windows.map((w) => `${w.scope}|${w.holder}|${w.start}`);
            const full = windows.some((w, j) => (admittedIn.get(keys[j] ?? '') ?? 0) >= w.limit);
            expect(results[i]?.admitted).toBe(!full);
            if (!full) for (const k of keys) admittedIn.set(k, (admittedIn.get(k) ?? 0) + 1);
          });
          for (const [k, n] of admittedIn) {
            expect(n).toBeLessThanOrEqual(k.startsWith('AGENCY') ? agencyLimit : officerLimit);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
