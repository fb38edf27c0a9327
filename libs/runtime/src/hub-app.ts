/**
 * What every long-running hub app (the gateway, the policy worker, the audit
 * app) does first: its validated config, a logger and metrics named after it,
 * its PostgreSQL pool (application_name `liaison-<app>`) and its Kafka client
 * with the fixed topics ensured; and how it ends when boot fails: the error on
 * stderr and exit code 1, for the supervisor to restart it.
 */
import type { DataSource } from 'typeorm';
import { loadConfig, type HubConfig } from '@liaison/config';
import type { Kafka } from '@liaison/kafka';
import { HubMetrics, createLogger, type Logger } from '@liaison/observability';
import { createDataSource } from '@liaison/persistence';
import { connectHubKafka } from './hub-kafka';

export type HubAppName = 'gateway' | 'policy' | 'audit';

export interface HubApp {
  readonly config: HubConfig;
  readonly log: Logger;
  readonly metrics: HubMetrics;
  readonly ds: DataSource;
  readonly kafka: Kafka;
}

export async function bootHubApp(
  name: HubAppName,
  options: { readonly poolSize?: (config: HubConfig) => number } = {},
): Promise<HubApp> {
  const config = loadConfig();
  const log = createLogger(name, config.logLevel);
  const metrics = new HubMetrics(name);
  const ds = createDataSource({
    url: config.database.url,
    poolSize: options.poolSize?.(config) ?? config.database.poolSize,
    applicationName: `liaison-${name}`,
  });
  await ds.initialize();
  const kafka = await connectHubKafka(config, log, name);
  return { config, log, metrics, ds, kafka };
}

/** Runs an app's main; a failure to boot is printed and ends the process with 1. */
export function runHubApp(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
