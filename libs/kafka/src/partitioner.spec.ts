import * as fc from 'fast-check';
import { Partitioners, type PartitionerArgs, type PartitionMetadata } from 'kafkajs';
import { hubPartitioner } from './partitioner';

const partitions = (n: number): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));

describe('hubPartitioner', () => {
  it('places keyed records where the default partitioner does, for any partition count', () => {
    const hub = hubPartitioner();
    const byDefault = Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.string(), (count, key) => {
        const args: PartitionerArgs = {
          topic: 'liaison.feed.de-bka.v1',
          partitionMetadata: partitions(count),
          message: { key, value: 'x' },
        };
        expect(hub(args)).toBe(byDefault(args));
      }),
      { numRuns: 500 },
    );
  });

  it('gives a one-partition topic partition 0, keyed or not, and keeps an explicit partition', () => {
    const hub = hubPartitioner();
    const one = partitions(1);
    expect(hub({ topic: 't', partitionMetadata: one, message: { key: 'k', value: 'v' } })).toBe(0);
    expect(hub({ topic: 't', partitionMetadata: one, message: { key: null, value: 'v' } })).toBe(0);
    const four = partitions(4);
    expect(
      hub({ topic: 't', partitionMetadata: four, message: { key: 'k', value: 'v', partition: 3 } }),
    ).toBe(3);
    // Unkeyed records on several partitions still go round robin, over all of them.
    const seen = new Set(
      Array.from({ length: 8 }, () =>
        hub({ topic: 't', partitionMetadata: four, message: { value: 'v' } }),
      ),
    );
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });
});
