import fc from 'fast-check';
import { RefusalWindows } from './refusal-windows';

describe('RefusalWindows', () => {
  it('lists the first `limit` refusals per agency and window, counts the rest into one aggregate', () => {
    const w = new RefusalWindows(2, 60_000);
    const t0 = 120_000;
    const seen = [0, 1, 2, 3, 4].map((i) => w.admit('nl-knp', 'verified', `code.${i % 2}`, t0 + i));
    expect(seen).toEqual(['listed', 'listed', 'counted', 'counted', 'counted']);
    // Another agency, and the same agency only claimed, have windows of their own.
    expect(w.admit('de-bka', 'verified', 'x', t0)).toBe('listed');
    expect(w.admit('nl-knp', 'claimed', 'x', t0)).toBe('listed');
    expect(w.close(t0 + 59_999)).toEqual([]);
    expect(w.close(t0 + 60_000)).toEqual([
      {
        stage: 'gateway',
        agency: 'nl-knp',
        attribution: 'verified',
        count: 3,
        windowStart: new Date(t0).toISOString(),
        windowEnd: new Date(t0 + 60_000).toISOString(),
        reasonCodes: { 'code.0': 2, 'code.1': 1 },
      },
    ]);
    expect(w.close(t0 + 120_000)).toEqual([]);
    expect(w.size).toBe(0);
  });

  it('a window replaced by a newer one is still closed once; everything closes at shutdown', () => {
    const w = new RefusalWindows(0, 1000);
    w.admit(null, 'unknown', 'a', 500);
    w.admit(null, 'unknown', 'a', 1500); // a new window before close() ran
    const first = w.close(1600);
    expect(first.map((a) => [a.windowStart, a.count])).toEqual([[new Date(0).toISOString(), 1]]);
    const last = w.close(1700, true);
    expect(last.map((a) => [a.windowEnd, a.count])).toEqual([[new Date(1700).toISOString(), 1]]);
    expect(w.close(5000, true)).toEqual([]);
  });

  it('refuses a negative limit and an empty window', () => {
    expect(() => new RefusalWindows(-1, 1000)).toThrow(RangeError);
    expect(() => new RefusalWindows(1, 0)).toThrow(RangeError);
  });

  it('property: every refusal is listed or counted exactly once, at most `limit` listed per key and window', () => {
    const agencies = ['a-one', 'b-two', null] as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.array(
          fc.record({
            agency: fc.constantFrom(...agencies),
            claimed: fc.boolean(),
            dt: fc.integer({ min: 0, max: 3000 }),
            code: fc.constantFrom('token.replayed', 'sdjwt.unknown-kid', 'http.404'),
          }),
          { maxLength: 200 },
        ),
        fc.integer({ min: 0, max: 10_000 }),
        (limit, events, closeEvery) => {
          const windowMs = 1000;
          const w = new RefusalWindows(limit, windowMs);
          const listed = new Map<string, number>();
          let counted = 0;
          let aggregates = 0;
          let now = 0;
          const perKeyWindow = new Set<string>();
          for (const e of events) {
            now += e.dt;
            const attribution = e.agency === null ? 'unknown' : e.claimed ? 'claimed' : 'verified';
            const key = `${attribution} ${e.agency} ${Math.floor(now / windowMs)}`;
            if (w.admit(e.agency, attribution, e.code, now) === 'listed')
              listed.set(key, (listed.get(key) ?? 0) + 1);
            if (closeEvery > 0 && now % closeEvery < 50)
              for (const a of w.close(now)) {
                const k = `${a.attribution} ${a.agency} ${a.windowStart}`;
                if (perKeyWindow.has(k)) return false; // one aggregate per key and window
                perKeyWindow.add(k);
                counted += a.count;
                aggregates += 1;
                if (Object.values(a.reasonCodes).reduce((x, y) => x + y, 0) !== a.count)
                  return false;
              }
          }
          for (const a of w.close(now, true)) {
            counted += a.count;
            aggregates += 1;
          }
          const listedTotal = [...listed.values()].reduce((x, y) => x + y, 0);
          return (
            [...listed.values()].every((n) => n <= limit) &&
            listedTotal + counted === events.length &&
            aggregates <= events.length &&
            w.size === 0
          );
        },
      ),
      { seed: 18_3, numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});
