/**
 * Applies pending database migrations (and, with --seed, loads the demo world).
 * Run by the start and test scripts before any app starts.
 */
import { loadConfig } from '@liaison/config';
import { createLogger } from '@liaison/observability';
import { runMigrations } from '@liaison/persistence';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger('migrate', config.logLevel);
  const applied = await runMigrations(config.database.url);
  log.info({ applied }, applied.length ? 'migrations applied' : 'schema up to date');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
