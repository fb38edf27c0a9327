/** Readiness checks for the hub's two dependencies. */
import type { Kafka } from '@liaison/kafka';
import type { DataSource } from 'typeorm';
import type { HealthCheck } from '@liaison/observability';
import { pingDatabase } from '@liaison/persistence';

export function databaseCheck(ds: DataSource): HealthCheck {
  return { name: 'database', check: () => pingDatabase(ds) };
}

/** Opens a fresh admin connection each time, so a dead broker is noticed at once. */
export function kafkaCheck(kafka: Kafka): HealthCheck {
  return {
    name: 'kafka',
    check: async () => {
      const admin = kafka.admin({ retry: { retries: 0 } });
      try {
        await admin.connect();
        await admin.describeCluster();
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },
  };
}
