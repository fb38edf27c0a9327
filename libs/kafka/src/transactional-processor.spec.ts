import { splitIntoSends, type OutputRecord } from './transactional-processor';

const record = (topic: string, bytes: number, key = 'k'): OutputRecord => ({
  topic,
  key,
  value: Buffer.alloc(bytes),
});

describe('splitIntoSends', () => {
  it('keeps every output, in order per topic, within the byte budget per send', () => {
    const outputs = [
      ...Array.from({ length: 300 }, (_, i) => record(`feed-${i % 7}`, 3000, `m${i}`)),
      record('decisions', 200_000),
    ];
    const sends = splitIntoSends(outputs, 100_000);
    expect(sends.length).toBeGreaterThan(5);
    const flattened = sends.flatMap((send) =>
      send.flatMap((t) => t.messages.map((m) => `${t.topic}/${m.key}`)),
    );
    expect(flattened.sort()).toEqual(outputs.map((o) => `${o.topic}/${o.key}`).sort());
    for (const send of sends) {
      const bytes = send.reduce(
        (n, t) => n + t.messages.reduce((m, x) => m + x.value.length, 0),
        0,
      );
      // A single record larger than the budget travels alone.
      expect(bytes <= 100_000 || send.flatMap((t) => t.messages).length === 1).toBe(true);
    }
    const feed0 = sends.flatMap((s) =>
      s.filter((t) => t.topic === 'feed-0').flatMap((t) => t.messages.map((m) => m.key)),
    );
    expect(feed0).toEqual(outputs.filter((o) => o.topic === 'feed-0').map((o) => o.key));
  });

  it('sends nothing for no outputs', () => {
    expect(splitIntoSends([], 1000)).toEqual([]);
  });
});
