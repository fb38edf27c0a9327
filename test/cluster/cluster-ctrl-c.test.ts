/**
 * Ctrl-C of `npm run cluster` stops the three Kafka nodes and every app it
 * started (`npm run test:cluster` only: it starts a cluster of its own).
 *
 * deploy/local/cluster.sh runs in a session of its own, as in a terminal, with
 * its Kafka nodes, gateways and health ports apart from the fault run's and
 * without the demo stream. Once it says the hub runs, SIGINT goes to its whole
 * process group, as a terminal's Ctrl-C does. Then it must have exited, no
 * process of the group may be left, the three Kafka nodes must be gone (they
 * run in the background, where SIGINT is ignored: the script's cleanup stops
 * them) and none of the ports it listened on may still answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import * as path from 'node:path';
import { ROOT } from '../support/hub-processes';
import { sleep } from '../chaos/chaos-support';

jest.setTimeout(15 * 60_000);

const KAFKA_PORT = 39192;
const GATEWAY_PORT = 38180;
const HEALTH_PORT = 38111;
const DIR = path.join(ROOT, '.local/cluster-test/ctrl-c');

/** Pids of the live processes in a process group (from /proc/<pid>/stat). */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function kafkaPids(): number[] {
  return [1, 2, 3].flatMap((n) => {
    const file = path.join(DIR, `kafka-${n}`, 'broker.pid');
    return existsSync(file) ? [Number(readFileSync(file, 'utf8').trim())] : [];
  });
}

describe('npm run cluster', () => {
  let script: ChildProcess | undefined;
  const ports = [
    ...[0, 1, 2, 3, 4, 5].map((i) => KAFKA_PORT + i),
    GATEWAY_PORT,
    GATEWAY_PORT + 1,
    GATEWAY_PORT + 2,
    HEALTH_PORT,
    HEALTH_PORT + 1,
    HEALTH_PORT + 10,
    HEALTH_PORT + 11,
  ];

  afterAll(async () => {
    // Only if the test failed half way: whatever of ours is left goes.
    const pgid = script?.pid;
    if (pgid !== undefined && groupMembers(pgid).length > 0) process.kill(-pgid, 'SIGKILL');
    for (const pid of kafkaPids()) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await sleep(200);
  });

  it('stops the three Kafka nodes and every app on Ctrl-C', async () => {
    if (process.env.LIAISON_CLUSTER_TEST !== '1') throw new Error('run with npm run test:cluster');
    for (const port of ports)
      expect({ port, busy: await answers(port) }).toEqual({ port, busy: false });
    const output: string[] = [];
    const child = spawn('bash', [path.join(ROOT, 'deploy/local/cluster.sh')], {
      cwd: ROOT,
      detached: true, // its own session and process group, like a terminal's job
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        LIAISON_DEMO: '0',
        LIAISON_CLUSTER_DIR: DIR,
        KAFKA_CLUSTER_PORT: String(KAFKA_PORT),
        GATEWAY_PORT: String(GATEWAY_PORT),
        CLUSTER_HEALTH_PORT: String(HEALTH_PORT),
        LIAISON_DB_NAME: 'liaison_ctrl_c',
        KAFKA_BROKERS: '',
        DATABASE_URL: '',
      },
    });
    script = child;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.stdout?.on('data', (c: Buffer) => output.push(c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => output.push(c.toString('utf8')));
    const deadline = Date.now() + 10 * 60_000;
    while (!output.join('').includes('the hub runs scaled out')) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`cluster.sh did not come up:\n${output.join('').slice(-4000)}`);
      await sleep(500);
    }
    const pgid = child.pid ?? 0;
    const members = groupMembers(pgid);
    const nodes = kafkaPids();
    expect(nodes).toHaveLength(3);
    expect(nodes.every(alive)).toBe(true);
    const listening: number[] = [];
    for (const port of ports) if (await answers(port)) listening.push(port);
    expect(listening).toEqual(ports);

    const t = Date.now();
    process.kill(-pgid, 'SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exited,
      new Promise<string>((r) => (timer = setTimeout(() => r('still running'), 180_000))),
    ]);
    clearTimeout(timer);
    const stopMs = Date.now() - t;
    const left = groupMembers(pgid).map((pid) => {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      return `${pid} ${cmd.slice(0, 160)}`;
    });
    const stillListening: number[] = [];
    for (const port of ports) if (await answers(port)) stillListening.push(port);
    console.log(
      `Ctrl-C of npm run cluster: ${members.length} processes in its group and 3 Kafka nodes stopped in ${stopMs} ms (exit ${String(code)})`,
    );
    expect({
      left,
      kafkaNodesAlive: nodes.filter(alive),
      stillListening,
      stopped: output.join('').includes('[liaison] stopped'),
    }).toEqual({ left: [], kafkaNodesAlive: [], stillListening: [], stopped: true });
  });
});
