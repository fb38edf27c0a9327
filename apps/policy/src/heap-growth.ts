/**
 * How far the worker's V8 heap may grow past what survived its last full
 * collection before the next one starts. V8 picks the factor itself (up to
 * 4× for a process whose collections are fast); the worker's live set is
 * small (about 40 MB) and what it allocates per message is garbage within a
 * slice, so under load its heap held mostly garbage: 150 MB in use at the
 * largest RSS sample of the F = 5 drain. With the factor fixed at 1.5 the
 * worker's steady RSS fell by a tenth to a quarter at F = 5, 20 and 200 with
 * its CPU per message level (docs/benchmarks.md). V8 reads the flag at every
 * limit it computes, so setting it at start-up takes effect.
 */
import { setFlagsFromString } from 'node:v8';

/** Growth allowed past the live heap, in per cent. */
export const WORKER_HEAP_GROWING_PERCENT = 50;

export function limitHeapGrowth(percent: number = WORKER_HEAP_GROWING_PERCENT): void {
  if (!Number.isInteger(percent) || percent < 1 || percent > 300) {
    throw new RangeError(`heap growing percent must be an integer in 1..300, got ${percent}`);
  }
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
