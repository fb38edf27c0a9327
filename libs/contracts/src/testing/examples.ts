/** Test support: the example messages in schemas/examples, read once. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../../..');
export const EXAMPLES_DIR = join(REPO_ROOT, 'schemas/examples');

export interface Example {
  readonly file: string;
  readonly kind: 'ALERT' | 'CASE_NOTICE';
  readonly json: Record<string, unknown>;
}

export function loadExamples(): Example[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      kind: file.startsWith('alert-') ? ('ALERT' as const) : ('CASE_NOTICE' as const),
      json: JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Record<string, unknown>,
    }));
}

/** Avro zig-zag varint of an integer. */
export function avroLong(n: number | bigint): Buffer {
  let z = BigInt(n) >= 0n ? BigInt(n) << 1n : (-BigInt(n) << 1n) - 1n;
  const out: number[] = [];
  do {
    let b = Number(z & 0x7fn);
    z >>= 7n;
    if (z > 0n) b |= 0x80;
    out.push(b);
  } while (z > 0n);
  return Buffer.from(out);
}

export function avroString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([avroLong(bytes.length), bytes]);
}
