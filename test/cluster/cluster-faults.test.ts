/**
 * The fault run on the three-broker cluster (`npm run test:cluster` only).
 *
 * Two policy workers, two gateways, an active and a standby audit app, and
 * traffic flowing (valid submissions and the poison corpus) while, one after
 * the other: a gateway is killed while SSE clients follow it (they resume from
 * Last-Event-ID on the other), the submissions topic's partition leader is
 * killed mid-transaction (SIGKILL of its Kafka node, started again once
 * traffic flows), a worker is killed mid-slice (the other takes its
 * partitions), the active audit app is killed (the standby takes the ledger
 * over), and PostgreSQL is restarted. One SSE client follows through the
 * reverse proxy of `npm run cluster` (deploy/local/proxy.js), which cuts its
 * stream when the gateway behind it dies. Each killed app is started again
 * once its recovery was measured, and rejoins: the gateway serves live SSE,
 * the worker takes partitions, the audit app waits as the standby (and keeps
 * waiting through the PostgreSQL restart). The run ends at full strength.
 *
 * Then, as read_committed readers see it: one Decision per valid message, each
 * entitled (message, recipient) pair delivered once, nothing to a denied pair,
 * each poison record dead-lettered once with its reason, one ledger row per
 * pair and the stored ledger verified, and each SSE client saw each of its
 * agency's deliveries once. The time from each fault to traffic flowing again,
 * and from each restart to the app's rejoining, is printed and written to
 * .local/cluster-faults/<time>.json.
 */
import '../support/isolated-namespace';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Admin, Producer } from '@liaison/kafka';
import { LEDGER_WRITER_LOCK } from '@liaison/persistence';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import {
  DEMO_KEYS_DIR,
  ROOT,
  dropNamespaceDatabase,
  freePort,
  seedNamespace,
  startApp,
  stopApp,
  type StartedApp,
} from '../support/hub-processes';
import { poisonCorpus } from '../chaos/poison-corpus';
import {
  EXAMPLE_FILES,
  countBy,
  createNamespaceTopics,
  deleteNamespaceTopics,
  directoryAgencies,
  groupLag,
  identityOf,
  kafkaClient,
  newNamespace,
  signedMessage,
  sleep,
  submissionCodec,
  submissionOf,
  topicsOf,
  withDb,
  type SignedMessage,
} from '../chaos/chaos-support';
import {
  NO_DECISION_FAULTS,
  NO_DELIVERY_FAULTS,
  decisionCounts,
  deliveryCounts,
  duplicateDecisionPlaces,
  expectedPoisonReasons,
  poisonReasons,
  readOutcome,
} from '../chaos/exactly-once-counts';

const MESSAGES = Number(process.env.LIAISON_CLUSTER_MESSAGES ?? '1600');
const PER_SEND = 20;
/** Agencies whose feeds SSE clients follow through the gateways. */
const FOLLOWERS = ['de-bka', 'ro-diicot'];
/** The agency whose feed one more SSE client follows through the reverse proxy. */
const PROXY_FOLLOWER = 'de-bka';
const SESSION_TIMEOUT_MS = 10_000;
/** Generous: a loaded two-core machine runs three Kafka nodes and six apps. */
const RECOVERY_TIMEOUT_MS = 180_000;

jest.setTimeout(45 * 60_000);

const clusterScript = path.join(ROOT, 'deploy/local/kafka/cluster.sh');
const embeddedPg = path.join(ROOT, 'deploy/local/embedded-postgres.js');
const proxyScript = path.join(ROOT, 'deploy/local/proxy.js');

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  state: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${state()}`);
    await sleep(200);
  }
}

async function healthOf(app: StartedApp, check: 'ready' | 'live'): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${app.port}/health/${check}`)).status === 200;
  } catch {
    return false;
  }
}

function killed(app: StartedApp): Promise<void> {
  if (app.process.exitCode !== null || app.process.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => app.process.once('exit', () => r()));
  app.process.kill('SIGKILL');
  return exited;
}

/**
 * The partitions of `topic` in a consumer group member's assignment (the
 * consumer protocol's MemberAssignment: version, then per topic its name and
 * partitions, then user data).
 */
