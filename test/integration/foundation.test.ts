/**
 * The foundation against the real servers: an encoded record goes through the real
 * broker inside a Kafka transaction and is read back read_committed (an aborted
 * one is not), and a row goes through TypeORM into the real PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import type { Codec } from '@liaison/contracts';
import { createKafkaClient, ensureTopics } from '@liaison/kafka';
import { createDataSource, SubmissionEntity } from '@liaison/persistence';
import { testConfig, uniqueSuffix } from '../support/stack';

interface Ping {
  readonly id: string;
  readonly n: number;
}
const pingCodec: Codec<Ping> = {
  encode: (v) => Buffer.from(JSON.stringify(v)),
  decode: (b) => JSON.parse(b.toString('utf8')) as Ping,
};

describe('foundation: real Kafka and PostgreSQL', () => {
  const config = testConfig();

  it('commits a transaction read back read_committed; an aborted one stays invisible', async () => {
    const kafka = createKafkaClient(
      { brokers: config.kafka.brokers, clientId: 'test' },
      'foundation',
    );
    const topic = `test.foundation.${uniqueSuffix()}`;
    await ensureTopics(kafka, [{ topic, partitions: 1, config: {} }], 1);
    const producer = kafka.producer({
      transactionalId: `tx-${uniqueSuffix()}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const aborted = await producer.transaction();
    await aborted.send({
      topic,
      messages: [{ key: 'a', value: pingCodec.encode({ id: 'aborted', n: 1 }) }],
    });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({
      topic,
      messages: [{ key: 'a', value: pingCodec.encode({ id: 'committed', n: 2 }) }],
    });
    await committed.commit();
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `g-${uniqueSuffix()}`, readUncommitted: false });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: Ping[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          if (message.value) seen.push(pingCodec.decode(message.value));
          resolve();
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(seen).toEqual([{ id: 'committed', n: 2 }]);
  }, 60_000);

  it('writes and reads a row through TypeORM', async () => {
    const ds = createDataSource({ url: config.database.url, poolSize: 2 });
    await ds.initialize();
    try {
      const repo = ds.getRepository(SubmissionEntity);
      const messageId = randomUUID();
      await repo.insert({
        messageId,
        originatorAgency: 'nl-knp',
        kind: 'ALERT',
        messageType: 'VICTIM_AT_RISK',
        caseRef: null,
        idempotencyKey: null,
        custodial: false,
        status: 'ACCEPTED',
      });
      const row = await repo.findOneByOrFail({ messageId });
      expect(row.originatorAgency).toBe('nl-knp');
      expect(row.receivedAt).toBeInstanceOf(Date);
    } finally {
      await ds.destroy();
    }
  });

  it('runs application sessions as liaison_app, which cannot rewrite the ledger', async () => {
    const ds = createDataSource({ url: config.database.url, poolSize: 1 });
    await ds.initialize();
    try {
      const [{ current_user: who }] =
        await ds.query<[{ current_user: string }]>('SELECT current_user');
      expect(who).toBe('liaison_app');
      await expect(ds.query('DELETE FROM share_ledger')).rejects.toThrow(/permission denied/);
    } finally {
      await ds.destroy();
    }
  });
});
