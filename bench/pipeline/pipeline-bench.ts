/**
 * The end-to-end benchmark: the hub's real policy worker (and the audit app when
 * it is built) against a raw kafkajs pass-through, on the same broker, the same
 * pre-signed submissions and the same topic layout, at fan-out 5, 20 and 200.
 *
 * Per fan-out F, in this order (each phase drained completely before the next):
 *   A. pass-through, transactional: backlog of N submissions, max throughput;
 *   B. pass-through, non-transactional: the same N records (a new group), max throughput;
 *   C. hub: the same N submissions as a backlog, then the worker starts; max throughput,
 *      worker CPU per message and RSS from its /metrics;
 *   D. hub at a fixed offered load of 50% of C's max: publish→feed latency, RSS;
 *   E. pass-through (transactional) at the same offered load: latency.
 * Throughput is counted on the feed topics by a read_committed reader process.
 */
import { createPublicKey, verify as nodeVerify, type JsonWebKey } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { messageClaimShape } from '@liaison/contracts';
import { verifySdJwt } from '@liaison/crypto';
import { consumerGroupLag } from '@liaison/kafka';
import { createDataSource } from '@liaison/persistence';
import { decideAll } from '@liaison/policy';
import { analyseMessage } from '@liaison/messages';
import { loadPolicySnapshot } from '../../apps/policy/src/policy-snapshot';
import { measure } from '../harness';
import { Helper, namesFor, sleep, wallMs, writeFrames, type LatencySummary } from './common';
import {
  BACKLOG_MAX,
  backlogSize,
  deliveriesPerMessage,
  encodeSubmissions,
  presignAll,
  throughput,
  warmUpSize,
  type RateReply,
  type ThroughputResult,
} from './backlog';
import { warmUpBroker } from './broker-warm-up';
import type { SignedMessage } from './presign';
import {
  Scraper,
  rssOf,
  sliceProfile,
  stopApp,
  waitReady,
  type AppProcess,
  type MetricSample,
  type SliceProfile,
} from './processes';
import { summariseProfile, type ProfileSummary } from '../report/profile';
import { cpuBetween, cpuSnapshot, type CpuUse } from './cpu-accounting';
import {
  BenchWorld,
  MAX_RECIPIENTS,
  benchDir,
  benchKeys,
  recipientId,
  type BenchKeys,
} from './world';
import { measureGatewaySse, type GatewaySseResult } from './gateway-sse';
import { runLowLoad, type LowLoadResult } from './low-load';
import {
  PARTITIONS,
  createTopics,
  deleteTopics,
  hubTopics,
  latencyOf,
  startAudit,
  startWorker,
  takePort,
  waitForStableGroup,
} from './stage';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const LATENCY_SECONDS = 5;
export interface PipelineOptions {
  readonly brokers: string[];
  readonly databaseUrl: string;
  readonly runId: string;
  readonly fanOuts: readonly number[];
  readonly log: (line: string) => void;
  readonly profileFanOut?: number;
  readonly gatewaySse?: number;
  /** Run the low-load latency phase (low-load.ts). */
  readonly lowLoad?: boolean;
}

