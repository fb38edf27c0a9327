/**
 * Setting the stage for a bench phase: topics made and removed, consumer groups
 * waited for, and the hub's real apps (policy worker, audit app, gateway)
 * started as child processes on ports of their own.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Admin } from 'kafkajs';
import { ROOT, sleep, type LatencySummary, type namesFor } from './common';
import { startNodeApp, type AppProcess } from './processes';
import type { BenchWorld } from './world';

/** Partitions of every input topic (submissions, decisions) in the bench. */
export const PARTITIONS = 4;

/** Replicas of each bench topic and the in-sync replicas a write needs. */
export interface Replication {
  readonly factor: number;
  readonly minInsync: number;
}

/** One broker: one replica. */
export const SINGLE_BROKER: Replication = { factor: 1, minInsync: 1 };

export async function createTopics(
  admin: Admin,
  specs: { topic: string; partitions: number }[],
  replication: Replication = SINGLE_BROKER,
): Promise<void> {
  const topics = specs.map((s) => ({
    topic: s.topic,
    numPartitions: s.partitions,
    replicationFactor: replication.factor,
    configEntries: [{ name: 'min.insync.replicas', value: String(replication.minInsync) }],
  }));
  // waitForLeaders can fail on a busy broker while metadata propagates: poll instead.
  await admin.createTopics({ waitForLeaders: false, topics });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.topic) });
      const ready = meta.topics.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      );
      if (ready) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error('bench topics have no leaders after 60 s');
    await sleep(250);
  }
}

/**
 * The hub's topics of one namespace as the bench lays them out: 4-partition
 * submissions and decisions, single-partition control topics and one
 * single-partition feed per recipient.
 */
export function hubTopics(
  names: ReturnType<typeof namesFor>,
  recipients: readonly string[],
): { topic: string; partitions: number }[] {
  return [
    { topic: names.submissions, partitions: PARTITIONS },
    { topic: names.decisions, partitions: PARTITIONS },
    { topic: names.deadLetters, partitions: 1 },
    { topic: names.policies, partitions: 1 },
    { topic: names.directory, partitions: 1 },
    { topic: names.checkpoints, partitions: 1 },
    ...recipients.map((r) => ({ topic: names.feed(r), partitions: 1 })),
  ];
}

/** Waits until a consumer group has joined (Stable, with members), so a backlog sent now is timed from its first record. */
export async function waitForStableGroup(admin: Admin, group: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { groups } = await admin.describeGroups([group]);
    const g = groups[0];
    if (g && g.state === 'Stable' && g.members.length > 0) return;
    if (Date.now() > deadline) throw new Error(`consumer group ${group} did not become stable`);
    await sleep(100);
  }
}

export async function deleteTopics(admin: Admin, prefixes: string[]): Promise<void> {
  const all = await admin.listTopics();
  const mine = all.filter((t) => prefixes.some((p) => t.startsWith(`${p}.`)));
  for (let i = 0; i < mine.length; i += 100) {
    await admin
      .deleteTopics({ topics: mine.slice(i, i + 100), timeout: 30000 })
      .catch(() => undefined);
  }
}

/** NaN travels through IPC as null; turn it back. */
export function latencyOf(l: LatencySummary): LatencySummary {
  const num = (x: number | null): number => (typeof x === 'number' ? x : Number.NaN);
  return {
    samples: l.samples,
    p50Ms: num(l.p50Ms),
    p99Ms: num(l.p99Ms),
    p999Ms: num(l.p999Ms),
    maxMs: num(l.maxMs),
  };
}

let nextPort = 19400 + (process.pid % 40) * 10;

/** A port of its own for the next app. */
export function takePort(): number {
  return nextPort++;
}

export function startWorker(
  world: BenchWorld,
  brokers: string[],
  namespace: string,
  nodeArgs: string[] = [],
  /** Which of several workers in one group (its POLICY_WORKER_ID). */
  index = 0,
) {
  const port = takePort();
  return startNodeApp(
    'dist/apps/policy/src/main.js',
    {
      KAFKA_BROKERS: brokers.join(','),
      DATABASE_URL: world.url,
      POLICY_METRICS_PORT: String(port),
      POLICY_WORKER_ID: `${namespace}-w${index}`,
      KAFKA_NAMESPACE: namespace,
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    },
    port,
    [...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean), ...nodeArgs],
  );
}

export function startAudit(
  world: BenchWorld,
  brokers: string[],
  namespace: string,
): AppProcess | undefined {
  if (!existsSync(path.join(ROOT, 'dist/apps/audit/src/main.js'))) return undefined;
  const port = takePort();
  return startNodeApp(
    'dist/apps/audit/src/main.js',
    {
      KAFKA_BROKERS: brokers.join(','),
      DATABASE_URL: world.url,
      AUDIT_METRICS_PORT: String(port),
      KAFKA_NAMESPACE: namespace,
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    },
    port,
    // BENCH_AUDIT_PROFILE_DIR: a CPU profile of the audit app over the hub phases.
    process.env.BENCH_AUDIT_PROFILE_DIR
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_AUDIT_PROFILE_DIR}`]
      : [],
  );
}

export function startGateway(world: BenchWorld, brokers: string[], namespace: string): AppProcess {
  const port = takePort();
  return startNodeApp(
    'dist/apps/gateway/src/main.js',
    {
      KAFKA_BROKERS: brokers.join(','),
      DATABASE_URL: world.url,
      GATEWAY_PORT: String(port),
      KAFKA_NAMESPACE: namespace,
    },
    port,
  );
}
