/**
 * Emits `libs/contracts/src/generated/schemas.ts`: every current top-level schema
 * and every released version, self-contained, as JSON text. The library reads
 * schemas from here at run time, so it needs no file-system access once built.
 */
import { GENERATED_HEADER } from './emit-types';
import { constArray, quote } from './format';

export function emitSources(
  current: ReadonlyMap<string, unknown>,
  history: ReadonlyMap<string, ReadonlyMap<number, unknown>>,
): string {
  const names = [...current.keys()];
  const sources = names.map((n) => `  ${n}:\n    ${quote(JSON.stringify(current.get(n)))},\n`);
  const released = names.map((n) => {
    const versions = history.get(n);
    if (versions === undefined || versions.size === 0) return `  ${n}: {},\n`;
    const lines = [...versions.entries()].map(
      // prettier keeps a short key and its long string on one line
      ([v, schema]) => `    ${v}: ${quote(JSON.stringify(schema))},\n`,
    );
    return `  ${n}: {\n${lines.join('')}  },\n`;
  });
  for (const n of history.keys()) {
    if (!current.has(n)) throw new Error(`schemas/history/${n} has no current schema`);
  }
  return [
    GENERATED_HEADER,
    constArray(
      'SCHEMA_NAMES',
      names,
      'Every top-level schema: the messages and the topic envelopes.',
    ),
    '/** Name of a top-level schema. */\nexport type SchemaName = (typeof SCHEMA_NAMES)[number];\n',
    `/** Current self-contained schema of each top-level name, as JSON text. */\nexport const SCHEMA_SOURCES: Readonly<Record<SchemaName, string>> = {\n${sources.join('')}};\n`,
    `/** Released versions of each schema (schemas/history): version -> JSON text. */\nexport const SCHEMA_HISTORY: Readonly<Record<SchemaName, Readonly<Record<number, string>>>> = {\n${released.join('')}};\n`,
  ].join('\n');
}
