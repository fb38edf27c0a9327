/**
 * The cluster phase's own three-node Kafka cluster (KRaft, each node controller
 * and broker), started with deploy/local/kafka/cluster.sh on ports apart from
 * the single-node stack's and the cluster tests' (brokers 25092, 25094, 25096,
 * below Linux's ephemeral range, 32768 up, where a client's own port may
 * already hold one of them),
 * its state under .local/bench-cluster, wiped at each start. It is stopped at
 * the end of the phase, when the phase fails, and on SIGINT or SIGTERM.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../pipeline/common';
import type { Replication } from '../pipeline/stage';

export const CLUSTER_FIRST_PORT = 25092;
export const CLUSTER_NODES = 3;
/** As the cluster's own defaults: every record on three nodes, a write on two at least. */
export const CLUSTER_REPLICATION: Replication = { factor: 3, minInsync: 2 };

const SCRIPT = path.join(ROOT, 'deploy/local/kafka/cluster.sh');

export class BenchCluster {
  private stopped = false;
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`[bench] ${signal}: stopping the bench cluster\n`);
    this.stop();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  private constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly brokers: string[],
  ) {
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  /** Stops a cluster an earlier run left behind, wipes its state and starts it afresh. */
  static start(log: (line: string) => void): BenchCluster {
    const dir = path.join(ROOT, '.local/bench-cluster');
    const env = {
      ...process.env,
      KAFKA_CLUSTER_PORT: String(CLUSTER_FIRST_PORT),
      LIAISON_CLUSTER_DIR: dir,
    };
    const run = (command: string): string =>
      execFileSync('bash', [SCRIPT, command], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 16 * 1024 * 1024,
      })
        .toString()
        .trim();
    run('stop');
    rmSync(dir, { recursive: true, force: true });
    log(`starting a three-node Kafka cluster on ${CLUSTER_FIRST_PORT} (state in ${dir})...`);
    const started = Date.now();
    try {
      run('start');
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
      try {
        run('stop');
      } catch {
        // nothing left to stop
      }
      throw new Error(`the bench cluster did not start: ${stderr.slice(-2000)}`);
    }
    const brokers = run('brokers').split(',');
    log(`cluster ready in ${Math.round((Date.now() - started) / 1000)} s: ${brokers.join(', ')}`);
    return new BenchCluster(env, brokers);
  }

  /** Stops every node (idempotent). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    execFileSync('bash', [SCRIPT, 'stop'], { cwd: ROOT, env: this.env, stdio: 'ignore' });
  }
}
