/**
 * `npm run contracts:generate`            regenerate types, embedded schemas and docs
 * `npm run contracts:generate -- --check` exit 1 if any generated file is stale
 * `npm run contracts:generate -- --release <Name>` snapshot the current schema as the
 *                                          next `schemas/history/<Name>/v<N>.avsc`
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { generateContracts } from './generate';
import { loadSchemaSet } from './schema-files';

const repoRoot = resolve(__dirname, '../../..');

function release(name: string): void {
  const schema = loadSchemaSet(join(repoRoot, 'schemas')).current.get(name);
  if (schema === undefined) throw new Error(`no schema ${name}`);
  const dir = join(repoRoot, 'schemas/history', name);
  mkdirSync(dir, { recursive: true });
  const versions = readdirSync(dir)
    .map((f) => /^v(\d+)\.avsc$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
  const next = Math.max(0, ...versions) + 1;
  writeFileSync(join(dir, `v${next}.avsc`), `${JSON.stringify(schema, null, 2)}\n`);
  process.stdout.write(`released ${name} v${next}\n`);
}

export function main(args: readonly string[]): number {
  const releaseAt = args.indexOf('--release');
  if (releaseAt >= 0) {
    const name = args[releaseAt + 1];
    if (name === undefined) throw new Error('--release needs a schema name');
    release(name);
  }
  const check = args.includes('--check');
  const stale: string[] = [];
  for (const file of generateContracts(repoRoot)) {
    const target = join(repoRoot, file.path);
    const existing = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (existing === file.content) continue;
    if (check) {
      stale.push(file.path);
    } else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.content);
      process.stdout.write(`wrote ${file.path}\n`);
    }
  }
  if (stale.length > 0) {
    process.stderr.write(
      `stale generated files (run npm run contracts:generate): ${stale.join(', ')}\n`,
    );
    return 1;
  }
  return 0;
}
