/**
 * Latency where users feel it: the hub and the transactional pass-through at a
 * low offered load (2 and 20 messages/s), one fan-out. The hub's figure is the
 * whole path a partner sees, publish → policy worker → feed topic → audit app's
 * feed projector → PostgreSQL NOTIFY → gateway → the partner's SSE stream; the
 * pass-through's is publish → its feed topics (read_committed), its end. The
 * hub's feed topics are read too, so the report splits the hub's path in two:
 * the worker's hop (publish → feed topic) and the feed store's (feed topic →
 * SSE: projector, NOTIFY, page query, SSE write).
 */
import type { Admin } from 'kafkajs';
import { Helper, namesFor, sleep, type LatencySummary } from './common';
import {
  Scraper,
  histogramBetween,
  metricValue,
  metricsText,
  sliceProfile,
  stopApp,
  waitReady,
  type AppProcess,
} from './processes';
import { SseFeedReader } from './sse-feed-reader';
import {
  PARTITIONS,
  createTopics,
  deleteTopics,
  latencyOf,
  startAudit,
  startGateway,
  startWorker,
  waitForStableGroup,
} from './stage';
import { recipientId, type BenchKeys, type BenchWorld } from './world';
import type { SliceProfile } from './processes';

/** Offered loads (messages/s) and how long each is held. */
export const LOW_LOADS: readonly { readonly perSec: number; readonly seconds: number }[] = [
  { perSec: 2, seconds: 20 },
  { perSec: 20, seconds: 10 },
];
/** What the hub must reach at the higher of the two loads (hub → SSE). */
export const LOW_LOAD_TARGET = { perSec: 20, p50Ms: 30, p99Ms: 100, ofPassThroughP50: 2 } as const;
/** Fan-out of the low-load phase: a handful of partners, as the demo world. */
export const LOW_LOAD_FAN_OUT = 5;

/**
 * How long the worker, the audit app and the gateway may take to become
 * ready: booting all three at once on a shared 2-core machine under load
 * took more than the usual minute.
 */
const APPS_READY_MS = 180_000;

export interface LowLoadRun {
  readonly perSec: number;
  readonly messages: number;
  /** Publish → partner's SSE event, every delivery. */
  readonly hubSse: LatencySummary;
  /** Publish → the hub's feed topic (read_committed): the worker's hop. */
  readonly hubFeedTopic: LatencySummary;
  /** Publish → the pass-through's feed topic (read_committed). */
  readonly passThrough: LatencySummary;
  /** The worker's slices over the hub's run. */
  readonly hubSlices?: SliceProfile;
  /** The feed store's hop over the hub's run, from the audit app's and gateway's histograms. */
  readonly feedHops?: FeedHops;
}

/** Means (ms) of the feed store's steps over one load, from the apps' own histograms. */
export interface FeedHops {
  /** Projector statements (insert, NOTIFY, commit) and their mean. */
  readonly statements: number;
  readonly statementMs: number;
  /** Feed topics' batches stored per statement. */
  readonly batchesPerStatement: number;
  /** A delivery's create time in the worker to the projector's hand-over. */
  readonly handoverMs: number;
  /** NOTIFY → entries written to a stream (page query and SSE write), and the page query alone. */
  readonly wakeMs: number;
  readonly pageMs: number;
}

function feedHopsBetween(
  audit: { before: string; after: string },
  gateway: { before: string; after: string },
): FeedHops {
  const statement = histogramBetween(audit.before, audit.after, 'liaison_feed_store_seconds');
  const batches =
    (metricValue(audit.after, 'liaison_feed_batches_total') || 0) -
    (metricValue(audit.before, 'liaison_feed_batches_total') || 0);
  return {
    statements: statement.count,
    statementMs: statement.meanMs,
    batchesPerStatement: statement.count > 0 ? batches / statement.count : Number.NaN,
    handoverMs: histogramBetween(audit.before, audit.after, 'liaison_feed_handover_seconds').meanMs,
    wakeMs: histogramBetween(gateway.before, gateway.after, 'liaison_feed_wake_seconds').meanMs,
    pageMs: histogramBetween(gateway.before, gateway.after, 'liaison_feed_page_seconds').meanMs,
  };
}

