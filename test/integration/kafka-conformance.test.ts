/**
 * What the hub relies on from its Kafka client, through libs/kafka's interface,
 * on the real broker: a slice's outputs and its input offsets commit together
 * and are read once, read_committed, with the committed offset read stable;
 * and a producer that took over a transactional id fences the previous owner
 * (a zombie), whose open transaction no reader ever sees; and a second
 * instance joining and leaving the group while slices are in flight moves
 * partitions without losing or repeating a record. A change of client
 * is an adapter in libs/kafka that keeps this suite green, with
 * aborted-transactions.test.ts (read_committed with overlapping aborted
 * transactions) and stable-offset-fetch.test.ts (a pending commit waited for).
 */
import {
  TransactionalProcessor,
  TypedConsumer,
  createKafkaClient,
  ensureTopics,
  fetchStableOffset,
  transactionalProducerConfig,
  type ConsumedRecord,
  type OutputRecord,
} from '@liaison/kafka';
import { testConfig, uniqueSuffix } from '../support/stack';

jest.setTimeout(120_000);

const utf8 = { decode: (bytes: Buffer): string => bytes.toString('utf8') };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('libs/kafka on the real broker', () => {
  const config = testConfig();
  const kafka = createKafkaClient(
    { brokers: config.kafka.brokers, clientId: 'test' },
    'conformance',
  );

  /** Reads `topic` read_committed until `count` records arrived (or 30 s passed). */
  async function readCommitted(topic: string, count: number): Promise<string[]> {
    const seen: ConsumedRecord<string>[] = [];
    const reader = new TypedConsumer(kafka, {
      groupId: `g-read-${uniqueSuffix()}`,
      topics: [topic],
      codec: utf8,
      onUndecodable: () => Promise.resolve(),
    });
    await reader.start((batch) => {
      seen.push(...batch);
      return Promise.resolve();
    });
    const deadline = Date.now() + 30_000;
    while (seen.length < count && Date.now() < deadline) await sleep(100);
    // A little longer: a record beyond `count` would be a duplicate or a leak.
    await sleep(1000);
    await reader.stop();
    return seen.map((r) => r.value);
  }

  it('commits a slice and its input offsets together, each output read once', async () => {
    const input = `test.conf.in.${uniqueSuffix()}`;
    const output = `test.conf.out.${uniqueSuffix()}`;
    const groupId = `g-conf-${uniqueSuffix()}`;
    await ensureTopics(
      kafka,
      [
        { topic: input, partitions: 2, config: {} },
        { topic: output, partitions: 1, config: {} },
      ],
      1,
    );
    const producer = kafka.producer();
    await producer.connect();
    const send = (values: string[]) =>
      producer.send({
        topic: input,
        messages: values.map((v, i) => ({ key: `k${i}`, value: v, partition: i % 2 })),
      });
    const returned = new Set<readonly OutputRecord[]>();
    const released: (readonly OutputRecord[])[] = [];
    const processor = () =>
      new TransactionalProcessor(kafka, {
        groupId,
        inputTopic: input,
        transactionalId: `tx-conf-${groupId}`,
        transform: (records) => {
          const outputs = records.map((r) => ({
            topic: output,
            key: r.key ?? '',
            value: Buffer.from(`out-${r.value?.toString('utf8') ?? ''}`),
          }));
          returned.add(outputs);
          return outputs;
        },
        release: (outputs) => released.push(outputs),
      });
    try {
      await send(['a', 'b', 'c', 'd', 'e', 'f']);
      const first = processor();
      await first.start();
      expect((await readCommitted(output, 6)).sort()).toEqual(
        ['out-a', 'out-b', 'out-c', 'out-d', 'out-e', 'out-f'].sort(),
      );
      await first.stop();
      // Each committed slice's outputs handed back once, after its commit.
      expect(released.every((outputs) => returned.has(outputs))).toBe(true);
      expect(new Set(released).size).toBe(released.length);
      expect(
        released
          .flat()
          .map((o) => o.value.toString('utf8'))
          .sort(),
      ).toEqual(['out-a', 'out-b', 'out-c', 'out-d', 'out-e', 'out-f'].sort());
      // Offsets committed with the outputs, read stable: three per partition.
      expect(await fetchStableOffset(kafka, groupId, input, 0)).toBe(3n);
      expect(await fetchStableOffset(kafka, groupId, input, 1)).toBe(3n);

      // A new owner of the group goes on from there: nothing is processed twice.
      await send(['g', 'h']);
      const second = processor();
      await second.start();
      const all = await readCommitted(output, 8);
      await second.stop();
      expect(all.sort()).toEqual(
        ['out-a', 'out-b', 'out-c', 'out-d', 'out-e', 'out-f', 'out-g', 'out-h'].sort(),
      );
    } finally {
      await producer.disconnect();
    }
  });

  it('rebalances mid-slice: a member joins and leaves, nothing lost or repeated', async () => {
    const input = `test.conf.rebal.in.${uniqueSuffix()}`;
    const output = `test.conf.rebal.out.${uniqueSuffix()}`;
    const groupId = `g-rebal-${uniqueSuffix()}`;
    const partitions = 4;
    // Enough that the first instance cannot finish alone before the second is
    // given partitions (its slices are slow until then, see transform).
    const perPartition = 200;
    await ensureTopics(
      kafka,
      [
        { topic: input, partitions, config: {} },
        { topic: output, partitions: 1, config: {} },
      ],
      1,
    );
    const values = Array.from({ length: partitions * perPartition }, (_, i) => `m${i}`);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: input,
      messages: values.map((v, i) => ({ key: v, value: v, partition: i % partitions })),
    });
    await producer.disconnect();

    /** Slices each instance committed: the rebalance really moved work between them. */
    const committed = { first: 0, second: 0 };
    const fatal: string[] = [];
    const processor = (name: keyof typeof committed) =>
      new TransactionalProcessor(kafka, {
        groupId,
        inputTopic: input,
        transactionalId: `tx-rebal-${groupId}`,
        sessionTimeoutMs: 6000,
        // Small, slow slices: a slice is always in flight when the group changes,
        // and until the second instance has committed, work is always left for it.
        maxRecordsPerTransaction: 2,
        transform: async (records) => {
          await sleep(committed.second === 0 ? 100 : 10);
          return records.map((r) => ({
            topic: output,
            key: r.key ?? '',
            value: Buffer.from(`out-${r.value?.toString('utf8') ?? ''}`),
          }));
        },
        onCommitted: () => {
          committed[name] += 1;
        },
        // A fence on a partition this instance lost is expected, never fatal.
        onFatal: (error) => fatal.push(`${name}: ${String(error)}`),
      });
    const until = async (done: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + 30_000;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(20);
      }
    };

    const first = processor('first');
    const second = processor('second');
    try {
      await first.start();
      await until(() => committed.first >= 2, 'the first instance to commit');
      // Joins while the first instance's slices are in flight.
      await second.start();
      await until(() => committed.second >= 2, 'the second instance to be given partitions');
      // Leaves while its own slices are in flight; the first takes its partitions back.
      await second.stop();
      const all = await readCommitted(output, values.length);
      expect(fatal).toEqual([]);
      expect(all).toHaveLength(values.length);
      expect(new Set(all)).toEqual(new Set(values.map((v) => `out-${v}`)));
      // The offsets went with the transactions: every partition's committed
      // offset is its end, so a new owner would process nothing again.
      for (let p = 0; p < partitions; p++)
        expect(await fetchStableOffset(kafka, groupId, input, p)).toBe(BigInt(perPartition));
    } finally {
      await second.stop();
      await first.stop();
    }
  });

  it('fences a zombie: the previous owner of a transactional id cannot commit', async () => {
    const topic = `test.conf.fence.${uniqueSuffix()}`;
    await ensureTopics(kafka, [{ topic, partitions: 1, config: {} }], 1);
    const id = `tx-fence-${uniqueSuffix()}`;
    const zombie = kafka.producer(transactionalProducerConfig(id));
    const owner = kafka.producer(transactionalProducerConfig(id));
    await Promise.all([zombie.connect(), owner.connect()]);
    try {
      const stale = await zombie.transaction();
      await stale.send({ topic, messages: [{ key: 'k', value: 'zombie' }] });
      // Taking the id over (as the worker does for a partition it is given)
      // aborts the zombie's open transaction and fences it.
      await (await owner.transaction()).abort();
      await expect(stale.commit()).rejects.toThrow();
      const txn = await owner.transaction();
      await txn.send({ topic, messages: [{ key: 'k', value: 'owner' }] });
      await txn.commit();
    } finally {
      await Promise.all([zombie.disconnect(), owner.disconnect()]);
    }
    expect(await readCommitted(topic, 1)).toEqual(['owner']);
  });
});
