/**
 * Consumer lag per group as a Prometheus gauge (`liaison_consumer_lag_records`):
 * every interval, the records each of the app's consumer groups still has to read
 * on its topics (consumerGroupLag). A failed sample leaves the last value and is
 * logged at debug: the broker being away shows in health, not here.
 */
import { consumerGroupLag, type Kafka } from '@liaison/kafka';
import type { HubMetrics, Logger } from '@liaison/observability';

export interface WatchedGroup {
  /** The label: the group's name without the namespace prefix (e.g. liaison-policy). */
  readonly name: string;
  readonly groupId: string;
  readonly topics: readonly string[];
}

export const CONSUMER_LAG_INTERVAL_MS = 15_000;

/** Starts sampling; the returned function stops it. */
export function sampleConsumerLag(
  kafka: Kafka,
  metrics: HubMetrics,
  log: Logger,
  groups: readonly WatchedGroup[],
  intervalMs = CONSUMER_LAG_INTERVAL_MS,
): () => Promise<void> {
  const lag = metrics.gauge(
    'liaison_consumer_lag_records',
    'Records a consumer group has yet to read on its topics',
    ['group'],
  );
  const admin = kafka.admin();
  let connected: Promise<void> | undefined;
  let busy = false;
  const sample = async (): Promise<void> => {
    connected ??= admin.connect();
    await connected;
    for (const g of groups) {
      lag.set({ group: g.name }, Number(await consumerGroupLag(admin, g.groupId, g.topics)));
    }
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    sample()
      .catch((error: unknown) => {
        connected = undefined;
        log.debug({ err: error }, 'consumer lag not sampled');
      })
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await admin.disconnect().catch(() => undefined);
  };
}