function assignedPartitions(assignment: Buffer, topic: string): number[] {
  if (assignment.length < 6) return [];
  let at = 2; // version
  const topicCount = assignment.readInt32BE(at);
  at += 4;
  for (let t = 0; t < topicCount; t++) {
    const nameLength = assignment.readInt16BE(at);
    at += 2;
    const name = assignment.toString('utf8', at, at + nameLength);
    at += nameLength;
    const count = assignment.readInt32BE(at);
    at += 4;
    const partitions: number[] = [];
    for (let p = 0; p < count; p++, at += 4) partitions.push(assignment.readInt32BE(at));
    if (name === topic) return partitions;
  }
  return [];
}

function alive(app: StartedApp): boolean {
  return app.process.exitCode === null && app.process.signalCode === null;
}

/** What the audit apps did, for a step about them that timed out. */
function auditTrail(audits: readonly StartedApp[]): string {
  return audits
    .map(
      (a, i) =>
        `\n--- audit app ${i} (${alive(a) ? 'alive' : 'exited'}, port ${a.port}) ---\n` +
        a.output.join('').slice(-4000),
    )
    .join('');
}

/** The reverse proxy of `npm run cluster` in front of the gateways given. */
async function startProxy(
  backends: readonly number[],
): Promise<{ port: number; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [proxyScript, String(port), ...backends.map(String)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stderr?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the proxy exited with ${code}`)));
  });
  return { port, process: child };
}

/**
 * Opens a live stream of `agency`'s feed on one gateway from the event id
 * given (Last-Event-ID) and answers true at the first delivery after it, so
 * the gateway serves entries committed after the stream opened; undefined when
 * none came within `waitMs`.
 */
async function liveDeliveryOn(
  port: number,
  agency: string,
  lastEventId: string,
  waitMs = 20_000,
): Promise<true | undefined> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), waitMs);
  try {
    const res = await fetch(`http://127.0.0.1:${port}/v1/feed/stream`, {
      headers: {
        authorization: `Bearer ${identityOf(agency).token()}`,
        'last-event-id': lastEventId,
      },
      signal: controller.signal,
    });
    if (res.status !== 200 || !res.body) return undefined;
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      if (/^event: delivery$/m.test(buffered)) return true;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/**
 * Follows one agency's feed over SSE through the gateways, first the first:
 * when its stream ends or fails it reconnects to the next one with the last
 * event id it saw (Last-Event-ID). Counts every delivery event per message.
 */
class FeedFollower {
  readonly seen = new Map<string, number>();
  events = 0;
  reconnects = 0;
  lastEventId: string | undefined;
  /** Why the last stream ended, and where it was (for a failure's message). */
  lastEnd = '';
  port = 0;
  private stopped = false;
  private controller: AbortController | undefined;
  private done: Promise<void> | undefined;

  constructor(
    readonly agency: string,
    private readonly gateways: () => number[],
  ) {}

  start(): void {
    this.done = this.loop();
  }

  private async loop(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      const ports = this.gateways();
      const port = ports[attempt % ports.length];
      try {
        this.port = port ?? 0;
        await this.follow(this.port);
        this.lastEnd = `stream on ${this.port} ended`;
      } catch (error) {
        // the gateway went away or refused: the next one
        this.lastEnd = `stream on ${this.port}: ${(error as Error).message}`;
      }
      if (this.stopped) break;
      this.reconnects++;
      await sleep(200);
    }
  }

  private async follow(port: number): Promise<void> {
    this.controller = new AbortController();
    const headers: Record<string, string> = {
      authorization: `Bearer ${identityOf(this.agency).token()}`,
    };
    if (this.lastEventId !== undefined) headers['last-event-id'] = this.lastEventId;
    const res = await fetch(
      `http://127.0.0.1:${port}/v1/feed/stream${this.lastEventId === undefined ? '?after=0' : ''}`,
      { headers, signal: this.controller.signal },
    );
    if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
        this.onEvent(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
      }
    }
  }

  private onEvent(block: string): void {
    let id: string | undefined;
    let event = 'message';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (id === undefined) return;
    this.lastEventId = id;
    this.events++;
    if (event !== 'delivery') return;
    const { messageId } = JSON.parse(data) as { messageId: string };
    this.seen.set(messageId, (this.seen.get(messageId) ?? 0) + 1);
  }

  describe(): string {
    return `${this.agency}: ${this.events} events, ${this.seen.size} deliveries, ${this.reconnects} reconnects, on ${this.port}, last id ${this.lastEventId}, ${this.lastEnd}`;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.controller?.abort();
    await this.done;
  }
}

