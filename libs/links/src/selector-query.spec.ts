import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMessage } from '@liaison/contracts';
import { extractSelectors, parseSelectorQuery, pseudonymOf, type Selector } from './index';

const EXAMPLES = join(__dirname, '../../../schemas/examples');

const ok = (body: unknown, jurisdiction = 'NL'): Selector => {
  const parsed = parseSelectorQuery(body, jurisdiction);
  if (!parsed.ok) throw new Error(`refused: ${JSON.stringify(parsed.problem)}`);
  return parsed.selector;
};

describe('parseSelectorQuery', () => {
  it.each([
    ['+40 721 555 014', undefined, 'NL'],
    ['0040721555014', undefined, 'NL'],
    ['0721 555 014', 'RO', 'NL'],
    ['0721 555 014', undefined, 'RO'],
  ])('reads phone %s (country %s, asked from %s) as one E.164 number', (value, country, j) => {
    expect(ok({ kind: 'PHONE', value, country }, j)).toEqual({
      kind: 'PHONE',
      value: '+40721555014',
      strength: 'EXACT',
    });
  });

  it('finds what a message selector field holds, whatever the spelling', () => {
    const fromMessage = extractSelectors(
      parseMessage<'ALERT'>(
        'ALERT',
        JSON.parse(readFileSync(join(EXAMPLES, 'alert-victim-at-risk.json'), 'utf8')) as unknown,
      ),
      'NL',
    ).selectors.filter((s) => s.kind === 'DOCUMENT');
    const key = { epoch: 1, secret: new Uint8Array(32).fill(7) };
    const queried = ok({ kind: 'document', value: 'rx-482 913', country: 'RO' });
    expect(pseudonymOf(key, queried)).toEqual(pseudonymOf(key, fromMessage[0] as Selector));
    expect(fromMessage[0]?.value).toBe('RO:RX482913');
  });

  it('reads the other kinds with their qualifiers', () => {
    expect(ok({ kind: 'PLATE', value: 'b-ab 1234', country: 'D' }).kind).toBe('PLATE');
    expect(ok({ kind: 'IBAN', value: 'NL91 ABNA 0417 1643 00' }).value).toBe('NL91ABNA0417164300');
    expect(ok({ kind: 'EMAIL', value: 'Recruiter@Example.com' }).kind).toBe('EMAIL');
    expect(ok({ kind: 'HANDLE', value: '@jobs_abroad', platform: 'Telegram' }).kind).toBe('HANDLE');
    expect(ok({ kind: 'PERSON', value: 'Ana Popescu', dateOfBirth: '2009-03-14' })).toEqual({
      kind: 'PERSON',
      value: 'ana popescu|2009-03-14',
      strength: 'POSSIBLE',
    });
  });

  it.each([
    [null, { field: 'body', reason: 'missing' }],
    [['PHONE'], { field: 'body', reason: 'missing' }],
    [{ value: '+40721555014' }, { field: 'kind', reason: 'missing' }],
    [
      { kind: 'SHOE_SIZE', value: '44' },
      { field: 'kind', reason: 'unknown-kind' },
    ],
    [{ kind: 'PHONE' }, { field: 'value', reason: 'missing' }],
    [
      { kind: 'PHONE', value: 40721555014 },
      { field: 'value', reason: 'not-text' },
    ],
    [
      { kind: 'PHONE', value: '1'.repeat(201) },
      { field: 'value', reason: 'too-long' },
    ],
    [
      { kind: 'PHONE', value: '+40721555014', note: 'x' },
      { field: 'note', reason: 'unknown' },
    ],
    [
      { kind: 'PHONE', value: 'call me' },
      { field: 'value', reason: 'invalid-phone' },
    ],
    [
      { kind: 'PHONE', value: '0721555014', country: 'XX' },
      { field: 'value', reason: 'unknown-country' },
    ],
    [
      { kind: 'DOCUMENT', value: 'ZX7741902' },
      { field: 'value', reason: 'missing-country' },
    ],
    [
      { kind: 'PLATE', value: 'B AB 1234' },
      { field: 'value', reason: 'missing-country' },
    ],
    [
      { kind: 'PERSON', value: 'Ana Popescu' },
      { field: 'value', reason: 'partial-date-of-birth' },
    ],
  ])('refuses %j with %j', (body, problem) => {
    expect(parseSelectorQuery(body, 'NL')).toEqual({ ok: false, problem });
  });

  it('reads own members only: an inherited kind is no kind', () => {
    const body = Object.create({ kind: 'PHONE' }) as Record<string, unknown>;
    body.value = '+40721555014';
    expect(parseSelectorQuery(body, 'NL')).toEqual({
      ok: false,
      problem: { field: 'kind', reason: 'missing' },
    });
  });
});
