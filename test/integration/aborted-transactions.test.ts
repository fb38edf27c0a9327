/**
 * read_committed through kafkajs against the real broker, with two aborted
 * transactions open at once in one partition (two transactional producers, as
 * when the worker dies with several partitions' transactions open). The broker
 * lists aborted transactions by abort marker; kafkajs 2.2.4 took that list as
 * sorted by first offset and returned the first record of the transaction that
 * began earlier but was aborted later as committed (patches/kafkajs+2.2.4.patch;
 * docs/reliability.md, defect 8).
 */
import { createKafkaClient, ensureTopics } from '@liaison/kafka';
import { testConfig, uniqueSuffix } from '../support/stack';

jest.setTimeout(60_000);

describe('read_committed with overlapping aborted transactions', () => {
  const config = testConfig();
  const kafka = createKafkaClient({ brokers: config.kafka.brokers, clientId: 'test' }, 'aborted');

  it('returns only committed records', async () => {
    const topic = `test.aborted.${uniqueSuffix()}`;
    await ensureTopics(kafka, [{ topic, partitions: 1, config: {} }], 1);
    const producer = (name: string) =>
      kafka.producer({
        transactionalId: `tx-${name}-${uniqueSuffix()}`,
        idempotent: true,
        maxInFlightRequests: 1,
      });
    const a = producer('a');
    const b = producer('b');
    const c = producer('c');
    await Promise.all([a.connect(), b.connect(), c.connect()]);
    const send = (txn: Awaited<ReturnType<typeof a.transaction>>, value: string) =>
      txn.send({ topic, messages: [{ key: 'k', value }] });
    try {
      // offset 0: A (aborted last), 1: B (aborted first), 2: B's abort marker,
      // 3: C (committed), 4: C's commit marker, 5: A again, 6: A's abort marker,
      // 7: C (committed), 8: marker.
      const ta = await a.transaction();
      await send(ta, 'aborted-a-1');
      const tb = await b.transaction();
      await send(tb, 'aborted-b-1');
      await tb.abort();
      const tc = await c.transaction();
      await send(tc, 'committed-1');
      await tc.commit();
      await send(ta, 'aborted-a-2');
      await ta.abort();
      const tc2 = await c.transaction();
      await send(tc2, 'committed-2');
      await tc2.commit();
    } finally {
      await Promise.all([a.disconnect(), b.disconnect(), c.disconnect()]);
    }

    const consumer = kafka.consumer({
      groupId: `g-aborted-${uniqueSuffix()}`,
      readUncommitted: false,
    });
    await consumer.connect();
    const seen: string[] = [];
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => resolve(), 15_000);
        consumer
          .run({
            eachMessage: ({ message }) => {
              seen.push(message.value?.toString('utf8') ?? '');
              if (seen.includes('committed-2')) {
                clearTimeout(timer);
                resolve();
              }
              return Promise.resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toEqual(['committed-1', 'committed-2']);
  });
});
