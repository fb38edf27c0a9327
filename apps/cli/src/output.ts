/** Printing: human-readable by default, JSON with --json; progress goes to stderr. */
export interface OutputOptions {
  readonly json?: boolean;
}

export function print(options: OutputOptions, value: unknown, human?: () => string): void {
  if (options.json || !human)
    process.stdout.write(`${JSON.stringify(value, null, options.json ? 0 : 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}

export function progress(done: number, total: number, label: string): void {
  if (!process.stderr.isTTY && done !== total && done % 50 !== 0) return;
  const width = 30;
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
  process.stderr.write(`\r[${bar}] ${done}/${total} ${label}${done === total ? '\n' : ''}`);
}
