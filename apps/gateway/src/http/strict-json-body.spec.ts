import { strictJsonBodyOf } from './strict-json-body';

const parse = (text: string): unknown => strictJsonBodyOf(Buffer.from(text, 'utf8'));
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('strictJsonBodyOf', () => {
  it('gives objects without a prototype a "__proto__" member could reach', () => {
    const body = parse('{"__proto__":{"isAdmin":true},"rules":[{"a":1}]}') as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(body)).toBeNull();
    expect(Object.getPrototypeOf((body.rules as object[])[0])).toBeNull();
    expect(Object.hasOwn(body, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('refuses a member given twice, even spelt with an escape', () => {
    expect(codeOf(() => parse('{"roles":["a"],"roles":["admin"]}'))).toBe('json.duplicate-member');
    expect(codeOf(() => parse('{"tlp":"RED","\\u0074lp":"CLEAR"}'))).toBe('json.duplicate-member');
  });

  it('refuses what is not JSON, invalid UTF-8 and a body that is not an object or array', () => {
    expect(codeOf(() => parse('{"a":'))).toBe('json.malformed');
    expect(codeOf(() => strictJsonBodyOf(Buffer.from([0x7b, 0xff, 0x7d])))).toBe('json.bad-utf8');
    expect(codeOf(() => parse('"text"'))).toBe('json.malformed');
    expect(codeOf(() => parse('null'))).toBe('json.malformed');
    expect(parse('[]')).toEqual([]);
  });
});
