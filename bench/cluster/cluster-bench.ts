/**
 * The cluster phase: the hub's policy workers scaled out on a three-node Kafka
 * cluster of the phase's own (bench-cluster.ts: replication factor 3,
 * min.insync.replicas 2), against a raw kafkajs transactional pass-through on
 * the same cluster.
 *
 * The same pre-signed backlog (backlog.ts) at fan-out 20 is drained, each time
 * on topics of its own and after an untimed warm-up, by
 *   - the transactional pass-through (one process): the baseline;
 *   - 1, 2 and 4 real policy workers (BENCH_CLUSTER_WORKERS), all in the group
 *     before the backlog arrives;
 *   - half the largest count, joined by the other half while the backlog drains:
 *     a rebalance under load.
 * Each drain reports deliveries/s and alerts/s (read_committed feed reader),
 * the workers' CPU per message (their process_cpu_seconds_total over the drain,
 * summed) and the machine's CPU (/proc/stat) beside it; and it is checked:
 * every entitled delivery on the feed topics exactly once by message id, the
 * group's assignment covering each partition of the submissions topic once
 * (read from the group, in every stable state seen during the drain and after
 * it). A failed check is reported, not dropped.
 */
import { rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import {
  OUTCOME_PERIOD,
  TOTAL_MESSAGES,
  encodeSubmissions,
  entitledRecipients,
  presignAll,
  throughput,
  type RateReply,
  type ThroughputResult,
} from '../pipeline/backlog';
import { Helper, namesFor, sleep, wallMs, writeFrames } from '../pipeline/common';
import { cpuBetween, cpuSnapshot, type CpuUse } from '../pipeline/cpu-accounting';
import type { SignedMessage } from '../pipeline/presign';
import { scrape, stopApp, waitReady, type AppProcess } from '../pipeline/processes';
import { PARTITIONS, createTopics, deleteTopics, hubTopics, startWorker } from '../pipeline/stage';
import { BenchWorld, benchDir, benchKeys, recipientId } from '../pipeline/world';
import { BenchCluster, CLUSTER_NODES, CLUSTER_REPLICATION } from './bench-cluster';
import {
  checkAssignment,
  countDeliveries,
  type AssignmentCheck,
  type DeliveryCount,
} from './exactly-once';
import { groupAssignment } from './group-assignment';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

/** Fan-out of every drain: the pipeline phase's middle one. */
export const CLUSTER_FAN_OUT = 20;
/** How long a drain may stall (no new feed record) before it is counted as it stands. */
const STALL_MS = 60_000;

export interface ClusterOptions {
  readonly databaseUrl: string;
  readonly runId: string;
  /** Worker counts, each from 1 to the partition count. */
  readonly workerCounts: readonly number[];
  /** Backlog size (submissions); a fifth more warm the consumers up first. */
  readonly messages: number;
  readonly log: (line: string) => void;
}

/** The cluster phase's knobs from the environment; a bad value is an error that names it. */
export function clusterOptionsFrom(
  env: NodeJS.ProcessEnv,
  base: Pick<ClusterOptions, 'databaseUrl' | 'runId' | 'log'>,
): ClusterOptions {
  const workersText = env.BENCH_CLUSTER_WORKERS ?? '1,2,4';
  const workerCounts = workersText.split(',').map((w) => Number(w.trim()));
  if (
    workerCounts.length === 0 ||
    workerCounts.some((w) => !Number.isInteger(w) || w < 1 || w > PARTITIONS) ||
    new Set(workerCounts).size !== workerCounts.length
  ) {
    throw new Error(
      `BENCH_CLUSTER_WORKERS must list distinct worker counts from 1 to ${PARTITIONS} (the partition count), got '${workersText}'`,
    );
  }
  const maxMessages = Math.floor((TOTAL_MESSAGES * 5) / 6);
  const messagesText = env.BENCH_CLUSTER_MESSAGES ?? '1500';
  const messages = Number(messagesText);
  if (!Number.isInteger(messages) || messages < 100 || messages > maxMessages) {
    throw new Error(
      `BENCH_CLUSTER_MESSAGES must be a whole number from 100 to ${maxMessages}, got '${messagesText}'`,
    );
  }
  return { ...base, workerCounts: [...workerCounts].sort((a, b) => a - b), messages };
}

/** One drain's CPU: the consumers' own, per message, and the whole machine's. */
export interface DrainCpu {
  /** The consumer processes' CPU (workers: process_cpu_seconds_total; pass-through: /proc), µs per message. */
  readonly consumerUsPerMessage: number;
  /** Busy share of all cores over the drain (/proc/stat), 0…1. */
  readonly machineBusy: number;
  readonly machine: CpuUse;
}

export interface ClusterDrain {
  readonly throughput: ThroughputResult;
  readonly cpu: DrainCpu;
  /** Feed records of the run (warm-up and backlog) against the entitled pairs. */
  readonly deliveries: DeliveryCount;
}

export interface ClusterHubRun extends ClusterDrain {
  readonly workers: number;
  /** When workers joined during the drain: how many were in the group when it began. */
  readonly startedWith: number;
  /** The group's assignment once the drain was over (all workers in it). */
  readonly assignment: AssignmentCheck;
  /** Stable assignments seen while the backlog drained, and the first one found wrong. */
  readonly assignmentsDuringDrain: { readonly seen: number; readonly wrong?: AssignmentCheck };
  /**
   * For a run with workers joining, from the backlog's first send: when the
   * group first left its starting state (a rebalance began), when it was stable
   * with all the workers, and when the drain's last record arrived.
   */
  readonly rebalance?: {
    readonly begunAtMs?: number;
    readonly allInGroupAtMs?: number;
    readonly drainMs: number;
    readonly underLoad: boolean;
  };
  readonly ok: boolean;
}

export interface ClusterResult {
  readonly brokers: number;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly partitions: number;
  readonly fanOut: number;
  readonly messages: number;
  readonly cores: number;
  readonly baseline: ClusterDrain;
  readonly runs: ClusterHubRun[];
  /** Every drain exactly once and every assignment right. */
  readonly ok: boolean;
  readonly notes: string[];
}

async function waitForMembers(
  admin: Admin,
  group: string,
  topic: string,
  members: number,
): Promise<Record<string, number[]>> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const a = await groupAssignment(admin, group, topic);
    if (a.state === 'Stable' && Object.keys(a.members).length === members) return a.members;
    if (Date.now() > deadline) {
      throw new Error(
        `group ${group}: ${Object.keys(a.members).length} of ${members} members, ${a.state}, after 120 s`,
      );
    }
    await sleep(200);
  }
}