interface Recovery {
  readonly fault: string;
  readonly detail: string;
  /** From the fault to traffic flowing again, as the step defines it. */
  readonly recoveredMs: number;
}

describe('the hub on a three-broker cluster under faults', () => {
  const ns = newNamespace('cluster-faults');
  const topics = topicsOf(ns);
  const group = `${ns}.liaison-policy`;
  const env = { KAFKA_NAMESPACE: ns, POLICY_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS) };
  const apps: StartedApp[] = [];
  /** The traffic loop runs while this holds (a failed run stops it too). */
  let sending = true;
  /**
   * Traffic waits while a killed app is started again (a slow start on a
   * loaded machine), so some is left for the faults after it.
   */
  let holding = false;
  const followers: FeedFollower[] = [];
  let agencies: string[] = [];
  let producer: Producer;
  let admin: Admin;
  let proxy: ChildProcess | undefined;
  const pgPort = process.env.LIAISON_EMBEDDED_PG_PORT ?? '26432';

  const start = async (
    name: 'policy' | 'gateway' | 'audit',
    extra: Record<string, string> = {},
    check: 'ready' | 'live' = 'ready',
  ): Promise<StartedApp> => {
    const app = await startApp(name, { ...env, ...extra }, check, RECOVERY_TIMEOUT_MS);
    apps.push(app);
    return app;
  };
  /** Starts a killed app again, with traffic held until it is up. */
  const restart = async (
    name: 'policy' | 'gateway' | 'audit',
    extra: Record<string, string> = {},
    check: 'ready' | 'live' = 'ready',
  ): Promise<StartedApp> => {
    holding = true;
    try {
      return await start(name, extra, check);
    } finally {
      holding = false;
    }
  };

  beforeAll(async () => {
    if (process.env.LIAISON_CLUSTER_TEST !== '1') throw new Error('run with npm run test:cluster');
    await seedNamespace();
    agencies = await directoryAgencies();
    await createNamespaceTopics(topics, agencies);
    const kafka = kafkaClient(`cluster-faults-${ns}`);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    sending = false;
    for (const f of followers) await f.stop();
    proxy?.kill('SIGKILL');
    for (const a of apps) await stopApp(a, 'SIGKILL');
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    // A node a failed run left down is started again for the next test file.
    execFileSync('bash', [clusterScript, 'start'], { stdio: 'ignore' });
    execFileSync(process.execPath, [embeddedPg, 'start', pgPort], { stdio: 'ignore' });
    await deleteNamespaceTopics(ns);
    await dropNamespaceDatabase();
  });

  it('keeps exactly once through a leader, worker, audit app, gateway and PostgreSQL fault', async () => {
    const t0 = Date.now();
    const valid: SignedMessage[] = [];
    for (let i = 0; i < MESSAGES; i++)
      valid.push(await signedMessage(EXAMPLE_FILES[i % EXAMPLE_FILES.length] ?? ''));
    const { poison, replayOriginals } = await poisonCorpus();
    const validIds = new Set([...valid, ...replayOriginals].map((m) => m.messageId));
    // Replay originals first, their copies (in the poison) spread over the run.
    const queue: { key: string; value: Buffer | null }[] = replayOriginals.map((m) => ({
      key: m.messageId,
      value: submissionCodec.encode(submissionOf(m)),
    }));
    const poisonEvery = Math.floor(valid.length / (poison.length + 1));
    valid.forEach((m, i) => {
      queue.push({ key: m.messageId, value: submissionCodec.encode(submissionOf(m)) });
      const p = poison[i / poisonEvery - 1];
      if (i % poisonEvery === 0 && p) queue.push({ key: p.key, value: p.value });
    });
    for (const p of poison.slice(Math.floor(valid.length / poisonEvery)))
      queue.push({ key: p.key, value: p.value });
    expect(queue).toHaveLength(validIds.size + poison.length);

    // --- the hub, scaled out --------------------------------------------------------
    const workers = [
      await start('policy', { POLICY_WORKER_ID: 'policy-1' }),
      await start('policy', { POLICY_WORKER_ID: 'policy-2' }),
    ];
    // At info, so a step about the ledger that times out shows what the writers did.
    const auditEnv = { LOG_LEVEL: 'info' };
    const audits = [await start('audit', auditEnv), await start('audit', auditEnv, 'live')];
    const auditState = (): string => auditTrail(audits);
    const gateways = [await start('gateway'), await start('gateway')];
    const liveGateways = (): number[] => gateways.filter(alive).map((g) => g.port);
    for (const agency of FOLLOWERS) {
      const f = new FeedFollower(agency, liveGateways);
      followers.push(f);
      f.start();
    }
    // The proxy sends its first request to its second backend: the proxied
    // client's stream starts on the gateway killed first.
    const proxied = await startProxy([gateways[1]?.port ?? 0, gateways[0]?.port ?? 0]);
    proxy = proxied.process;
    const proxiedFollower = new FeedFollower(PROXY_FOLLOWER, () => [proxied.port]);
    followers.push(proxiedFollower);
    proxiedFollower.start();
    // --- traffic: paced by the workers, so transactions follow one another --------
    let sent = 0;
    // The faults seen in new ledger rows (the audit takeover, the PostgreSQL
    // restart) each get a tranche of traffic held back for them: slow
    // recoveries before them must not leave them nothing to write.
    const tranches = [0.8, 0.9].map((f) => Math.floor(queue.length * f));
    let opened = 0;
    const limit = (): number => tranches[opened] ?? queue.length;
    const openTranche = (): void => {
      opened = Math.min(opened + 1, tranches.length);
    };
    const lag = (): Promise<bigint> => groupLag(admin, group, topics.submissions).catch(() => -1n);
    const traffic = (async () => {
      while (sending && sent < queue.length) {
        if (holding || sent >= limit()) {
          await sleep(200);
          continue;
        }
        const batch = queue.slice(sent, Math.min(sent + PER_SEND, limit()));
        try {
          await producer.send({ topic: topics.submissions, acks: -1, messages: batch });
          sent += batch.length;
        } catch {
          // A leader is down: the idempotent producer sends the same batch again.
          await sleep(500);
          continue;
        }
        const deadline = Date.now() + 60_000;
        while (sending && Date.now() < deadline) {
          const l = await lag();
          if (l >= 0n && l <= BigInt(4 * PER_SEND)) break;
          await sleep(100);
        }
      }
    })();
    /**
     * Waits until a tenth more of the traffic has gone out (at most up to the
     * next tranche held back): the hub is busy at the next fault.
     */
    const midTraffic = async (): Promise<void> => {
      const target = Math.min(limit(), sent + Math.ceil(queue.length / 10));
      await until('traffic', () => Promise.resolve(sent >= target ? true : undefined));
    };

    // --- what "flowing again" means -------------------------------------------------
    const committed = async (): Promise<Map<number, bigint>> => {
      const [t] = await admin.fetchOffsets({ groupId: group, topics: [topics.submissions] });
      return new Map((t?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    };
    const ends = async (): Promise<Map<number, bigint>> =>
      new Map(
        (await admin.fetchTopicOffsets(topics.submissions)).map((p) => [
          p.partition,
          BigInt(p.high),
        ]),
      );
    /** Every submissions partition with records waiting at `since` has had a commit past them. */
    const partitionsFlowed = async (since: Map<number, bigint>, waiting: Map<number, bigint>) => {
      const now = await committed();
      for (const [partition, before] of since) {
        const end = waiting.get(partition) ?? before;
        if (end > before && (now.get(partition) ?? -1n) <= before) return undefined;
      }
      return true;
    };
    const ledgerRows = (): Promise<number> =>
      withDb(async (db) =>
        Number(
          (await db.query<{ n: string }>('SELECT count(*) AS n FROM share_ledger')).rows[0]?.n,
        ),
      );
    /** Both live workers are members of the group, each with submissions partitions. */
    const groupMembers = async (): Promise<{ clientId: string; partitions: number[] }[]> => {
      const { groups } = await admin.describeGroups([group]);
      return (groups[0]?.members ?? []).map((m) => ({
        clientId: m.clientId,
        partitions: assignedPartitions(m.memberAssignment, topics.submissions),
      }));
    };
    let lastGroup = '';
    const groupState = (): string => lastGroup;
    const workersAssigned = async (): Promise<true | undefined> => {
      const members = await groupMembers();
      lastGroup = JSON.stringify(members);
      return members.length === workers.filter(alive).length &&
        members.every((m) => m.partitions.length > 0)
        ? true
        : undefined;
    };
    /** One session holds the ledger writer lock and one waits for it. */
    const ledgerLockHeldAndAwaited = (): Promise<true | undefined> =>
      withDb(async (db) => {
        const { rows } = await db.query<{ granted: boolean }>(
          `SELECT l.granted FROM pg_locks l JOIN pg_database d ON d.oid = l.database
            WHERE l.locktype = 'advisory' AND d.datname = current_database()
              AND l.classid = $1 AND l.objid = $2`,
          [(LEDGER_WRITER_LOCK >> 32n).toString(), (LEDGER_WRITER_LOCK & 0xffffffffn).toString()],
        );
        return rows.filter((r) => r.granted).length === 1 &&
          rows.filter((r) => !r.granted).length === 1
          ? true
          : undefined;
      });
    const recoveries: Recovery[] = [];
    const record = (fault: string, detail: string, at: number): void => {
      recoveries.push({ fault, detail, recoveredMs: Date.now() - at });
      console.log(
        `${Date.now() - t0} ms: ${fault} (${detail}): flowing again after ${Date.now() - at} ms`,
      );
    };

    const followersState = (): string =>
      `${followers.map((f) => f.describe()).join('; ')}; feed page: ${feedPage}`;
    // Every follower has its stream and receives deliveries before any fault.
    let feedPage = '';
    await until(
      'SSE clients receiving',
      async () => {
        const res = await fetch(
          `http://127.0.0.1:${gateways[1]?.port ?? 0}/v1/feed?after=0&limit=5`,
          { headers: { authorization: `Bearer ${identityOf('de-bka').token()}` } },
        );
        feedPage = `${res.status} ${(await res.text()).slice(0, 300)}`;
        return followers.every((f) => f.seen.size > 0) ? true : undefined;
      },
      followersState,
    );

    await midTraffic();

    // 1. A gateway while SSE clients follow it: they resume on the other.
    {
      const first = gateways[0] as StartedApp;
      const counts = followers.map((f) => f.events);
      const reconnects = followers.map((f) => f.reconnects);
      const onFirst = followers.map((f) => f.port === first.port || f === proxiedFollower);
      const at = Date.now();
      await killed(first);
      // Every client receives again; those whose stream was on the killed one
      // (the direct ones, and the proxied one, whose stream the proxy cut)
      // after reconnecting with Last-Event-ID.
      await until(
        'SSE clients following again',
        () =>
          Promise.resolve(
            followers.every(
              (f, i) =>
                (!onFirst[i] || f.reconnects > (reconnects[i] ?? 0)) && f.events > (counts[i] ?? 0),
            )
              ? true
              : undefined,
          ),
        followersState,
      );
      record(
        'gateway killed',
        `SIGKILL; ${followers.length} SSE clients (one through the proxy) resumed on the other`,
        at,
      );
      // Started again: it serves a live stream from the last event id.
      const restartedAt = Date.now();
      const again = await restart('gateway');
      gateways.push(again);
      const lastId = followers[0]?.lastEventId ?? '0';
      await until('the restarted gateway serving SSE', () =>
        liveDeliveryOn(again.port, followers[0]?.agency ?? '', lastId),
      );
      record(
        'gateway restarted',
        'an SSE stream on it, from the last event id, receives deliveries',
        restartedAt,
      );
    }
    await midTraffic();

    // 2. The submissions topic's partition leader, mid-transaction.
    {
      const meta = await admin.fetchTopicMetadata({ topics: [topics.submissions] });
      const leader = meta.topics[0]?.partitions.find((p) => p.partitionId === 0)?.leader;
      expect(leader).toBeDefined();
      const [since, waiting] = [await committed(), await ends()];
      const at = Date.now();
      execFileSync('bash', [clusterScript, 'kill', String(leader)], { stdio: 'ignore' });
      await until('partitions flowing after the leader kill', () =>
        partitionsFlowed(since, waiting),
      );
      record('Kafka leader killed', `node ${leader}, leader of submissions partition 0`, at);
      execFileSync('bash', [clusterScript, 'start-node', String(leader)], { stdio: 'ignore' });
    }
    await midTraffic();

    // 3. A worker, mid-slice (it has committed, traffic is waiting).
    {
      const [since, waiting] = [await committed(), await ends()];
      const at = Date.now();
      await killed(workers[0] as StartedApp);
      await until('partitions flowing after the worker kill', () =>
        partitionsFlowed(since, waiting),
      );
      record('policy worker killed', 'SIGKILL of policy-1; policy-2 takes its partitions', at);
      // Started again: the group hands it partitions of its own.
      const restartedAt = Date.now();
      workers.push(await restart('policy', { POLICY_WORKER_ID: 'policy-1' }));
      await until('the restarted worker holding partitions', workersAssigned, groupState);
      record(
        'policy worker restarted',
        'policy-1 again; both workers hold partitions',
        restartedAt,
      );
    }
    await midTraffic();

    // 4. The active audit app: the standby takes the ledger over.
    {
      const active = await until('an active audit app', async () => {
        for (const a of audits) if (await healthOf(a, 'ready')) return a;
        return undefined;
      });
      const standby = audits.find((a) => a !== active) as StartedApp;
      const rowsBefore = await ledgerRows();
      openTranche();
      const at = Date.now();
      await killed(active);
      await until('the standby audit app ready', async () =>
        (await healthOf(standby, 'ready')) ? true : undefined,
      );
      await until(
        'ledger rows after the audit takeover',
        async () => ((await ledgerRows()) > rowsBefore ? true : undefined),
        auditState,
      );
      record('active audit app killed', 'SIGKILL; the standby took the ledger lock', at);
      // Started again: it waits for the lock as the standby.
      const restartedAt = Date.now();
      audits.push(await restart('audit', auditEnv, 'live'));
      await until(
        'the restarted audit app waiting for the ledger lock',
        ledgerLockHeldAndAwaited,
        auditState,
      );
      record('audit app restarted', 'waits for the ledger lock as the standby', restartedAt);
    }
    await midTraffic();

    // 5. PostgreSQL restarts.
    {
      const [since, waiting] = [await committed(), await ends()];
      const rowsBefore = await ledgerRows();
      openTranche();
      const at = Date.now();
      execFileSync(process.execPath, [embeddedPg, 'stop', pgPort], { stdio: 'ignore' });
      execFileSync(process.execPath, [embeddedPg, 'start', pgPort], { stdio: 'ignore' });
      await until('partitions flowing after the PostgreSQL restart', () =>
        partitionsFlowed(since, waiting),
      );
      await until(
        'ledger rows after the PostgreSQL restart',
        async () => ((await ledgerRows()) > rowsBefore ? true : undefined),
        auditState,
      );
      record('PostgreSQL restarted', 'fast shutdown and start', at);
      // Both audit apps lived through it: one writes, the other waits again.
      await until(
        'one audit app holding the ledger lock, the other waiting',
        async () => (audits.filter(alive).length === 2 ? ledgerLockHeldAndAwaited() : undefined),
        auditState,
      );
      const steppedDown = audits.some((a) => a.output.join('').includes('standing by'));
      record(
        'audit apps after the PostgreSQL restart',
        `both up: one writes, one waits; ${steppedDown ? 'the former active stepped down' : 'the former active writes again'}`,
        at,
      );
    }

    // --- let it finish ----------------------------------------------------------------
    await until('all traffic sent', () => Promise.resolve(sent >= queue.length ? true : undefined));
    sending = false;
    await traffic;
    const drainDeadline = Date.now() + 600_000;
    let left = -1n;
    while (Date.now() < drainDeadline && (left = await lag()) !== 0n) await sleep(500);
    expect(left).toBe(0n);
    const drainedMs = Date.now() - t0;
    // At full strength again: every restarted app still up beside the others.
    expect({
      workers: workers.filter(alive).length,
      gateways: gateways.filter(alive).length,
      audits: audits.filter(alive).length,
    }).toEqual({ workers: 2, gateways: 2, audits: 2 });
    await until('both workers holding partitions', workersAssigned, groupState);
    await until('one audit app writing, one waiting', ledgerLockHeldAndAwaited);

    // --- what read_committed readers see ----------------------------------------------
    const outcome = await readOutcome(topics, agencies);
    const decided = decisionCounts(outcome, validIds);
    if (decided.duplicateDecisions.length > 0)
      console.log(['decided twice:', ...duplicateDecisionPlaces(outcome, t0)].join('\n'));
    expect(decided).toEqual(NO_DECISION_FAULTS);
    expect(deliveryCounts(outcome, topics)).toEqual(NO_DELIVERY_FAULTS);
    expect(outcome.deliveries).toHaveLength(outcome.entitled.size);
    expect(outcome.denied.size).toBeGreaterThan(0);

    expect(poisonReasons(outcome, poison)).toEqual(expectedPoisonReasons(poison));
    expect(outcome.letters).toHaveLength(poison.length);

    // The ledger: one row per pair, complete, and verified as stored.
    const pairs = outcome.entitled.size + outcome.denied.size;
    const ledger = await until(
      'the ledger complete',
      async () => {
        const rows = await withDb((db) =>
          db.query<{ n: string }>(
            `SELECT count(*) AS n FROM share_ledger WHERE message_id = ANY($1::uuid[]) GROUP BY message_id, recipient_agency`,
            [[...validIds]],
          ),
        );
        return rows.rows.length >= pairs ? rows.rows : undefined;
      },
      auditState,
    );
    expect(ledger).toHaveLength(pairs);
    expect(ledger.filter((r) => Number(r.n) !== 1)).toEqual([]);
    // The data-protection office's officer reads the verification (oversight role).
    const officer = new AgencyIdentity({
      agency: 'eu-dpo',
      keys: DEMO_KEYS_DIR,
      officer: 'olga',
      roles: 'oversight',
    });
    const gateway = gateways[1] as StartedApp;
    const verifyRes = await fetch(`http://127.0.0.1:${gateway.port}/v1/audit/verify`, {
      headers: {
        authorization: `Bearer ${officer.token()}`,
        'x-justification': officer.auditJustification(
          'GET',
          '/v1/audit/verify',
          'fault run: ledger check',
        ),
      },
    });
    const verify = (await verifyRes.json()) as { ok: boolean; rows: number };
    expect({ status: verifyRes.status, ok: verify.ok }).toEqual({ status: 200, ok: true });

    // Each SSE client saw its agency's deliveries, each once, across the gateway kill.
    await until('SSE clients caught up', () =>
      Promise.resolve(
        followers.every(
          (f) =>
            f.seen.size >=
            outcome.deliveries.filter((x) => x.d.recipientAgency === f.agency).length,
        )
          ? true
          : undefined,
      ),
    );
    for (const f of followers) {
      const expected = [
        ...countBy(
          outcome.deliveries.filter((x) => x.d.recipientAgency === f.agency),
          (x) => x.d.messageId,
        ).keys(),
      ].sort();
      expect({
        agency: f.agency,
        messages: [...f.seen.keys()].sort(),
        twice: [...f.seen].filter(([, n]) => n > 1),
      }).toEqual({
        agency: f.agency,
        messages: expected,
        twice: [],
      });
    }

    const report = {
      namespace: ns,
      at: new Date(t0).toISOString(),
      submissions: { valid: validIds.size, poison: poison.length },
      decisions: outcome.decisions.length,
      deliveries: outcome.deliveries.length,
      entitledPairs: outcome.entitled.size,
      deniedPairs: outcome.denied.size,
      deadLetters: outcome.letters.length,
      ledgerRows: ledger.length,
      ledgerVerified: verify.ok,
      sseClients: followers.map((f) => ({
        agency: f.agency,
        deliveries: f.seen.size,
        reconnects: f.reconnects,
      })),
      drainedMs,
      recoveries,
    };
    const dir = path.join(ROOT, '.local/cluster-faults');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${new Date(t0).toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(
      [
        `cluster fault run, namespace ${ns} (report: ${path.relative(ROOT, file)})`,
        `  submissions: ${validIds.size} valid + ${poison.length} poison; drained in ${drainedMs} ms`,
        `  decisions: ${outcome.decisions.length}; deliveries: ${outcome.deliveries.length} = entitled pairs ${outcome.entitled.size}; denied pairs ${outcome.denied.size}, none delivered`,
        `  dead letters: ${outcome.letters.length}, each once; ledger rows: ${ledger.length}, verified`,
        `  SSE clients: ${followers.map((f) => `${f.agency} ${f.seen.size} deliveries, ${f.reconnects} reconnects`).join('; ')}`,
        ...recoveries.map(
          (r) => `  ${r.fault}: traffic flowing again after ${r.recoveredMs} ms (${r.detail})`,
        ),
      ].join('\n'),
    );
  });
});
