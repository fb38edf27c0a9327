/** Small-count suppression: primary and complementary cells, own figures, and the total. */
import fc from 'fast-check';
import { SMALL_COUNT_THRESHOLD, suppressColumn, type ColumnEntry } from '@liaison/small-counts';

const k = SMALL_COUNT_THRESHOLD;
const entry = (key: string, value: number, own = false): ColumnEntry => ({ key, value, own });

describe('small-count suppression', () => {
  it('shows the viewer’s own small figure and hides others’ small ones with a complement', () => {
    const column = suppressColumn([
      entry('nl', 2, true),
      entry('de', 3),
      entry('fr', 9),
      entry('ro', 12),
    ]);
    expect(Object.fromEntries(column.cells)).toEqual({
      nl: 2,
      de: 'suppressed',
      fr: 'suppressed',
      ro: 12,
    });
    expect(column.total).toBe(26);
  });

  it('adds complements until the hidden cells sum to the threshold', () => {
    const column = suppressColumn([entry('a', 1), entry('b', 1), entry('c', 6), entry('d', 40)]);
    // a + b = 2 would be revealed by the total: c joins them.
    expect(Object.fromEntries(column.cells)).toEqual({
      a: 'suppressed',
      b: 'suppressed',
      c: 'suppressed',
      d: 40,
    });
  });

  it('hides the total when no other cell can protect a small one', () => {
    const column = suppressColumn([entry('nl', 30, true), entry('de', 2)]);
    expect(Object.fromEntries(column.cells)).toEqual({ nl: 30, de: 'suppressed' });
    expect(column.total).toBe('suppressed');
  });

  it('shows zeros and every figure at or above the threshold', () => {
    const column = suppressColumn([entry('a', 0), entry('b', k), entry('c', 100)]);
    expect(Object.fromEntries(column.cells)).toEqual({ a: 0, b: k, c: 100 });
  });

  it('never lets the total minus the shown cells reveal a small figure', () => {
    const columns = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.boolean()), {
        minLength: 1,
        maxLength: 8,
      })
      .map((cells) => cells.map(([value, own], i) => entry(`a${i}`, value, own && i === 0)));
    fc.assert(
      fc.property(columns, (entries) => {
        const { cells, total } = suppressColumn(entries);
        const hidden = entries.filter((e) => cells.get(e.key) === 'suppressed');
        for (const e of entries) {
          if (e.own) expect(cells.get(e.key)).toBe(e.value);
          else if (e.value > 0 && e.value < k) expect(cells.get(e.key)).toBe('suppressed');
          else if (cells.get(e.key) !== 'suppressed') expect(cells.get(e.key)).toBe(e.value);
        }
        if (hidden.length > 0 && total !== 'suppressed') {
          // What a reader can derive: the hidden cells' sum, which is never one cell nor small.
          const derived =
            total - entries.filter((e) => !hidden.includes(e)).reduce((s, e) => s + e.value, 0);
          expect(hidden.length).toBeGreaterThanOrEqual(2);
          expect(derived).toBeGreaterThanOrEqual(k);
        }
      }),
      { numRuns: 500 },
    );
  });
});
