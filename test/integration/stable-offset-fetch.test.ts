/**
 * Stable committed offsets against the real broker: while a transaction that
 * commits a group's offset is still open, a plain OffsetFetch (what kafkajs
 * sends) returns the previous offset, and the stable fetch the worker uses
 * after fencing waits for the outcome instead (docs/reliability.md, defect 7).
 */
import {
  createKafkaClient,
  ensureTopics,
  fetchStableOffset,
  OffsetFetchError,
} from '@liaison/kafka';
import { testConfig, uniqueSuffix } from '../support/stack';

jest.setTimeout(60_000);

describe('stable offset fetch (require_stable)', () => {
  const config = testConfig();
  const kafka = createKafkaClient({ brokers: config.kafka.brokers, clientId: 'test' }, 'stable');

  it('waits for a pending transactional offset commit that a plain fetch misses', async () => {
    const topic = `test.stable.${uniqueSuffix()}`;
    const groupId = `g-stable-${uniqueSuffix()}`;
    await ensureTopics(kafka, [{ topic, partitions: 1, config: {} }], 1);
    expect(await fetchStableOffset(kafka, groupId, topic, 0)).toBe(-1n);

    const producer = kafka.producer({
      transactionalId: `tx-stable-${uniqueSuffix()}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const commitOffset = async (offset: string, commit: boolean) => {
        const txn = await producer.transaction();
        await txn.send({ topic, messages: [{ key: 'k', value: Buffer.from(offset) }] });
        await txn.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic, partitions: [{ partition: 0, offset }] }],
        });
        if (commit) await txn.commit();
        return txn;
      };
      await commitOffset('5', true);
      expect(await fetchStableOffset(kafka, groupId, topic, 0)).toBe(5n);

      const open = await commitOffset('9', false);
      // The pitfall: a plain fetch answers with the offset from before the open transaction.
      const plain = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(plain[0]?.partitions[0]?.offset).toBe('5');
      // The stable fetch refuses to answer while the commit is pending...
      const refused = await fetchStableOffset(kafka, groupId, topic, 0, { timeoutMs: 1500 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(OffsetFetchError);
      expect((refused as OffsetFetchError).code).toBe('offsets.unstable');
      expect((refused as OffsetFetchError).message).toMatch(/UNSTABLE_OFFSET_COMMIT/);
      // ...and answers with the committed outcome once the transaction completes.
      const waiting = fetchStableOffset(kafka, groupId, topic, 0, { timeoutMs: 20_000 });
      await new Promise((r) => setTimeout(r, 300));
      await open.commit();
      expect(await waiting).toBe(9n);

      // An aborted commit leaves the previous offset.
      const aborted = await commitOffset('12', false);
      await aborted.abort();
      expect(await fetchStableOffset(kafka, groupId, topic, 0)).toBe(9n);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});
