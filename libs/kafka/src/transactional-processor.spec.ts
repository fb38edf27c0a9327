import {
  isFencedError,
  meanWaitMs,
  sliceSize,
  splitIntoSends,
  type OutputRecord,
} from './transactional-processor';

const record = (topic: string, bytes: number, key = 'k'): OutputRecord => ({
  topic,
  key,
  value: Buffer.alloc(bytes),
});

type Sends = ReturnType<typeof splitIntoSends>;

const keysOf = (sends: Sends, topic: string): string[] =>
  sends.flatMap((s) =>
    s.filter((t) => t.topic === topic).flatMap((t) => t.messages.map((m) => m.key)),
  );

const bytesOf = (messages: { value: Buffer }[]): number =>
  messages.reduce((n, m) => n + m.value.length, 0);

describe('splitIntoSends', () => {
  const outputs = [
    ...Array.from({ length: 300 }, (_, i) => record(`feed-${i % 7}`, 3000, `m${i}`)),
    record('decisions', 200_000, 'big'),
    ...Array.from({ length: 40 }, (_, i) => record('decisions', 1000, `d${i}`)),
  ];

  it('keeps every output once, in order per topic', () => {
    const sends = splitIntoSends(outputs, { perTopicBytes: 40_000, perSendBytes: 150_000 });
    const flattened = sends.flatMap((send) =>
      send.flatMap((t) => t.messages.map((m) => `${t.topic}/${m.key}`)),
    );
    expect(flattened.sort()).toEqual(outputs.map((o) => `${o.topic}/${o.key}`).sort());
    for (const topic of ['feed-0', 'feed-6', 'decisions']) {
      expect(keysOf(sends, topic)).toEqual(
        outputs.filter((o) => o.topic === topic).map((o) => o.key),
      );
    }
  });

  it('keeps each topic under its budget per call, and each call under the send budget', () => {
    const sends = splitIntoSends(outputs, { perTopicBytes: 40_000, perSendBytes: 150_000 });
    expect(sends.length).toBeGreaterThan(3);
    for (const send of sends) {
      const all = send.flatMap((t) => t.messages);
      // A single record larger than a budget travels alone.
      expect(bytesOf(all) <= 150_000 || all.length === 1).toBe(true);
      for (const t of send) {
        expect(bytesOf(t.messages) <= 40_000 || t.messages.length === 1).toBe(true);
      }
    }
  });

  it('uses as few calls as the budgets allow: one when everything fits', () => {
    const small = outputs.filter((o) => o.key !== 'big');
    expect(splitIntoSends(small, { perTopicBytes: 1 << 20, perSendBytes: 8 << 20 })).toHaveLength(
      1,
    );
    // 43 records of 3 KB per feed topic at 40 KB per topic: ceil(129 KB / 40 KB) = 4 calls.
    expect(
      splitIntoSends(small, { perTopicBytes: 40_000, perSendBytes: 8 << 20 }).length,
    ).toBeLessThanOrEqual(4);
  });

  it('passes each value on as the whole Buffer it was given', () => {
    const outputs = Array.from({ length: 30 }, (_, i) => record('feed-0', 3100, `k${i}`));
    // 30 records of ~3.2 KB at 40 KB per topic: 3 calls.
    const sends = splitIntoSends(outputs, { perTopicBytes: 40_000, perSendBytes: 8 << 20 });
    expect(sends).toHaveLength(3);
    const sent = sends.flatMap((send) => send.flatMap((t) => t.messages.map((m) => m.value)));
    expect(sent).toHaveLength(30);
    sent.forEach((value, i) => expect(value).toBe(outputs[i]!.value));
  });

  it('passes on the partition a record names, and none where it names none', () => {
    const named = { ...record('feed-0', 100, 'p'), partition: 0 };
    const keyed = record('decisions', 100, 'k');
    const sent = splitIntoSends([named, keyed]).flatMap((send) => send.flatMap((t) => t.messages));
    expect(sent.map((m) => [m.key, m.partition])).toEqual([
      ['p', 0],
      ['k', undefined],
    ]);
  });

  it('sends nothing for no outputs', () => {
    expect(splitIntoSends([])).toEqual([]);
  });
});

describe('meanWaitMs', () => {
  it("is the mean age of the slice's records at its start", () => {
    expect(meanWaitMs(['1000', '1010', '1030'], 1040)).toBeCloseTo(26.667, 2);
  });

  it('leaves out records without a usable timestamp, and never goes below zero', () => {
    expect(meanWaitMs(['-1', 'x', '2000'], 2010)).toBe(10);
    expect(meanWaitMs(['3000'], 2990)).toBe(0);
    expect(meanWaitMs([], 5)).toBe(0);
  });
});

describe('sliceSize', () => {
  const budget = { maxInputs: 500, maxOutputs: 10_000 };

  it('starts with a probe of ten inputs before any fan-out has been seen', () => {
    expect(sliceSize(budget, undefined)).toBe(10);
    expect(sliceSize({ maxInputs: 4, maxOutputs: 10_000 }, undefined)).toBe(4);
  });

  it('takes the input budget while the fan-out is small', () => {
    expect(sliceSize(budget, 6)).toBe(500);
    expect(sliceSize(budget, 1)).toBe(500);
  });

  it('shrinks the slice so that its outputs fit the output budget', () => {
    expect(sliceSize(budget, 201)).toBe(49);
    expect(sliceSize(budget, 21)).toBe(476);
  });

  it('never goes below one input, whatever the fan-out, and tolerates no outputs', () => {
    expect(sliceSize(budget, 50_000)).toBe(1);
    expect(sliceSize(budget, 0)).toBe(500);
  });
});

describe('isFencedError', () => {
  const protocolError = (type: string): Error => Object.assign(new Error(type), { type });

  it('finds a fence however deeply the client wrapped it', () => {
    expect(isFencedError(protocolError('INVALID_PRODUCER_EPOCH'))).toBe(true);
    const wrapped = new Error('retries exceeded', {
      cause: new Error('non retriable', { cause: protocolError('PRODUCER_FENCED') }),
    });
    expect(isFencedError(wrapped)).toBe(true);
  });

  it('is false for every other failure', () => {
    expect(isFencedError(protocolError('NOT_COORDINATOR'))).toBe(false);
    expect(isFencedError(new Error('socket hang up'))).toBe(false);
    expect(isFencedError('INVALID_PRODUCER_EPOCH')).toBe(false);
    expect(isFencedError(undefined)).toBe(false);
  });
});
