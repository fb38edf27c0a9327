/**
 * The console's JSON reader (apps/gateway/console/safe-json.js, an ES module
 * served to the browser): every object a null-prototype copy, so a member named
 * __proto__ from alert content never becomes a prototype in the console.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

type ParseJson = (text: string) => unknown;

function loadParseJson(): ParseJson {
  const file = path.resolve(__dirname, '../../console/safe-json.js');
  const source = readFileSync(file, 'utf8').replace(/^export /gm, '');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const factory = new Function(`${source}\nreturn parseJson;`) as () => ParseJson;
  return factory();
}

const parseJson = loadParseJson();

function prototypesOf(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const v of value) prototypesOf(v, out);
  else if (typeof value === 'object' && value !== null) {
    out.push(Object.getPrototypeOf(value));
    for (const v of Object.values(value)) prototypesOf(v, out);
  }
  return out;
}

describe('console safe-json', () => {
  const text = JSON.stringify({
    claims: { narrative: 'n', subjects: [{ identity: { fullName: 'A' } }] },
    list: [1, 'two', null, { deep: { deeper: true } }],
  }).replace('"narrative"', '"__proto__":{"withheld":"via the prototype"},"narrative"');

  it('gives the same JSON as JSON.parse', () => {
    expect(JSON.stringify(parseJson(text))).toBe(JSON.stringify(JSON.parse(text)));
  });

  it('builds every object with a null prototype, at every depth', () => {
    const protos = prototypesOf(parseJson(text));
    expect(protos.length).toBeGreaterThan(5);
    expect(protos.every((p) => p === null)).toBe(true);
  });

  it('keeps __proto__ an own member that no read or copy turns into a prototype', () => {
    const claims = (parseJson(text) as { claims: Record<string, unknown> }).claims;
    expect(Object.keys(claims)).toEqual(['__proto__', 'narrative', 'subjects']);
    expect(claims.withheld).toBeUndefined();
    const copy = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(claims)) copy[key] = claims[key];
    expect(copy.withheld).toBeUndefined();
    const seen: string[] = [];
    for (const key in claims) seen.push(key);
    expect(seen).not.toContain('withheld');
  });
});
