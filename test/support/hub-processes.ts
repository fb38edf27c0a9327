/**
 * Starts the hub's real apps (compiled, from dist/) as child processes for
 * end-to-end, chaos, hostile and browser tests, on ports of their own, against
 * the shared Kafka and PostgreSQL; waits for /health/ready; kills them after.
 * Each test file gets its own hub keys folder and, if it asks, its own
 * database and topic prefix is NOT needed: ids are unique per test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Client } from 'pg';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const DEMO_KEYS_DIR = path.join(ROOT, '.local/demo-agencies');

export type HubApp = 'gateway' | 'policy' | 'audit';

export interface StartedApp {
  readonly name: HubApp;
  readonly process: ChildProcess;
  readonly port: number;
  readonly output: string[];
}

/** A port the OS says is free right now (bound to 0, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function hubEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    HUB_KEYS_DIR: path.join(ROOT, '.local/hub-keys'),
    ...extra,
  };
}

export function runNode(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): ChildProcess {
  return spawn(
    process.execPath,
    ['-r', path.join(ROOT, 'deploy/runtime/register.js'), path.join(ROOT, script), ...args],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

export async function waitReady(
  port: number,
  timeoutMs = 30_000,
  child?: ChildProcess,
  check: 'ready' | 'live' = 'ready',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`process exited with ${child.exitCode} before ready`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/${check}`);
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`port ${port} not ${check} within ${timeoutMs} ms: ${last}`);
}

const portVariable: Record<HubApp, string> = {
  gateway: 'GATEWAY_PORT',
  policy: 'POLICY_METRICS_PORT',
  audit: 'AUDIT_METRICS_PORT',
};

/**
 * Starts an app and waits until it is ready (or only live: a standby audit app
 * is never ready), for at most `withinMs` (more on a machine under load).
 */
export async function startApp(
  name: HubApp,
  env: Record<string, string> = {},
  check: 'ready' | 'live' = 'ready',
  withinMs = 40_000,
): Promise<StartedApp> {
  const port = await freePort();
  const child = runNode(
    `dist/apps/${name}/src/main.js`,
    [],
    hubEnv({ [portVariable[name]]: String(port), ...env }),
  );
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    output.push(chunk.toString('utf8'));
    if (output.length > 500) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await waitReady(port, withinMs, child, check);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(
      `${name} did not start: ${(error as Error).message}\n${output.join('').slice(-3000)}`,
    );
  }
  return { name, process: child, port, output };
}

export async function stopApp(
  app: StartedApp | undefined,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (!app || app.process.exitCode !== null || app.process.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => app.process.once('exit', () => resolve()));
  app.process.kill(signal);
  const timer = setTimeout(() => app.process.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export interface RunningHub {
  readonly gateway: StartedApp;
  readonly policy: StartedApp;
  readonly audit: StartedApp;
  readonly url: string;
  stop(): Promise<void>;
}

/** The three apps, policy worker and audit first so nothing published is waiting on them. */
export async function startHub(env: Record<string, string> = {}): Promise<RunningHub> {
  const [policy, audit] = await Promise.all([
    startApp('policy', { POLICY_WORKER_ID: `test-${process.pid}`, ...env }),
    startApp('audit', env),
  ]);
  const gateway = await startApp('gateway', env);
  return {
    gateway,
    policy,
    audit,
    url: `http://127.0.0.1:${gateway.port}`,
    async stop() {
      await Promise.all([stopApp(gateway), stopApp(policy), stopApp(audit)]);
    },
  };
}

/** Runs the CLI as a user would; resolves with exit code and output. */
export function runCli(
  args: readonly string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        path.join(ROOT, 'deploy/runtime/register.js'),
        path.join(ROOT, 'dist/apps/cli/src/main.js'),
        ...args,
      ],
      {
        cwd: ROOT,
        env: hubEnv(),
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function adminQuery(sql: string): Promise<void> {
  const admin = new URL(process.env.DATABASE_URL ?? '');
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(sql.replace('$DB', `"${name.replace(/"/g, '')}"`));
  } finally {
    await client.end();
  }
}

/**
 * Creates this test file's database (see isolated-namespace.ts), runs migrations
 * and the demo world, and creates the namespace's topics.
 */
export async function seedNamespace(): Promise<void> {
  if (process.env.KAFKA_NAMESPACE) {
    await adminQuery('CREATE DATABASE $DB').catch((error: Error) => {
      if (!/already exists/.test(error.message)) throw error;
    });
  }
  // Idempotent: a broker that is still warming up gets a second and third try.
  for (let attempt = 1; ; attempt++) {
    const child = runNode('dist/apps/migrate/src/main.js', ['--seed'], hubEnv());
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
    if (code === 0) return;
    if (attempt >= 3) throw new Error(`seeding failed (${code}): ${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Drops this test file's own database (only when isolated-namespace.ts made one). */
export async function dropNamespaceDatabase(): Promise<void> {
  if (
    !process.env.KAFKA_NAMESPACE ||
    !(process.env.DATABASE_URL ?? '').includes(`liaison_${process.env.KAFKA_NAMESPACE}`)
  )
    return;
  await adminQuery('DROP DATABASE IF EXISTS $DB WITH (FORCE)');
}
