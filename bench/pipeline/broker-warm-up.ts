/**
 * An untimed load through the broker before the first measured phase. A broker
 * started just before a run (a new clone, a reset, CI) is a cold JVM: the first
 * phase measured on it (the F = 5 pass-through) read 3,200 records/s where the
 * same phase on a warm broker read 6,000–14,000. Transactions of ~4 KiB records
 * are produced and read back read_committed, the paths every phase uses.
 */
import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { transactionalProducerConfig } from '@liaison/kafka';

const TRANSACTIONS = 150;
const RECORDS_PER_TRANSACTION = 100;
const RECORD_BYTES = 4 * 1024;
const PARTITIONS = 4;

export async function warmUpBroker(kafka: Kafka, admin: Admin, topic: string): Promise<number> {
  const started = Date.now();
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS }],
    waitForLeaders: true,
  });
  // The worker's settings: its short retry back-off after each commit, where
  // the next transaction meets CONCURRENT_TRANSACTIONS for a few ms (the
  // client-wide back-off made the warm-up itself take ~30 s and log each retry).
  const producer = kafka.producer(transactionalProducerConfig(`${topic}-tx`));
  const consumer = kafka.consumer({ groupId: `${topic}-reader`, readUncommitted: false });
  const total = TRANSACTIONS * RECORDS_PER_TRANSACTION;
  let read = 0;
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const allRead = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: ({ batch }) => {
          read += batch.messages.length;
          if (read >= total) resolve();
          return Promise.resolve();
        },
      });
    });
    const value = randomBytes(RECORD_BYTES);
    for (let t = 0; t < TRANSACTIONS; t++) {
      const txn = await producer.transaction();
      await txn.send({
        topic,
        acks: -1,
        messages: Array.from({ length: RECORDS_PER_TRANSACTION }, (_, i) => ({
          key: `${t}-${i}`,
          value,
        })),
      });
      await txn.commit();
    }
    await allRead;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  }
  return Date.now() - started;
}