export interface FanOutResult {
  readonly fanOut: number;
  /** Deliveries per message the policy yields (checked in-process before the run). */
  readonly deliveriesPerMessage: number;
  readonly baselineTx: ThroughputResult;
  readonly baselineNonTx: ThroughputResult;
  readonly hub: ThroughputResult;
  readonly hubCpu: {
    readonly cpuUsPerMessage: number;
    readonly cpuUsPerMessageBeyondVerify: number;
    readonly targetUs: number;
    readonly samples: number;
  };
  /** Whole-machine CPU of the backlog drains (A and C), by process role. */
  readonly machineCpu: { readonly baselineTx: CpuUse; readonly hub: CpuUse };
  /** After the hub's drain, until the audit app had read all of it (before phase D). */
  readonly auditCatchUpMs?: number;
  readonly offeredLoadPerSec: number;
  readonly hubLatency: LatencySummary;
  readonly baselineLatency: LatencySummary;
  /** The worker's slices in phase D (full-speed drain: phase C): size and phase means. */
  readonly hubSlices?: { readonly drain?: SliceProfile; readonly paced?: SliceProfile };
  readonly workerRss: {
    readonly maxAtMaxLoadBytes: number;
    /** Max over the second half of the paced phase (D), and at its end. */
    readonly maxAtSteadyLoadBytes: number;
    /** Max over the first half of D: what the drain left, while the load settles. */
    readonly atSteadyLoadStartBytes?: number;
    /** Before the drain (worker started, idle). */
    readonly idleBytes?: number;
    /** What the largest RSS sample held: V8 heap reserved and used, memory outside it. */
    readonly atMax?: {
      readonly rssBytes: number;
      readonly heapTotalBytes: number;
      readonly heapUsedBytes: number;
      readonly externalBytes: number;
    };
  };
  readonly auditApp: boolean;
}

export interface PipelineResult {
  readonly fanOuts: FanOutResult[];
  readonly verifyEd25519Us: number;
  readonly presign: { readonly messages: number; readonly cached: boolean; readonly ms: number };
  readonly policyDecision?: PolicyDecisionCost;
  readonly profile?: { readonly fanOut: number; readonly summary: ProfileSummary };
  readonly gatewaySse?: GatewaySseResult | { readonly error: string };
  readonly lowLoad?: LowLoadResult | { readonly error: string };
  readonly notes: string[];
}

/** The scrape with the largest RSS (scrapes without an RSS left out). */
function largestRss(samples: readonly MetricSample[]): MetricSample | undefined {
  let max: MetricSample | undefined;
  for (const x of samples) {
    if (Number.isFinite(x.rssBytes) && (!max || x.rssBytes > max.rssBytes)) max = x;
  }
  return max;
}

function atMaxOf(sample: MetricSample | undefined): FanOutResult['workerRss']['atMax'] {
  if (!sample) return undefined;
  const { rssBytes, heapTotalBytes, heapUsedBytes, externalBytes } = sample;
  return { rssBytes, heapTotalBytes, heapUsedBytes, externalBytes };
}

/** One Ed25519 verification with a cached KeyObject, on a real issuer JWT of the run. */
async function measureVerify(message: SignedMessage, keys: BenchKeys): Promise<number> {
  const publisher = keys.publishers.find((p) => p.agencyId === message.originatorAgency);
  if (!publisher) throw new Error('publisher of a pre-signed message is unknown');
  const key = createPublicKey({ key: publisher.signing.publicJwk as JsonWebKey, format: 'jwk' });
  const jwt = message.sdJwt.split('~')[0] ?? '';
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const data = Buffer.from(`${h}.${p}`);
  const sig = Buffer.from(s, 'base64url');
  if (!nodeVerify(null, data, key, sig)) throw new Error('bench signature does not verify');
  const m = await measure('ed25519 verify', () => nodeVerify(null, data, key, sig), {
    batches: 20,
    batchSize: 200,
  });
  return m.nsPerOpMedian / 1000;
}

export interface PolicyDecisionCost {
  readonly recipients: number;
  readonly decideAllUs: number;
  readonly perRecipientUs: number;
}

/** decideAll over the run's own compiled policy set (every recipient), per message. */
async function measurePolicy(
  world: BenchWorld,
  message: SignedMessage,
): Promise<PolicyDecisionCost> {
  const ds = createDataSource({ url: world.url, asOwner: true, poolSize: 1 });
  await ds.initialize();
  try {
    const snapshot = await loadPolicySnapshot(ds);
    const verified = verifySdJwt(message.sdJwt, {
      directory: snapshot.keys,
      shape: messageClaimShape(message.kind),
      now: () => Date.parse(message.signedAt),
      maxTokenBytes: 1024 * 1024,
      clockSkewSec: 60,
    });
    const facts = analyseMessage(
      verified,
      message.kind,
      snapshot.jurisdictionOf.get(message.originatorAgency) ?? '',
    ).facts;
    const recipients = snapshot.policies.agencies.length;
    const m = await measure('decideAll', () => decideAll(snapshot.policies, facts), {
      batches: 30,
      batchSize: 200,
    });
    return {
      recipients,
      decideAllUs: m.nsPerOpMedian / 1000,
      perRecipientUs: m.nsPerOpMedian / 1000 / Math.max(1, recipients),
    };
  } finally {
    await ds.destroy();
  }
}

