/** Reads whole topics (read_committed) into memory, decoded, for assertions. */
import type { Codec } from '@liaison/contracts';
import { createKafkaClient } from '@liaison/kafka';
import { testConfig, uniqueSuffix } from './stack';

export async function readTopics<T>(
  topics: readonly string[],
  codec: Codec<T>,
  until: (records: readonly { topic: string; value: T }[]) => boolean,
  timeoutMs = 60_000,
): Promise<{ topic: string; value: T }[]> {
  const config = testConfig();
  const kafka = createKafkaClient(
    { brokers: config.kafka.brokers, clientId: 'test-reader' },
    'reader',
  );
  const consumer = kafka.consumer({ groupId: `reader-${uniqueSuffix()}`, readUncommitted: false });
  const records: { topic: string; value: T }[] = [];
  await consumer.connect();
  try {
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`timed out reading ${topics.join(', ')} (${records.length} records)`)),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: ({ topic, message }) => {
          if (message.value) records.push({ topic, value: codec.decode(message.value) });
          if (until(records)) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
      if (until(records)) {
        clearTimeout(timer);
        resolve();
      }
    });
    // Let any trailing duplicates (which would be a bug) arrive before judging.
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    await consumer.disconnect();
  }
  return records;
}
