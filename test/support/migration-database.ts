/**
 * A database of its own for a migration test: created empty, dropped after,
 * and data sources that run only the first `count` migrations, as the owner.
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS, dataSourceOptions } from '@liaison/persistence';
import { testConfig, uniqueSuffix } from './stack';

export interface MigrationDatabase {
  create(): Promise<void>;
  drop(): Promise<void>;
  /** A data source whose migrations are the first `count` of MIGRATIONS. */
  migrated(count: number): DataSource;
}

/** Where in MIGRATIONS the migration of this name is; throws when it is not there. */
export function migrationIndex(name: string): number {
  const index = MIGRATIONS.findIndex((m) => m.name === name);
  if (index < 0) throw new Error(`no migration ${name}`);
  return index;
}

export function migrationDatabase(): MigrationDatabase {
  const base = new URL(testConfig().database.url);
  const name = `liaison_migration_${uniqueSuffix()
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()}`;
  const url = new URL(base);
  url.pathname = `/${name}`;
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const withAdmin = async (sql: string): Promise<void> => {
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    create: () => withAdmin(`CREATE DATABASE "${name}"`),
    drop: () => withAdmin(`DROP DATABASE IF EXISTS "${name}"`),
    migrated: (count) =>
      new DataSource({
        ...dataSourceOptions({ url: url.toString(), asOwner: true, poolSize: 1 }),
        migrations: MIGRATIONS.slice(0, count),
      }),
  };
}