/** Input topic of the non-transactional pass-through. */
const plainInput = (names: { submissions: string }): string => `${names.submissions}.plain`;

/**
 * Waits until the audit app has read everything the hub phase wrote (its ledger
 * and feed-store groups), so the latency phase measures the hub at 50% load and
 * not the audit app still catching up with the backlog. Returns how long that took.
 */
async function waitForAuditCatchUp(
  admin: Admin,
  namespace: string,
  decisions: string,
  feeds: readonly string[],
): Promise<number> {
  const started = Date.now();
  const deadline = started + 120_000;
  for (;;) {
    const lag =
      (await consumerGroupLag(admin, `${namespace}.liaison-audit-ledger`, [decisions])) +
      (await consumerGroupLag(admin, `${namespace}.liaison-audit-feed`, feeds));
    if (lag === 0n || Date.now() > deadline) return Date.now() - started;
    await sleep(250);
  }
}

/** CPU seconds per message over the whole drain of the backlog. */
function cpuPerMessage(samples: readonly MetricSample[], total: number) {
  // From the scrape before the backlog was sent (worker idle, in its group) to the
  // first scrape after every message of the backlog was committed: all the work,
  // attributed to all the messages. (A window on the processed counter
  // misattributes CPU when partitions processed concurrently commit in bursts.)
  const a = samples[0];
  const b =
    samples.find((s) => a !== undefined && s.processed - a.processed >= total) ??
    samples[samples.length - 1];
  if (!a || !b || b.processed <= a.processed) return { us: Number.NaN, samples: samples.length };
  return {
    us: ((b.cpuSeconds - a.cpuSeconds) * 1e6) / (b.processed - a.processed),
    samples: samples.indexOf(b) + 1,
  };
}

const f1 = (x: number | null | undefined): string => (typeof x === 'number' ? x.toFixed(1) : '—');

