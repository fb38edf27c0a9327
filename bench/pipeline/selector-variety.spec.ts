import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { kindOf, parseMessage, type Message } from '@liaison/contracts';
import { extractSelectors } from '@liaison/links';
import { REPEAT_EVERY, selectorIndex, withSelectorsOf } from './selector-variety';

const examples = path.resolve(__dirname, '../../schemas/examples');
const templates = readdirSync(examples)
  .filter((name) => name.startsWith('alert-'))
  .map(
    (name) =>
      JSON.parse(readFileSync(path.join(examples, name), 'utf8')) as Record<string, unknown>,
  );

function selectorsOf(json: Record<string, unknown>): string[] {
  const message = parseMessage(kindOf(json as unknown as Message), json);
  return extractSelectors(message, 'RO').selectors.map((s) => `${s.kind} ${s.value}`);
}

describe('withSelectorsOf', () => {
  it.each(templates.map((t) => [String(t.messageType), t] as const))(
    'keeps %s a valid message with as many selectors of each kind as its template',
    (_type, template) => {
      const kinds = (list: string[]) => list.map((s) => s.split(' ')[0]).sort();
      const expected = kinds(selectorsOf(template));
      for (const v of [0, 1, 27, 3599]) {
        expect(kinds(selectorsOf(withSelectorsOf(template, v)))).toEqual(expected);
      }
    },
  );

  it('gives every index selector values no other index has', () => {
    const seen = new Map<string, number>();
    for (const template of templates) {
      for (let v = 0; v < 400; v++) {
        for (const selector of selectorsOf(withSelectorsOf(template, v))) {
          expect(seen.get(selector)).toBeUndefined();
          seen.set(selector, v);
        }
      }
    }
    expect(seen.size).toBeGreaterThan(400 * 5);
  });

  it('gives one index the same selectors every time', () => {
    const template = templates[6] as Record<string, unknown>;
    expect(selectorsOf(withSelectorsOf(template, 42))).toEqual(
      selectorsOf(withSelectorsOf(template, 42)),
    );
  });
});

describe('selectorIndex', () => {
  it('repeats the message one template cycle before, for one message in REPEAT_EVERY', () => {
    const repeats = Array.from({ length: 1000 }, (_, n) => n).filter(
      (n) => selectorIndex(n, 7) !== n,
    );
    expect(repeats).toHaveLength(1000 / REPEAT_EVERY - 1);
    for (const n of repeats) {
      expect(selectorIndex(n, 7)).toBe(n - 7);
      // What it repeats is a message of its own values: no chains, so pairs stay linear.
      expect(selectorIndex(n - 7, 7)).toBe(n - 7);
    }
  });
});
