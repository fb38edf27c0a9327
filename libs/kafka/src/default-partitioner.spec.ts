import * as fc from 'fast-check';
import { Partitioners, type PartitionerArgs, type PartitionMetadata } from 'kafkajs';

/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs internals, no types */
const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (
  key: string | Buffer,
) => number;
/* eslint-enable @typescript-eslint/no-require-imports */

/** Where the Java client (and unpatched kafkajs) puts a keyed record. */
const javaPartitionOf = (key: string, partitions: number): number =>
  (murmur2(key) & 0x7fffffff) % partitions;

const partitions = (n: number): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));

describe('kafkajs default partitioner (patched: one partition without hashing)', () => {
  it('places keyed records where the Java client does, for any partition count', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.string(), (count, key) => {
        const args: PartitionerArgs = {
          topic: 'hub.feed.de-bka.v1',
          partitionMetadata: partitions(count),
          message: { key, value: 'x' },
        };
        expect(partitioner(args)).toBe(javaPartitionOf(key, count));
      }),
      { numRuns: 500 },
    );
  });

  it('gives a one-partition topic partition 0, keyed or not, and keeps an explicit partition', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    const one = partitions(1);
    expect(
      partitioner({ topic: 't', partitionMetadata: one, message: { key: 'k', value: 'v' } }),
    ).toBe(0);
    expect(
      partitioner({ topic: 't', partitionMetadata: one, message: { key: null, value: 'v' } }),
    ).toBe(0);
    const four = partitions(4);
    expect(
      partitioner({
        topic: 't',
        partitionMetadata: four,
        message: { key: 'k', value: 'v', partition: 3 },
      }),
    ).toBe(3);
    // Unkeyed records on several partitions still go round robin, over all of them.
    const seen = new Set(
      Array.from({ length: 8 }, () =>
        partitioner({ topic: 't', partitionMetadata: four, message: { value: 'v' } }),
      ),
    );
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });
});