export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const { brokers, log } = options;
  const notes: string[] = [];
  const keys = benchKeys();
  log('creating the bench directory database...');
  const world = await BenchWorld.create(options.databaseUrl, options.runId, keys);
  const kafka = new Kafka({ brokers, clientId: 'bench-admin', logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  const prefixes: string[] = [];
  const loader = new Helper('load-generator.js');
  const framesFile = path.join(benchDir(), `frames-${options.runId}.bin`);
  try {
    const presigned = await presignAll(keys, log);
    log(
      `${presigned.messages.length} pre-signed submissions (${presigned.cached ? 'cached' : `${presigned.ms} ms`})`,
    );
    writeFileSync(framesFile, writeFrames(encodeSubmissions(presigned.messages)));
    await loader.call('load', { file: framesFile, brokers });
    const verifyUs = await measureVerify(presigned.messages[0] as SignedMessage, keys);
    log(`Ed25519 verify (node:crypto, cached key): ${verifyUs.toFixed(1)} µs`);
    const warmMs = await warmUpBroker(kafka, admin, `bench${options.runId}warm`);
    log(`broker warmed up (${warmMs} ms, untimed)`);
    const fanOuts: FanOutResult[] = [];
    for (const fanOut of options.fanOuts) {
      fanOuts.push(await runFanOut(fanOut));
    }
    let lowLoad: PipelineResult['lowLoad'];
    if (options.lowLoad) {
      log('low-load latency phase (hub → SSE, pass-through → feed topic)...');
      try {
        lowLoad = await runLowLoad({
          admin,
          world,
          keys,
          brokers,
          runId: options.runId,
          loader,
          deliveriesOf: (w) => deliveriesPerMessage(w, presigned.messages.slice(0, 28)),
          warmUpFrom: BACKLOG_MAX,
          log,
        });
      } catch (error) {
        log(`low-load phase failed: ${(error as Error).stack ?? String(error)}`);
        lowLoad = { error: (error as Error).message.slice(0, 500) };
      }
    }
    const maxFanOut = Math.max(1, ...options.fanOuts);
    await world.setFanOut(maxFanOut);
    const policyDecision = await measurePolicy(world, presigned.messages[0] as SignedMessage);
    log(
      `decideAll over ${policyDecision.recipients} recipients: ${policyDecision.decideAllUs.toFixed(1)} µs`,
    );
    let profile: PipelineResult['profile'];
    if (options.profileFanOut) {
      try {
        profile = {
          fanOut: options.profileFanOut,
          summary: await runProfile(options.profileFanOut),
        };
      } catch (error) {
        notes.push(`CPU profile failed: ${(error as Error).message.slice(0, 300)}`);
      }
    }
    let gatewaySse: PipelineResult['gatewaySse'];
    if (options.gatewaySse) {
      log(`gateway with ${options.gatewaySse} open SSE feeds...`);
      try {
        // Every bench recipient receives a feed (the subscriber role needs one), so
        // the streams spread over all 200 agencies, 2-3 streams each.
        await world.setFanOut(MAX_RECIPIENTS);
        gatewaySse = await measureGatewaySse({
          databaseUrl: world.url,
          brokers,
          keys,
          connections: options.gatewaySse,
          port: takePort(),
          namespace: `bench${options.runId}gw`,
        });
      } catch (error) {
        gatewaySse = { error: (error as Error).message.slice(0, 500) };
      }
    }
    return {
      fanOuts,
      verifyEd25519Us: verifyUs,
      presign: { messages: presigned.messages.length, cached: presigned.cached, ms: presigned.ms },
      policyDecision,
      profile,
      gatewaySse,
      lowLoad,
      notes,
    };

    async function runFanOut(fanOut: number): Promise<FanOutResult> {
      const n = backlogSize(fanOut);
      const hubNs = `bench${options.runId}f${fanOut}`;
      const blNs = `${hubNs}bl`;
      prefixes.push(hubNs, blNs);
      const hub = namesFor(hubNs);
      const bl = namesFor(blNs);
      const recipients = Array.from({ length: fanOut }, (_, i) => recipientId(i));
      log(`F=${fanOut}: ${n} submissions per phase; creating ${2 * fanOut + 9} topics...`);
      await createTopics(admin, [
        ...hubTopics(hub, recipients),
        { topic: bl.submissions, partitions: PARTITIONS },
        { topic: plainInput(bl), partitions: PARTITIONS },
        { topic: bl.decisions, partitions: PARTITIONS },
        ...recipients.map((r) => ({ topic: bl.feed(r), partitions: 1 })),
      ]);
      await world.setFanOut(fanOut);
      await world.forgetReplays();
      const perMessage = await deliveriesPerMessage(world, presigned.messages.slice(0, 28));
      const expected = (from: number, to: number): number => {
        let sum = 0;
        for (let i = from; i < to; i++) sum += perMessage[i % perMessage.length] ?? 0;
        return sum;
      };
      const avgPerMessage = expected(0, n) / n;
      if (avgPerMessage !== fanOut) {
        notes.push(
          `F=${fanOut}: the policy yields ${avgPerMessage.toFixed(2)} deliveries per message`,
        );
      }

      const reader = new Helper('feed-reader.js');
      const warm = warmUpSize(fanOut);
      /**
       * Sends the warm-up messages [n, n + warm) to `topic` and waits until the
       * reader's `set`, which held `from` records, holds their `records` too;
       * returns the set's new count.
       */
      const warmUp = async (
        topic: string,
        set: string,
        from: number,
        records: number,
      ): Promise<number> => {
        await loader.call('backlog', { brokers, topic, from: n, to: n + warm });
        const target = from + records;
        const reached = await reader.call<{ count: number }>('waitFor', { set, target });
        if (reached.count !== target) {
          throw new Error(
            `F=${fanOut}: warm-up on ${topic}: ${reached.count - from} of ${records} records`,
          );
        }
        return target;
      };
      let txPass: Helper | undefined;
      let worker: AppProcess | undefined;
      let audit: AppProcess | undefined;
      try {
        await reader.call('start', {
          brokers,
          groupId: `${hubNs}-reader`,
          topics: { hub: recipients.map(hub.feed), bl: recipients.map(bl.feed) },
        });

        // A. pass-through, transactional: consumer ready first, then the backlog arrives.
        txPass = new Helper('passthrough.js');
        const outputs = recipients.map(bl.feed);
        await txPass.call('start', {
          brokers,
          transactional: true,
          transactionalId: `${blNs}-tx`,
          groupId: `${blNs}-tx`,
          input: bl.submissions,
          outputs,
          decisions: bl.decisions,
        });
        await waitForStableGroup(admin, `${blNs}-tx`);
        // Records on the baseline's feeds so far (warm-ups and measured phases).
        let blCount = await warmUp(bl.submissions, 'bl', 0, warm * fanOut);
        const aFrom = blCount;
        const aCpu = cpuSnapshot();
        const aSince = wallMs();
        await loader.call('backlog', { brokers, topic: bl.submissions, from: 0, to: n });
        blCount += n * fanOut;
        await reader.call('waitFor', { set: 'bl', target: blCount });
        const baselineCpu = cpuBetween(aCpu, cpuSnapshot());
        const a = await reader.call<RateReply>('rate', {
          set: 'bl',
          from: aFrom,
          to: blCount,
          since: aSince,
        });
        const baselineTx = throughput(n, a.records, a.perSec, a.windowMs ?? 0, fanOut);
        log(`F=${fanOut} A pass-through (tx): ${Math.round(a.perSec)} records/s`);

        // B. pass-through, non-transactional: the same backlog on an input topic of
        // its own (the transactional pass-through keeps running for phase E).
        const plain = new Helper('passthrough.js');
        let bSince = 0;
        let bFrom = 0;
        try {
          await plain.call('start', {
            brokers,
            transactional: false,
            groupId: `${blNs}-plain`,
            input: plainInput(bl),
            outputs,
            decisions: bl.decisions,
          });
          await waitForStableGroup(admin, `${blNs}-plain`);
          blCount = await warmUp(plainInput(bl), 'bl', blCount, warm * fanOut);
          bFrom = blCount;
          bSince = wallMs();
          await loader.call('backlog', { brokers, topic: plainInput(bl), from: 0, to: n });
          blCount += n * fanOut;
          await reader.call('waitFor', { set: 'bl', target: blCount });
        } finally {
          await plain.call('stop').catch(() => undefined);
          await plain.stop();
        }
        const b = await reader.call<RateReply>('rate', {
          set: 'bl',
          from: bFrom,
          to: blCount,
          since: bSince,
        });
        const baselineNonTx = throughput(n, b.records, b.perSec, b.windowMs ?? 0, fanOut);
        log(`F=${fanOut} B pass-through (no tx): ${Math.round(b.perSec)} records/s`);

        // C. hub: worker (and audit app) ready and in its group, then the backlog arrives.
        const hubExpected = expected(0, n);
        worker = startWorker(world, brokers, hubNs);
        audit = startAudit(world, brokers, hubNs);
        await waitReady(worker);
        if (audit) await waitReady(audit);
        await waitForStableGroup(admin, `${hubNs}.liaison-policy`);
        const cFrom = await warmUp(hub.submissions, 'hub', 0, expected(n, n + warm));
        // The audit app done with the warm-up too, as the pass-through's readers are.
        if (audit) {
          await waitForAuditCatchUp(admin, hubNs, hub.decisions, recipients.map(hub.feed));
        }
        const scraper = new Scraper(worker.port, 200);
        const cCpu = cpuSnapshot();
        const cSince = wallMs();
        await loader.call('backlog', { brokers, topic: hub.submissions, from: 0, to: n });
        const cWait = await reader.call<{ count: number }>('waitFor', {
          set: 'hub',
          target: cFrom + hubExpected,
        });
        const hubCpu = cpuBetween(cCpu, cpuSnapshot());
        const cSamples = await scraper.stop();
        if (cWait.count - cFrom < hubExpected) {
          notes.push(
            `F=${fanOut}: hub delivered ${cWait.count - cFrom} of ${hubExpected} expected records`,
          );
          log(worker.output.join('').slice(-2000));
        }
        const c = await reader.call<RateReply>('rate', {
          set: 'hub',
          from: cFrom,
          to: cWait.count,
          since: cSince,
        });
        const hubT = throughput(n, c.records, c.perSec, c.windowMs ?? 0, avgPerMessage);
        const cpu = cpuPerMessage(cSamples, n);
        const targetUs = 50 + 2 * fanOut;
        log(
          `F=${fanOut} C hub: ${Math.round(c.perSec)} deliveries/s, ${Math.round(hubT.messagesPerSec)} alerts/s, ` +
            `${cpu.us.toFixed(0)} µs CPU/message`,
        );

        // D. hub at 50% of its max, once the audit app has caught up with phase C.
        const auditCatchUpMs = audit
          ? await waitForAuditCatchUp(admin, hubNs, hub.decisions, recipients.map(hub.feed))
          : 0;
        log(`F=${fanOut} audit app caught up ${auditCatchUpMs} ms after the drain`);
        const offered = Math.max(5, hubT.messagesPerSec * 0.5);
        const count = Math.min(BACKLOG_MAX, Math.max(50, Math.round(offered * LATENCY_SECONDS)));
        await world.forgetReplays();
        await sleep(300);
        const dScraper = new Scraper(worker.port, 250);
        const dBase = cWait.count;
        const dLoadStart = Date.now();
        const dSent = await loader.call<{ sentAt: [string, number][] }>('paced', {
          brokers,
          topic: hub.submissions,
          from: 0,
          to: count,
          rate: offered,
        });
        const dLoadEnd = Date.now();
        const dTarget = dBase + expected(0, count);
        await reader.call('waitFor', { set: 'hub', target: dTarget });
        const dSamples = await dScraper.stop();
        const hubLatency = latencyOf(
          await reader.call<LatencySummary>('latency', {
            set: 'hub',
            from: dBase,
            to: dTarget,
            sentAt: dSent.sentAt,
          }),
        );
        log(
          `F=${fanOut} D hub latency at ${offered.toFixed(0)}/s: p50 ${f1(hubLatency.p50Ms)} ms, ` +
            `p99 ${f1(hubLatency.p99Ms)} ms`,
        );

        // E. pass-through (transactional) at the same offered load.
        const eBase = blCount;
        const eSent = await loader.call<{ sentAt: [string, number][] }>('paced', {
          brokers,
          topic: bl.submissions,
          from: 0,
          to: count,
          rate: offered,
        });
        await reader.call('waitFor', { set: 'bl', target: eBase + count * fanOut });
        const baselineLatency = latencyOf(
          await reader.call<LatencySummary>('latency', {
            set: 'bl',
            from: eBase,
            to: eBase + count * fanOut,
            sentAt: eSent.sentAt,
          }),
        );
        log(
          `F=${fanOut} E pass-through latency: p50 ${f1(baselineLatency.p50Ms)} ms, ` +
            `p99 ${f1(baselineLatency.p99Ms)} ms`,
        );
        const maxRss = (s: readonly MetricSample[]): number => largestRss(s)?.rssBytes ?? 0;
        // Steady load: the second half of the paced phase. At its start the worker
        // still holds what the full-speed drain left (V8 and malloc give memory
        // back lazily), which is the max-load figure's, not the steady load's.
        const steadyFrom = dLoadStart + (dLoadEnd - dLoadStart) / 2;
        return {
          fanOut,
          deliveriesPerMessage: avgPerMessage,
          baselineTx,
          baselineNonTx,
          hub: hubT,
          hubCpu: {
            cpuUsPerMessage: cpu.us,
            cpuUsPerMessageBeyondVerify: cpu.us - verifyUs,
            targetUs,
            samples: cpu.samples,
          },
          machineCpu: { baselineTx: baselineCpu, hub: hubCpu },
          auditCatchUpMs,
          offeredLoadPerSec: offered,
          hubLatency,
          baselineLatency,
          hubSlices: { drain: sliceProfile(cSamples), paced: sliceProfile(dSamples) },
          workerRss: {
            maxAtMaxLoadBytes: maxRss(cSamples),
            maxAtSteadyLoadBytes: Math.max(
              maxRss(dSamples.filter((x) => x.at >= steadyFrom)),
              rssOf(worker.child.pid ?? 0) || 0,
            ),
            atSteadyLoadStartBytes: maxRss(dSamples.filter((x) => x.at < steadyFrom)),
            idleBytes: cSamples[0]?.rssBytes,
            atMax: atMaxOf(largestRss([...cSamples, ...dSamples])),
          },
          auditApp: audit !== undefined,
        };
      } finally {
        await Promise.all([stopApp(worker), stopApp(audit)]);
        if (txPass) {
          await txPass.call('stop').catch(() => undefined);
          await txPass.stop();
        }
        await reader.call('stop').catch(() => undefined);
        await reader.stop();
        await deleteTopics(admin, [hubNs, blNs]);
      }
    }

    /** A short extra hub run under --cpu-prof (not timed): where the worker's CPU goes. */
    async function runProfile(fanOut: number): Promise<ProfileSummary> {
      const n = Math.min(1200, backlogSize(fanOut));
      const ns = `bench${options.runId}prof`;
      prefixes.push(ns);
      const names = namesFor(ns);
      const recipients = Array.from({ length: fanOut }, (_, i) => recipientId(i));
      log(`profiling the worker at F=${fanOut} (${n} submissions, --cpu-prof)...`);
      await createTopics(admin, hubTopics(names, recipients));
      await world.setFanOut(fanOut);
      await world.forgetReplays();
      const profDir = path.join(benchDir(), `profile-${options.runId}`);
      const worker = startWorker(world, brokers, ns, ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
      // Only the work counts: samples from the backlog's first send on, not start-up.
      let since = 0;
      try {
        await waitReady(worker);
        await waitForStableGroup(admin, `${ns}.liaison-policy`);
        since = Number(process.hrtime.bigint() / 1000n);
        await loader.call('backlog', { brokers, topic: names.submissions, from: 0, to: n });
        const deadline = Date.now() + 60_000;
        for (;;) {
          const res = await fetch(`http://127.0.0.1:${worker.port}/metrics`).then((r) => r.text());
          const m = /liaison_submissions_processed_total(?:\{[^}]*\})? (\d+)/.exec(res);
          if ((m && Number(m[1]) >= n) || Date.now() > deadline) break;
          await sleep(250);
        }
      } finally {
        await stopApp(worker);
        await deleteTopics(admin, [ns]);
      }
      return summariseProfile(profDir, 20, since);
    }
  } finally {
    await loader.stop();
    rmSync(framesFile, { force: true });
    await deleteTopics(admin, prefixes).catch(() => undefined);
    await admin.disconnect();
    await world
      .drop()
      .catch((error: unknown) => log(`could not drop ${world.database}: ${String(error)}`));
  }
}
