/**
 * Test and benchmark support: a fresh, migrated PostgreSQL database beside the
 * shared one, so tamper scenarios and ingest benchmarks never touch rows other
 * tests rely on. Dropped (forcefully) when done.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '@liaison/persistence';

export interface ThrowawayDatabase {
  /** Connection URL as the owner (superuser in the local stack). */
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export async function createThrowawayDatabase(
  baseUrl: string,
  prefix = 'liaison_audit',
): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(baseUrl, name);
  await runMigrations(url);
  return {
    url,
    name,
    drop: async () => {
      const client = new Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