function machineBusy(use: CpuUse, wallSeconds: number): number {
  return wallSeconds > 0 ? use.machineSeconds / (wallSeconds * os.cpus().length) : Number.NaN;
}

export async function runCluster(options: ClusterOptions): Promise<ClusterResult> {
  const { log } = options;
  const n = options.messages;
  const warm = Math.round(n / 5);
  const notes: string[] = [];
  const cluster = BenchCluster.start(log);
  let world: BenchWorld | undefined;
  try {
    const { brokers } = cluster;
    const keys = benchKeys();
    world = await BenchWorld.create(options.databaseUrl, `${options.runId}c`, keys);
    const kafka = new Kafka({ brokers, clientId: 'bench-cluster', logLevel: logLevel.ERROR });
    const admin = kafka.admin();
    await admin.connect();
    const loader = new Helper('load-generator.js');
    const framesFile = path.join(benchDir(), `frames-${options.runId}-cluster.bin`);
    const prefixes: string[] = [];
    try {
      const presigned = await presignAll(keys, log);
      const messages = presigned.messages;
      writeFileSync(framesFile, writeFrames(encodeSubmissions(messages)));
      await loader.call('load', { file: framesFile, brokers });
      await world.setFanOut(CLUSTER_FAN_OUT);
      const recipients = Array.from({ length: CLUSTER_FAN_OUT }, (_, i) => recipientId(i));
      const entitled = await entitledRecipients(world, messages.slice(0, OUTCOME_PERIOD));
      const deliveriesIn = (from: number, to: number): number => {
        let sum = 0;
        for (let i = from; i < to; i++) sum += entitled[i % OUTCOME_PERIOD]?.length ?? 0;
        return sum;
      };
      const perMessage = deliveriesIn(0, n) / n;
      // No separate broker warm-up as the pipeline phase's: 150 back-to-back
      // transactions take minutes on three nodes sharing two busy cores. Each
      // drain's own untimed warm-up (a fifth of the backlog) warms the nodes too.
      const baseline = await runBaseline();
      log(
        `cluster pass-through (tx): ${Math.round(baseline.throughput.deliveriesPerSec)} records/s, ` +
          `machine ${(baseline.cpu.machineBusy * 100).toFixed(0)} % busy`,
      );
      const runs: ClusterHubRun[] = [];
      for (const w of options.workerCounts) runs.push(await runHub(w, w));
      const most = Math.max(...options.workerCounts);
      if (most >= 2) runs.push(await runHub(most, Math.floor(most / 2)));
      const ok = baseline.deliveries.exactlyOnce && runs.every((r) => r.ok);
      if (!ok) notes.push('a cluster drain was not exactly once or its assignment was wrong');
      return {
        brokers: CLUSTER_NODES,
        replicationFactor: CLUSTER_REPLICATION.factor,
        minInsyncReplicas: CLUSTER_REPLICATION.minInsync,
        partitions: PARTITIONS,
        fanOut: CLUSTER_FAN_OUT,
        messages: n,
        cores: os.cpus().length,
        baseline,
        runs,
        ok,
        notes,
      };

      /** Feed topic → the message ids of [from, to) it must receive. */
      function expectedPairs(
        feed: (agency: string) => string,
        from: number,
        to: number,
        all: boolean,
      ): Map<string, Set<string>> {
        const out = new Map<string, Set<string>>();
        for (const r of recipients) out.set(feed(r), new Set());
        for (let i = from; i < to; i++) {
          const m = messages[i] as SignedMessage;
          for (const r of all ? recipients : (entitled[i % OUTCOME_PERIOD] ?? [])) {
            out.get(feed(r))?.add(m.messageId);
          }
        }
        return out;
      }

      async function createRunTopics(ns: string): Promise<ReturnType<typeof namesFor>> {
        prefixes.push(ns);
        const names = namesFor(ns);
        await createTopics(admin, hubTopics(names, recipients), CLUSTER_REPLICATION);
        return names;
      }

      /** Sends the warm-up [n, n + warm) and waits for its `records` on the feeds. */
      async function warmUp(reader: Helper, topic: string, records: number): Promise<void> {
        await loader.call('backlog', { brokers, topic, from: n, to: n + warm });
        const reached = await reader.call<{ count: number }>('waitFor', {
          set: 'feeds',
          target: records,
          stallMs: STALL_MS,
        });
        if (reached.count !== records) {
          throw new Error(`cluster warm-up on ${topic}: ${reached.count} of ${records} records`);
        }
      }

      /** Waits for the backlog's records, then reads the rate and every record's key. */
      async function drained(
        reader: Helper,
        from: number,
        expected: Map<string, Set<string>>,
        since: number,
      ): Promise<{ rate: RateReply; deliveries: DeliveryCount; lastAt: number }> {
        const target = deliveriesOf(expected);
        const done = await reader.call<{ count: number; lastAt: number }>('waitFor', {
          set: 'feeds',
          target,
          stallMs: STALL_MS,
        });
        const rate = await reader.call<RateReply>('rate', {
          set: 'feeds',
          from,
          to: done.count,
          since,
        });
        // Duplicates would have ended the wait early: give late records a moment.
        await sleep(1000);
        const seen = await reader.call<Record<string, string[]>>('keysByTopic', {
          set: 'feeds',
          from: 0,
          to: Number.MAX_SAFE_INTEGER,
        });
        return { rate, deliveries: countDeliveries(expected, seen), lastAt: done.lastAt };
      }

      async function startReader(ns: string, feeds: string[]): Promise<Helper> {
        const reader = new Helper('feed-reader.js');
        await reader.call('start', { brokers, groupId: `${ns}-reader`, topics: { feeds } });
        return reader;
      }

      async function runBaseline(): Promise<ClusterDrain> {
        const ns = `bench${options.runId}cbl`;
        const names = await createRunTopics(ns);
        const feeds = recipients.map(names.feed);
        const reader = await startReader(ns, feeds);
        const pass = new Helper('passthrough.js');
        try {
          await pass.call('start', {
            brokers,
            transactional: true,
            transactionalId: `${ns}-tx`,
            groupId: `${ns}-tx`,
            input: names.submissions,
            outputs: feeds,
            decisions: names.decisions,
          });
          await waitForMembers(admin, `${ns}-tx`, names.submissions, 1);
          const warmRecords = warm * CLUSTER_FAN_OUT;
          await warmUp(reader, names.submissions, warmRecords);
          const before = cpuSnapshot();
          const since = wallMs();
          await loader.call('backlog', { brokers, topic: names.submissions, from: 0, to: n });
          const expected = expectedPairs(names.feed, 0, n + warm, true);
          const d = await drained(reader, warmRecords, expected, since);
          const machine = cpuBetween(before, cpuSnapshot());
          const seconds = (wallMs() - since) / 1000;
          return {
            throughput: throughput(
              n,
              d.rate.records,
              d.rate.perSec,
              d.rate.windowMs ?? 0,
              CLUSTER_FAN_OUT,
            ),
            cpu: {
              consumerUsPerMessage: (machine.byRole['pass-through'] * 1e6) / n,
              machineBusy: machineBusy(machine, seconds),
              machine,
            },
            deliveries: d.deliveries,
          };
        } finally {
          await pass.call('stop').catch(() => undefined);
          await pass.stop();
          await reader.call('stop').catch(() => undefined);
          await reader.stop();
          await deleteTopics(admin, [ns]);
        }
      }

      async function runHub(workers: number, startWith: number): Promise<ClusterHubRun> {
        const joining = workers - startWith;
        const ns = `bench${options.runId}c${workers}${joining > 0 ? `j${startWith}` : ''}`;
        const label = joining > 0 ? `${startWith} → ${workers} workers` : `${workers} worker(s)`;
        const names = await createRunTopics(ns);
        const group = `${ns}.liaison-policy`;
        const feeds = recipients.map(names.feed);
        await (world as BenchWorld).forgetReplays();
        const reader = await startReader(ns, feeds);
        const apps: AppProcess[] = [];
        const cpuAtStart = new Map<AppProcess, number>();
        const start = async (index: number): Promise<void> => {
          const app = startWorker(world as BenchWorld, brokers, ns, [], index);
          apps.push(app);
          await waitReady(app, 120_000);
          cpuAtStart.set(app, (await scrape(app.port)).cpuSeconds);
        };
        try {
          await Promise.all(Array.from({ length: startWith }, (_, i) => start(i)));
          await waitForMembers(admin, group, names.submissions, startWith);
          const warmRecords = deliveriesIn(n, n + warm);
          await warmUp(reader, names.submissions, warmRecords);
          for (const app of apps) cpuAtStart.set(app, (await scrape(app.port)).cpuSeconds);
          const before = cpuSnapshot();
          const since = wallMs();
          const sent = loader.call('backlog', {
            brokers,
            topic: names.submissions,
            from: 0,
            to: n,
          });
          // Workers joining under load: started as the backlog goes out.
          const joined = Promise.all(
            Array.from({ length: joining }, (_, i) => start(startWith + i)),
          ).then(
            () => undefined,
            (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
          );
          // Every stable assignment while the backlog drains must cover each partition once.
          let draining = true;
          let seen = 0;
          let wrong: AssignmentCheck | undefined;
          let allInGroupAt: number | undefined;
          let rebalanceBegunAt: number | undefined;
          const watch = (async () => {
            while (draining) {
              const a = await groupAssignment(admin, group, names.submissions).catch(
                () => undefined,
              );
              const size = Object.keys(a?.members ?? {}).length;
              if (a && joining > 0 && (a.state !== 'Stable' || size !== startWith)) {
                rebalanceBegunAt ??= wallMs();
              }
              if (a?.state === 'Stable' && size > 0) {
                seen++;
                const check = checkAssignment(a.members, PARTITIONS, false);
                if (!check.ok) wrong ??= check;
                if (Object.keys(a.members).length === workers) allInGroupAt ??= wallMs();
              }
              await sleep(250);
            }
          })();
          await sent;
          const expected = expectedPairs(names.feed, 0, n + warm, false);
          let d: Awaited<ReturnType<typeof drained>>;
          try {
            d = await drained(reader, warmRecords, expected, since);
          } finally {
            draining = false;
            await watch;
          }
          const joinError = await joined;
          if (joinError) throw joinError;
          const machine = cpuBetween(before, cpuSnapshot());
          const seconds = (wallMs() - since) / 1000;
          let workerCpu = 0;
          for (const app of apps) {
            workerCpu += (await scrape(app.port)).cpuSeconds - (cpuAtStart.get(app) ?? 0);
          }
          const assignment = checkAssignment(
            await waitForMembers(admin, group, names.submissions, workers),
            PARTITIONS,
            true,
          );
          const t = throughput(n, d.rate.records, d.rate.perSec, d.rate.windowMs ?? 0, perMessage);
          const rebalance =
            joining > 0
              ? {
                  begunAtMs: rebalanceBegunAt === undefined ? undefined : rebalanceBegunAt - since,
                  allInGroupAtMs: allInGroupAt === undefined ? undefined : allInGroupAt - since,
                  drainMs: d.lastAt - since,
                  underLoad: rebalanceBegunAt !== undefined && rebalanceBegunAt < d.lastAt,
                }
              : undefined;
          if (rebalance && !rebalance.underLoad) {
            notes.push(
              `${label}: the joining workers began a rebalance only after the drain (${n} submissions were too few)`,
            );
          }
          const ok = d.deliveries.exactlyOnce && assignment.ok && wrong === undefined;
          log(
            `cluster hub, ${label}: ${Math.round(t.deliveriesPerSec)} deliveries/s, ` +
              `${Math.round(t.messagesPerSec)} alerts/s, ${((workerCpu * 1e6) / n).toFixed(0)} µs worker CPU/message, ` +
              `machine ${(machineBusy(machine, seconds) * 100).toFixed(0)} % busy; ` +
              `${d.deliveries.delivered} of ${d.deliveries.expected} deliveries, ${d.deliveries.missing} missing, ` +
              `${d.deliveries.duplicated} duplicated; assignment ${assignment.ok && !wrong ? 'right' : 'WRONG'}`,
          );
          if (!ok) log(apps.map((a) => a.output.join('').slice(-1500)).join('\n---\n'));
          return {
            workers,
            startedWith: startWith,
            throughput: t,
            cpu: {
              consumerUsPerMessage: (workerCpu * 1e6) / n,
              machineBusy: machineBusy(machine, seconds),
              machine,
            },
            deliveries: d.deliveries,
            assignment,
            assignmentsDuringDrain: { seen, wrong },
            rebalance,
            ok,
          };
        } finally {
          await Promise.all(apps.map((a) => stopApp(a)));
          await reader.call('stop').catch(() => undefined);
          await reader.stop();
          await deleteTopics(admin, [ns]);
        }
      }
    } finally {
      await loader.stop();
      rmSync(framesFile, { force: true });
      await deleteTopics(admin, prefixes).catch(() => undefined);
      await admin.disconnect();
    }
  } finally {
    cluster.stop();
    await world
      ?.drop()
      .catch((error: unknown) => log(`could not drop ${world?.database}: ${String(error)}`));
  }
}

function deliveriesOf(expected: ReadonlyMap<string, ReadonlySet<string>>): number {
  let sum = 0;
  for (const ids of expected.values()) sum += ids.size;
  return sum;
}
