/**
 * Creates the declared topics that are missing, and brings the declared
 * settings of existing ones to their declared values (a declared retention is
 * a ceiling: an existing topic's retention is lowered to it, never raised).
 */
import { ConfigResourceTypes, ConfigSource, type Admin, type Kafka } from 'kafkajs';
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
    await alignTopicConfigs(
      admin,
      specs.filter((s) => existing.has(s.topic)),
    );
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

/**
 * Whether a topic's current value of a setting satisfies the declared one. A
 * declared retention.ms is a ceiling (-1: none): a shorter retention an
 * operator set holds, a longer or unlimited one does not. Every other setting
 * must be equal.
 */
function holds(name: string, declared: string, current: string | undefined): boolean {
  if (current === declared) return true;
  if (name !== 'retention.ms' || current === undefined) return false;
  const ceiling = Number(declared);
  const value = Number(current);
  if (ceiling === -1) return true;
  return Number.isInteger(value) && value >= 0 && value <= ceiling;
}

/** What a topic's settings must become for its declared ones to hold; null when they hold. */
export function topicConfigChange(
  declared: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string>>,
): Record<string, string> | null {
  const unmet = Object.entries(declared).filter(
    ([name, value]) => !holds(name, value, current[name]),
  );
  return unmet.length > 0 ? { ...current, ...Object.fromEntries(unmet) } : null;
}

/**
 * Sets the declared settings of existing topics whose settings differ. The
 * broker's AlterConfigs replaces a topic's whole set of overrides, so the
 * overrides already set on the topic (by an operator, say) are sent with them.
 * Returns the topics altered.
 */
async function alignTopicConfigs(admin: Admin, specs: readonly TopicSpec[]): Promise<string[]> {
  const declared = specs.filter((s) => Object.keys(s.config).length > 0);
  if (declared.length === 0) return [];
  const overrides = await topicOverrides(
    admin,
    declared.map((s) => s.topic),
  );
  const changes = declared.flatMap((s) => {
    const change = topicConfigChange(s.config, overrides.get(s.topic) ?? {});
    return change ? [{ topic: s.topic, change }] : [];
  });
  if (changes.length === 0) return [];
  await whileTopicsSettle(() =>
    admin.alterConfigs({
      validateOnly: false,
      resources: changes.map(({ topic, change }) => ({
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configEntries: Object.entries(change).map(([name, value]) => ({ name, value })),
      })),
    }),
  );
  return changes.map((c) => c.topic);
}

/** The settings set on each topic itself (the rest are the broker's defaults). */
export async function topicOverrides(
  admin: Admin,
  topics: readonly string[],
): Promise<Map<string, Record<string, string>>> {
  const described = await whileTopicsSettle(() =>
    admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    }),
  );
  const overrides = new Map<string, Record<string, string>>();
  for (const r of described.resources) {
    const set: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const e of r.configEntries) {
      if (e.configSource === ConfigSource.TOPIC_CONFIG) set[e.configName] = e.configValue;
    }
    overrides.set(r.resourceName, set);
  }
  return overrides;
}
