/** Creates the declared topics that are missing; existing ones are left as they are. */
import type { Kafka } from 'kafkajs';
import type { TopicSpec } from './topics';

/**
 * A broker that has just started, or that has just created a topic, may briefly
 * answer "does not host this topic-partition" or "leader not available". Such
 * errors are transient: retry the action with a growing pause.
 */
export async function whileTopicsSettle<T>(action: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action();
    } catch (error) {
      const text = String(error);
      const transient =
        (error as { retriable?: boolean }).retriable === true ||
        /does not host this topic-partition|leader/i.test(text);
      if (!transient || attempt >= attempts) throw error;
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
    await whileTopicsSettle(() =>
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