export interface LowLoadResult {
  readonly fanOut: number;
  readonly runs: LowLoadRun[];
  readonly notes: string[];
}

export interface LowLoadOptions {
  readonly admin: Admin;
  readonly world: BenchWorld;
  readonly keys: BenchKeys;
  readonly brokers: string[];
  readonly runId: string;
  readonly loader: Helper;
  /** Deliveries the hub's policy yields for each message index (cycled). */
  readonly deliveriesOf: (world: BenchWorld) => Promise<number[]>;
  /** First message index free for warm-up (the backlogs use the ones before). */
  readonly warmUpFrom: number;
  readonly log: (line: string) => void;
}

export async function runLowLoad(options: LowLoadOptions): Promise<LowLoadResult> {
  const { admin, world, brokers, loader, log } = options;
  const fanOut = LOW_LOAD_FAN_OUT;
  const hubNs = `bench${options.runId}low`;
  const blNs = `${hubNs}bl`;
  const hub = namesFor(hubNs);
  const bl = namesFor(blNs);
  const recipients = Array.from({ length: fanOut }, (_, i) => recipientId(i));
  const notes: string[] = [];
  await createTopics(admin, [
    { topic: hub.submissions, partitions: PARTITIONS },
    { topic: hub.decisions, partitions: PARTITIONS },
    { topic: hub.deadLetters, partitions: 1 },
    { topic: hub.policies, partitions: 1 },
    { topic: hub.directory, partitions: 1 },
    { topic: hub.checkpoints, partitions: 1 },
    ...recipients.map((r) => ({ topic: hub.feed(r), partitions: 1 })),
    { topic: bl.submissions, partitions: PARTITIONS },
    { topic: bl.decisions, partitions: PARTITIONS },
    ...recipients.map((r) => ({ topic: bl.feed(r), partitions: 1 })),
  ]);
  await world.setFanOut(fanOut);
  await world.forgetReplays();
  // The fan-out phases stored these message ids already: the feed store would
  // take them as duplicates and wake no stream.
  await world.query('TRUNCATE feed_entry');
  const perMessage = await options.deliveriesOf(world);
  const expected = (from: number, to: number): number => {
    let sum = 0;
    for (let i = from; i < to; i++) sum += perMessage[i % perMessage.length] ?? 0;
    return sum;
  };
  const reader = new Helper('feed-reader.js');
  const txPass = new Helper('passthrough.js');
  const sse = new SseFeedReader();
  let worker: AppProcess | undefined;
  let audit: AppProcess | undefined;
  let gateway: AppProcess | undefined;
  try {
    await reader.call('start', {
      brokers,
      groupId: `${hubNs}-reader`,
      topics: { hub: recipients.map(hub.feed), bl: recipients.map(bl.feed) },
    });
    await txPass.call('start', {
      brokers,
      transactional: true,
      transactionalId: `${blNs}-tx`,
      groupId: `${blNs}-tx`,
      input: bl.submissions,
      outputs: recipients.map(bl.feed),
      decisions: bl.decisions,
    });
    worker = startWorker(world, brokers, hubNs);
    audit = startAudit(world, brokers, hubNs);
    gateway = startGateway(world, brokers, hubNs);
    if (!audit) throw new Error('the low-load phase needs the audit app (dist/apps/audit)');
    await Promise.all([
      waitReady(worker, APPS_READY_MS),
      waitReady(audit, APPS_READY_MS),
      waitReady(gateway, APPS_READY_MS),
    ]);
    await waitForStableGroup(admin, `${hubNs}.liaison-policy`);
    await waitForStableGroup(admin, `${blNs}-tx`);
    await sse.open(gateway.port, options.keys, recipients);

    // Untimed warm-up of both paths (connections, JIT), then each load in turn.
    const warmFrom = options.warmUpFrom;
    const warmTo = warmFrom + 20;
    let hubCount = 0;
    let blCount = 0;
    const paced = (topic: string, from: number, to: number, rate: number) =>
      loader.call<{ sentAt: [string, number][] }>('paced', { brokers, topic, from, to, rate });
    await paced(hub.submissions, warmFrom, warmTo, 10);
    await paced(bl.submissions, warmFrom, warmTo, 10);
    hubCount += expected(warmFrom, warmTo);
    blCount += (warmTo - warmFrom) * fanOut;
    await reader.call('waitFor', { set: 'hub', target: hubCount });
    await reader.call('waitFor', { set: 'bl', target: blCount });
    await waitForSse(sse, hubCount);

    const runs: LowLoadRun[] = [];
    let next = 0;
    for (const load of LOW_LOADS) {
      const count = Math.round(load.perSec * load.seconds);
      const from = next;
      const to = next + count;
      next = to;
      const hubBase = hubCount;
      const sseBase = sse.arrivals.length;
      const scraper = new Scraper(worker.port, 250);
      const auditBefore = await metricsText(audit.port);
      const gatewayBefore = await metricsText(gateway.port);
      const hubSent = await paced(hub.submissions, from, to, load.perSec);
      hubCount += expected(from, to);
      await reader.call('waitFor', { set: 'hub', target: hubCount });
      const sseDone = await waitForSse(sse, hubCount);
      const samples = await scraper.stop();
      const feedHops = feedHopsBetween(
        { before: auditBefore, after: await metricsText(audit.port) },
        { before: gatewayBefore, after: await metricsText(gateway.port) },
      );
      if (!sseDone)
        notes.push(`${load.perSec}/s: ${sse.arrivals.length} of ${hubCount} SSE events`);
      const hubFeedTopic = latencyOf(
        await reader.call<LatencySummary>('latency', {
          set: 'hub',
          from: hubBase,
          to: hubCount,
          sentAt: hubSent.sentAt,
        }),
      );
      const hubSse = sse.latency(sseBase, hubSent.sentAt);
      const blBase = blCount;
      const blSent = await paced(bl.submissions, from, to, load.perSec);
      blCount += count * fanOut;
      await reader.call('waitFor', { set: 'bl', target: blCount });
      const passThrough = latencyOf(
        await reader.call<LatencySummary>('latency', {
          set: 'bl',
          from: blBase,
          to: blCount,
          sentAt: blSent.sentAt,
        }),
      );
      const ms = (l: LatencySummary): string =>
        `p50 ${l.p50Ms.toFixed(1)} / p99 ${l.p99Ms.toFixed(1)} ms`;
      log(
        `low load ${load.perSec}/s F=${fanOut}: hub→SSE ${ms(hubSse)}, hub→feed topic ` +
          `${ms(hubFeedTopic)}, pass-through ${ms(passThrough)}`,
      );
      runs.push({
        perSec: load.perSec,
        messages: count,
        hubSse,
        hubFeedTopic,
        passThrough,
        hubSlices: sliceProfile(samples),
        feedHops,
      });
    }
    if (sse.malformed > 0) notes.push(`${sse.malformed} SSE events were not deliveries`);
    return { fanOut, runs, notes };
  } finally {
    sse.close();
    await Promise.all([stopApp(worker), stopApp(audit), stopApp(gateway)]);
    await txPass.call('stop').catch(() => undefined);
    await txPass.stop();
    await reader.call('stop').catch(() => undefined);
    await reader.stop();
    await deleteTopics(admin, [hubNs, blNs]);
  }
}

/** Waits until the SSE streams delivered `target` events in all; false after 30 s without progress. */
async function waitForSse(sse: SseFeedReader, target: number): Promise<boolean> {
  let last = sse.arrivals.length;
  let lastChange = Date.now();
  while (sse.arrivals.length < target) {
    await sleep(20);
    if (sse.arrivals.length !== last) {
      last = sse.arrivals.length;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > 30_000) return false;
  }
  return true;
}
