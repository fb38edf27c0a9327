import { checkAssignment, countDeliveries } from './exactly-once';

describe('countDeliveries', () => {
  const expected = new Map([
    ['feed.a', new Set(['m1', 'm2'])],
    ['feed.b', new Set(['m1'])],
  ]);

  it('is exactly once when every entitled pair arrived once', () => {
    const count = countDeliveries(expected, { 'feed.a': ['m2', 'm1'], 'feed.b': ['m1'] });
    expect(count).toEqual({
      expected: 3,
      delivered: 3,
      missing: 0,
      duplicated: 0,
      unexpected: 0,
      exactlyOnce: true,
    });
  });

  it('counts a pair delivered twice, a missing pair and a pair not entitled', () => {
    const count = countDeliveries(expected, {
      'feed.a': ['m1', 'm1', 'm1'],
      'feed.b': ['m1', 'm2'],
      'feed.c': ['m1'],
    });
    expect(count).toEqual({
      expected: 3,
      delivered: 6,
      missing: 1,
      duplicated: 2,
      unexpected: 2,
      exactlyOnce: false,
    });
  });

  it('is not exactly once when nothing arrived', () => {
    expect(countDeliveries(expected, {})).toMatchObject({ missing: 3, exactlyOnce: false });
  });
});

describe('checkAssignment', () => {
  it('accepts four partitions over two members, each owned once', () => {
    const check = checkAssignment({ w1: [0, 2], w2: [1, 3] }, 4, true);
    expect(check).toMatchObject({ members: 2, unowned: [], ownedTwice: [], idle: 0, ok: true });
  });

  it('finds a partition owned twice and one owned by nobody', () => {
    const check = checkAssignment({ w1: [0, 1], w2: [1, 3] }, 4, true);
    expect(check).toMatchObject({ unowned: [2], ownedTwice: [1], ok: false });
  });

  it('finds an idle member only when every member must own one', () => {
    expect(checkAssignment({ w1: [0, 1, 2, 3], w2: [] }, 4, true)).toMatchObject({
      idle: 1,
      ok: false,
    });
    expect(checkAssignment({ w1: [0, 1, 2, 3], w2: [] }, 4, false).ok).toBe(true);
  });

  it('rejects a partition the topic does not have', () => {
    expect(checkAssignment({ w1: [0, 1, 2, 3, 4] }, 4, true).ok).toBe(false);
  });
});
