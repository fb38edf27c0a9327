/**
 * Minimal benchmark harness: warm up, then time batches of calls with
 * process.hrtime and report per-call medians. Every figure in a report is
 * read as a ratio against a baseline measured in the same run.
 */
export interface Measurement {
  readonly name: string;
  readonly iterations: number;
  readonly nsPerOpMedian: number;
  readonly nsPerOpP99: number;
  readonly opsPerSec: number;
}

export interface MicroBenchmark {
  readonly group: string;
  /** Which measurement in the group the others are divided by. */
  readonly baseline: string;
  readonly run: () => Promise<Measurement[]>;
}

export interface MeasureOptions {
  readonly batches?: number;
  readonly batchSize?: number;
  readonly warmup?: number;
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? 0;
}

export async function measure(
  name: string,
  fn: () => unknown,
  options: MeasureOptions = {},
): Promise<Measurement> {
  const batches = options.batches ?? 30;
  const batchSize = options.batchSize ?? 100;
  for (let i = 0; i < (options.warmup ?? batchSize * 3); i++) await fn();
  const perOp: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batchSize; i++) await fn();
    perOp.push(Number(process.hrtime.bigint() - start) / batchSize);
  }
  perOp.sort((a, b) => a - b);
  const median = percentile(perOp, 50);
  return {
    name,
    iterations: batches * batchSize,
    nsPerOpMedian: median,
    nsPerOpP99: percentile(perOp, 99),
    opsPerSec: median > 0 ? 1e9 / median : 0,
  };
}

/** Ratio of a measurement's cost to the baseline's (>1 means slower than baseline). */
export function costRatio(m: Measurement, baseline: Measurement): number {
  return m.nsPerOpMedian / baseline.nsPerOpMedian;
}
