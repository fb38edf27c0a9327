/**
 * What every hub app does first with Kafka: a client named after its role, with
 * kafkajs logs in the app's own log, and the fixed topics created if missing.
 */
import type { Kafka } from '@liaison/kafka';
import type { HubConfig } from '@liaison/config';
import { createKafkaClient, ensureTopics, fixedTopicSpecs, type TopicLayout } from '@liaison/kafka';
import type { Logger } from '@liaison/observability';

/** Partitions and replication of the hub's topics, from the config. */
export function topicLayoutOf(config: HubConfig): TopicLayout {
  return {
    partitions: config.kafka.topicPartitions,
    replicationFactor: config.kafka.replicationFactor,
  };
}

export async function connectHubKafka(
  config: HubConfig,
  log: Logger,
  role: string,
): Promise<Kafka> {
  const kafka = createKafkaClient(
    {
      brokers: config.kafka.brokers,
      clientId: config.kafka.clientId,
      log: (level, message, extra) => log[level]({ kafka: extra }, message),
    },
    role,
  );
  const layout = topicLayoutOf(config);
  await ensureTopics(kafka, fixedTopicSpecs(layout), layout.replicationFactor);
  return kafka;
}
