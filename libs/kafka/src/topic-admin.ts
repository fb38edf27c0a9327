/** Creates the declared topics that are missing; existing ones are left as they are. */
import type { Kafka } from 'kafkajs';
import type { TopicSpec } from './topics';

/**
 * Right after creation a broker may still answer "does not host this
 * topic-partition" to the leader check; creating again is harmless (already
 * existing topics make createTopics answer false), so retry a few times.
 */
async function createWithRetries(create: () => Promise<boolean>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await create();
      return;
    } catch (error) {
      const text = String(error);
      if (/already exists/i.test(text)) return;
      if (attempt >= 10 || !/does not host this topic-partition|leader/i.test(text)) throw error;
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
}

export async function ensureTopics(
  kafka: Kafka,
  specs: readonly TopicSpec[],
  replicationFactor: number,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return [];
    await createWithRetries(() =>
      admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.topic,
          numPartitions: s.partitions,
          replicationFactor,
          configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
        })),
      }),
    );
    return missing.map((s) => s.topic);
  } finally {
    await admin.disconnect();
  }
}
