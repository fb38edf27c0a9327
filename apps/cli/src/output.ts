/**
 * Printing: human-readable by default, JSON with --json. Progress goes to
 * stderr, and only when stderr is a terminal: a pipe or a log file gets the
 * result alone.
 */
export interface OutputOptions {
  readonly json?: boolean;
}

export function print(options: OutputOptions, value: unknown, human?: () => string): void {
  if (options.json || !human)
    process.stdout.write(`${JSON.stringify(value, null, options.json ? 0 : 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}

/** A bar for work of known size, redrawn in place: `[#####.....] 50/100 label`. */
export function progress(done: number, total: number, label: string): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  process.stderr.write(`\r[${bar}] ${done}/${total} ${label}${done === total ? '\n' : ''}`);
}

/** A running count for work of unknown size (pages until the last): `label: n`. */
export function progressCount(done: number, label: string, finished = false): void {
  if (!process.stderr.isTTY) return;
  process.stderr.write(`\r${label}: ${done}${finished ? '\n' : ''}`);
}
