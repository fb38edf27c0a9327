/**
 * The values the policy worker hands kafkajs, through libs/kafka on the real
 * broker: whole Buffers cut from the slabs of a pool (record-slab.ts), several
 * to a slab and each showing only its own bytes, small ones, ones of a few KiB
 * and ones large enough to get a buffer of their own, given back to the pool
 * once their slice committed. Each arrives read_committed once, byte for byte,
 * and on the partition it names where it names one.
 * The kafkajs-fixes-only project runs this on kafkajs without the patch's
 * speed hunks too.
 */
import { randomBytes } from 'node:crypto';
import { RecordSlab, SlabPool } from '@liaison/contracts';
import {
  TransactionalProcessor,
  TypedConsumer,
  createKafkaClient,
  ensureTopics,
  type ConsumedRecord,
  type OutputRecord,
} from '@liaison/kafka';
import { testConfig, uniqueSuffix } from '../support/stack';

jest.setTimeout(120_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sizes of the outputs of one input: small, a delivery's few KiB, one past a slab's eighth. */
const SIZES = [90, 4_700, 5_300, 40_000];

describe('the worker’s record values through libs/kafka', () => {
  const config = testConfig();
  const kafka = createKafkaClient({ brokers: config.kafka.brokers, clientId: 'test' }, 'values');

  it('delivers slab-cut values of every size once, byte for byte, across slices', async () => {
    const input = `test.values.in.${uniqueSuffix()}`;
    const output = `test.values.out.${uniqueSuffix()}`;
    const groupId = `g-values-${uniqueSuffix()}`;
    await ensureTopics(
      kafka,
      [
        { topic: input, partitions: 2, config: {} },
        { topic: output, partitions: 2, config: {} },
      ],
      1,
    );
    const pool = new SlabPool();
    const slabs = new WeakMap<readonly OutputRecord[], RecordSlab>();
    /** What each output should hold, by key: the bytes as written. */
    const expected = new Map<string, string>();
    const processor = new TransactionalProcessor(kafka, {
      groupId,
      inputTopic: input,
      transactionalId: `tx-values-${groupId}`,
      transform: (records) => {
        const slab = new RecordSlab(pool);
        const outputs = records.flatMap((r) =>
          SIZES.map((size, i): OutputRecord => {
            const key = `${r.key ?? ''}/${i}`;
            const value = slab.copyOut(randomBytes(size), size);
            expected.set(key, value.toString('base64'));
            // A delivery's size names its partition, as feed deliveries do; the rest go by key.
            return i === 1
              ? { topic: output, partition: 1, key, value }
              : { topic: output, key, value };
          }),
        );
        slabs.set(outputs, slab);
        return outputs;
      },
      release: (outputs) => slabs.get(outputs)?.release(),
    });
    const producer = kafka.producer();
    await producer.connect();
    const seen: ConsumedRecord<Buffer>[] = [];
    const reader = new TypedConsumer(kafka, {
      groupId: `g-values-read-${uniqueSuffix()}`,
      topics: [output],
      codec: { decode: (bytes: Buffer) => bytes },
      onUndecodable: () => Promise.resolve(),
    });
    try {
      await processor.start();
      // Three rounds: later slices write over the slabs the earlier ones gave back.
      for (let round = 0; round < 3; round++) {
        await producer.send({
          topic: input,
          messages: Array.from({ length: 40 }, (_, i) => ({
            key: `r${round}-m${i}`,
            value: 'x',
            partition: i % 2,
          })),
        });
        await sleep(500);
      }
      await reader.start((batch) => {
        seen.push(...batch);
        return Promise.resolve();
      });
      const total = 3 * 40 * SIZES.length;
      const deadline = Date.now() + 60_000;
      while (seen.length < total && Date.now() < deadline) await sleep(200);
      await sleep(1000);
      expect(seen).toHaveLength(total);
      expect(pool.size).toBeGreaterThan(0);
      const got = new Map(seen.map((r) => [r.key ?? '', r.value.toString('base64')]));
      expect(got.size).toBe(total);
      for (const [key, bytes] of expected) expect(got.get(key)).toBe(bytes);
      const named = seen.filter((r) => (r.key ?? '').endsWith('/1'));
      expect(named).toHaveLength(3 * 40);
      expect(named.every((r) => r.partition === 1)).toBe(true);
    } finally {
      await reader.stop();
      await processor.stop();
      await producer.disconnect();
    }
  });
});
