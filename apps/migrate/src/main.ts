/**
 * Applies pending database migrations and, with --seed, loads the demo world
 * (deploy/seed) and creates the Kafka topics. Run by the start and test scripts.
 */
import * as path from 'node:path';
import { loadConfig } from '@liaison/config';
import { topicLayoutOf } from '@liaison/runtime';
import { createKafkaClient } from '@liaison/kafka';
import { createLogger } from '@liaison/observability';
import { createDataSource, runMigrations } from '@liaison/persistence';
import { seedDemoWorld } from './seed-demo-world';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('migrate', config.logLevel);
  const applied = await runMigrations(config.database.url);
  log.info({ applied }, applied.length ? 'migrations applied' : 'schema up to date');
  if (!process.argv.includes('--seed')) return;
  const root = path.resolve(__dirname, '../../../..');
  const ds = createDataSource({ url: config.database.url, asOwner: true, poolSize: 2 });
  await ds.initialize();
  const kafka = createKafkaClient(
    { brokers: config.kafka.brokers, clientId: config.kafka.clientId },
    'migrate',
  );
  try {
    const result = await seedDemoWorld(ds, kafka, {
      seedDir: process.env.LIAISON_SEED_DIR ?? path.join(root, 'deploy/seed'),
      agencyKeysDir: process.env.LIAISON_AGENCY_KEYS_DIR ?? path.join(root, '.local/demo-agencies'),
      hubKeysDir: config.hubKeysDir,
      layout: topicLayoutOf(config),
    });
    log.info(result, 'demo world seeded');
  } finally {
    await ds.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
