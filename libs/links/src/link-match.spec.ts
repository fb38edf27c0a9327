import {
  matchLinks,
  pseudonymsOf,
  type LinkIndexRow,
  type LinkKey,
  type LinkedMessage,
  type MessageLinkFacts,
  type Selector,
} from './index';

const K1: LinkKey = { epoch: 1, secret: new Uint8Array(32).fill(1) };
const K2: LinkKey = { epoch: 2, secret: new Uint8Array(32).fill(2) };

const phone: Selector = { kind: 'PHONE', value: '+40721555014', strength: 'EXACT' };
const plate: Selector = { kind: 'PLATE', value: 'RO:B123ABC', strength: 'EXACT' };
const person: Selector = { kind: 'PERSON', value: 'ana petrescu|2009-11-02', strength: 'POSSIBLE' };
const otherPhone: Selector = { kind: 'PHONE', value: '+40721555015', strength: 'EXACT' };

function held(agency: string, messageId: string, caseHandle: string | null = null): LinkedMessage {
  return { agency, messageId, caseHandle, tlp: 'AMBER', handlingCode: 'H0' };
}

function rows(
  message: LinkedMessage,
  key: LinkKey,
  selectors: readonly Selector[],
): LinkIndexRow[] {
  return pseudonymsOf([key], selectors).map((p) => ({ ...message, ...p }));
}

function incoming(
  message: LinkedMessage,
  keys: readonly LinkKey[],
  selectors: readonly Selector[],
): MessageLinkFacts {
  return { ...message, pseudonyms: pseudonymsOf(keys, selectors) };
}

describe('matchLinks', () => {
  const ro = held('ro-diicot', 'm-ro-1', 'RO-2026-11');
  const nl = held('nl-knp', 'm-nl-1', 'NL-2026-0142');

  it('links two agencies through a shared phone, with counterpart case handle and marks', () => {
    const pairs = matchLinks(incoming(nl, [K1], [phone, otherPhone]), rows(ro, K1, [phone]));
    expect(pairs).toEqual([{ message: nl, counterpart: ro, kinds: ['PHONE'], strength: 'EXACT' }]);
  });

  it('gathers every shared kind of a counterpart message into one pair', () => {
    const index = rows(ro, K1, [person, plate, phone]);
    const pairs = matchLinks(incoming(nl, [K1], [phone, plate, person]), index);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]?.kinds).toEqual(['PHONE', 'PLATE', 'PERSON']);
    expect(pairs[0]?.strength).toBe('EXACT');
  });

  it('a shared name and date of birth alone is a possible link', () => {
    const pairs = matchLinks(incoming(nl, [K1], [person]), rows(ro, K1, [person]));
    expect(pairs.map((p) => p.strength)).toEqual(['POSSIBLE']);
  });

  it('never links an agency with itself', () => {
    const own = held('nl-knp', 'm-nl-0');
    expect(matchLinks(incoming(nl, [K1], [phone]), rows(own, K1, [phone]))).toEqual([]);
  });

  it('never links a message with its own rows', () => {
    const same = { ...nl, agency: 'other' };
    expect(matchLinks(incoming(nl, [K1], [phone]), rows(same, K1, [phone]))).toEqual([]);
  });

  it('rows of one epoch match pseudonyms of the same epoch only', () => {
    const index = rows(ro, K1, [phone]);
    expect(matchLinks(incoming(nl, [K2], [phone]), index)).toEqual([]);
    expect(matchLinks(incoming(nl, [K2, K1], [phone]), index)).toHaveLength(1);
  });

  it('does not link a value of another kind with the same text', () => {
    const asHandle: Selector = { kind: 'HANDLE', value: phone.value, strength: 'EXACT' };
    expect(matchLinks(incoming(nl, [K1], [asHandle]), rows(ro, K1, [phone]))).toEqual([]);
  });

  it('orders pairs by counterpart agency and message', () => {
    const de = held('de-bka', 'm-de-9');
    const ro2 = held('ro-diicot', 'm-ro-0');
    const index = [...rows(ro, K1, [phone]), ...rows(ro2, K1, [phone]), ...rows(de, K1, [plate])];
    const pairs = matchLinks(incoming(nl, [K1], [phone, plate]), index);
    expect(pairs.map((p) => p.counterpart.messageId)).toEqual(['m-de-9', 'm-ro-0', 'm-ro-1']);
  });
});
