/**
 * Small-count suppression for figures shown to agencies about other agencies.
 * A cell below the threshold (1 to k-1) is suppressed (primary); then, in each
 * column that has a total, further cells are suppressed (complementary) until the
 * suppressed cells number at least two and add up to at least k, so the total
 * minus the shown cells reveals neither one cell nor a small sum. Cells the viewer
 * owns are never suppressed (the viewer knows them, so they count as shown). If no
 * cell is left to suppress, the total is suppressed instead.
 */

/** Smallest count shown about others (statistical offices' common rule). */
export const SMALL_COUNT_THRESHOLD = 5;

export type Cell = number | 'suppressed';

export interface ColumnEntry {
  readonly key: string;
  readonly value: number;
  /** The viewer's own figure: shown whatever its size. */
  readonly own: boolean;
}

export interface SuppressedColumn {
  readonly cells: ReadonlyMap<string, Cell>;
  readonly total: Cell;
}

export function suppressColumn(
  entries: readonly ColumnEntry[],
  threshold: number = SMALL_COUNT_THRESHOLD,
): SuppressedColumn {
  const hidden = new Set(
    entries.filter((e) => !e.own && e.value > 0 && e.value < threshold).map((e) => e.key),
  );
  const sumHidden = (): number =>
    entries.filter((e) => hidden.has(e.key)).reduce((sum, e) => sum + e.value, 0);
  let totalHidden = false;
  while (hidden.size > 0 && (hidden.size < 2 || sumHidden() < threshold)) {
    // The smallest other figure still shown; zeros do not protect a sum.
    const next = entries
      .filter((e) => !e.own && !hidden.has(e.key) && e.value > 0)
      .sort((a, b) => a.value - b.value || a.key.localeCompare(b.key))[0];
    if (next === undefined) {
      totalHidden = true;
      break;
    }
    hidden.add(next.key);
  }
  const total = entries.reduce((sum, e) => sum + e.value, 0);
  return {
    cells: new Map(entries.map((e) => [e.key, hidden.has(e.key) ? 'suppressed' : e.value])),
    total: totalHidden ? 'suppressed' : total,
  };
}
