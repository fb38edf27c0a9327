/**
 * The strict JSON parser: same values as JSON.parse for every JSON text without
 * duplicate names (property), and each way it differs refused with its own code.
 */
import fc from 'fast-check';
import { parseStrictJson, parseStrictJsonBytes } from './strict-json';

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'ACCEPTED';
}

describe('parseStrictJson', () => {
  it('agrees with JSON.parse on any JSON text (no duplicate names by construction)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        expect(JSON.stringify(parseStrictJson(text))).toBe(JSON.stringify(JSON.parse(text)));
      }),
      { seed: 18, numRuns: 300 },
    );
  });

  it('agrees with JSON.parse on strings with any escapes and code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const text = JSON.stringify({ [s]: s });
        expect(parseStrictJson(text)).toEqual(JSON.parse(text));
      }),
      { seed: 18, numRuns: 300 },
    );
  });

  it('builds objects with a null prototype: __proto__ is an own member, never the prototype', () => {
    const value = parseStrictJson('{"__proto__":{"polluted":1},"a":{"constructor":2}}') as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.getPrototypeOf(value.a)).toBeNull();
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect((value as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it.each([
    ['same name twice', '{"iss":"a","iss":"b"}'],
    ['same name, one escaped', '{"iss":"a","\\u0069ss":"b"}'],
    ['same name with an escaped slash', '{"a/b":1,"a\\/b":2}'],
    ['nested object', '{"x":{"k":1,"k":1}}'],
    ['inside an array', '[{"k":null,"k":null}]'],
    ['__proto__ twice', '{"__proto__":1,"__proto__":2}'],
  ])('refuses duplicate member names: %s', (_label, text) => {
    expect(() => JSON.parse(text) as unknown).not.toThrow();
    expect(codeOf(() => parseStrictJson(text))).toBe('json.duplicate-member');
  });

  it.each([
    ['empty', ''],
    ['trailing comma in object', '{"a":1,}'],
    ['trailing comma in array', '[1,]'],
    ['single quotes', "{'a':1}"],
    ['leading zero', '01'],
    ['bare minus', '-'],
    ['bad escape', '"\\x41"'],
    ['short unicode escape', '"\\u12"'],
    ['raw control character', '"a\nb"'],
    ['unterminated string', '"abc'],
    ['NaN', 'NaN'],
    ['two values', '{} {}'],
    ['unquoted name', '{a:1}'],
    ['missing colon', '{"a" 1}'],
    ['BOM', '\uFEFF{}'],
  ])('refuses what is not JSON: %s', (_label, text) => {
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(codeOf(() => parseStrictJson(text))).toBe('json.malformed');
  });

  it('caps nesting instead of overflowing the stack', () => {
    expect(codeOf(() => parseStrictJson('['.repeat(100_000)))).toBe('json.too-deep');
    expect(codeOf(() => parseStrictJson(`${'['.repeat(64)}${']'.repeat(64)}`))).toBe('ACCEPTED');
    expect(codeOf(() => parseStrictJson(`${'['.repeat(65)}${']'.repeat(65)}`))).toBe(
      'json.too-deep',
    );
  });

  it('refuses invalid UTF-8 bytes, which Buffer#toString would turn into U+FFFD', () => {
    const bytes = Buffer.concat([Buffer.from('{"a'), Buffer.from([0xff]), Buffer.from('":1}')]);
    expect(codeOf(() => parseStrictJsonBytes(bytes))).toBe('json.bad-utf8');
    expect(parseStrictJsonBytes(Buffer.from('{"é":1}'))).toEqual({ é: 1 });
  });
});
