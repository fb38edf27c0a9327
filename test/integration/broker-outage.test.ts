/**
 * Readiness follows the broker: a second, private Kafka broker (same scripts, own
 * ports and data) is killed under a running gateway and policy worker; readiness
 * must report Kafka down within 10 s and recover when the broker returns, and the
 * apps must then work without a restart.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT, startApp, stopApp, type StartedApp } from '../support/hub-processes';

const BROKER_PORT = 19192 + (process.pid % 40) * 3;
const env = {
  ...process.env,
  KAFKA_PORT: String(BROKER_PORT),
  KAFKA_CONTROLLER_PORT: String(BROKER_PORT + 1),
  LIAISON_LOCAL_DIR: path.join(ROOT, '.local', `outage-${process.pid}`),
};
const kafkaScript = path.join(ROOT, 'deploy/local/kafka/kafka.sh');
const broker = (command: 'start' | 'stop' | 'kill'): void => {
  execFileSync('bash', [kafkaScript, command], { env, stdio: 'ignore', timeout: 90_000 });
};

async function readiness(port: number): Promise<{ status: number; kafka?: string }> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
    const body = (await res.json()) as { checks?: { kafka?: { status?: string } } };
    return { status: res.status, kafka: body.checks?.kafka?.status };
  } catch {
    return { status: 0 };
  }
}

async function waitFor(port: number, want: number, withinMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if ((await readiness(port)).status === want) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`readiness on ${port} did not become ${want} within ${withinMs} ms`);
}

describe('broker outage', () => {
  let gateway: StartedApp | undefined;
  let worker: StartedApp | undefined;

  beforeAll(async () => {
    broker('start');
    const appEnv = {
      KAFKA_BROKERS: `127.0.0.1:${BROKER_PORT}`,
      KAFKA_NAMESPACE: `outage${process.pid}`,
    };
    worker = await startApp('policy', { ...appEnv, POLICY_WORKER_ID: `outage-${process.pid}` });
    gateway = await startApp('gateway', appEnv);
  }, 150_000);

  afterAll(async () => {
    await stopApp(gateway);
    await stopApp(worker);
    broker('stop');
  }, 60_000);

  it('reports Kafka down within 10 s and recovers when the broker returns', async () => {
    expect((await readiness(gateway!.port)).status).toBe(200);
    broker('kill');
    const gatewayMs = await waitFor(gateway!.port, 503, 10_000);
    const workerMs = await waitFor(worker!.port, 503, 10_000);
    expect(await readiness(gateway!.port)).toEqual({ status: 503, kafka: 'down' });
    expect(gatewayMs).toBeLessThan(10_000);
    expect(workerMs).toBeLessThan(10_000);

    broker('start');
    await waitFor(gateway!.port, 200, 60_000);
    await waitFor(worker!.port, 200, 60_000);
    // Still alive, no restart: the processes kept running through the outage.
    expect(gateway!.process.exitCode).toBeNull();
    expect(worker!.process.exitCode).toBeNull();
  }, 150_000);
});
