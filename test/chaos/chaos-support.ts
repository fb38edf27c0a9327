/**
 * Shared helpers for the fault-injection (test/chaos) and hostile-input
 * (test/hostile) suites: an isolated Kafka namespace (KAFKA_NAMESPACE) with all
 * the hub's topics, valid signed submissions built from the schema examples,
 * read_committed readers that drain topics, and the consumer-group lag probe.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Client } from 'pg';
import { codecFor, type MessageKind, type Submission } from '@liaison/contracts';
import { consumerGroupLag, whileTopicsSettle } from '@liaison/kafka';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import { signMessage } from '../../apps/cli/src/message-signing';
import { DEMO_KEYS_DIR, ROOT } from '../support/hub-processes';

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

export const submissionCodec = codecFor('Submission');
export const deliveryCodec = codecFor('Delivery');
export const decisionCodec = codecFor('Decision');
export const deadLetterCodec = codecFor('DeadLetter');

export const FULL_CHAOS = process.env.LIAISON_CHAOS === 'full';

export function brokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',').map((b) => b.trim());
}

export function databaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/liaison';
}

export function kafkaClient(clientId: string): Kafka {
  return new Kafka({
    brokers: brokers(),
    clientId,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { initialRetryTime: 200, retries: 12, maxRetryTime: 5000 },
  });
}

/** A fresh namespace: lower-case, ≤ 40 chars, accepted by libs/kafka/src/topics.ts. */
export function newNamespace(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`.slice(
    0,
    40,
  );
}

export interface NamespaceTopics {
  readonly namespace: string;
  readonly submissions: string;
  readonly decisions: string;
  readonly deadLetters: string;
  readonly policies: string;
  readonly directory: string;
  readonly checkpoints: string;
  feed(agencyId: string): string;
}

export function topicsOf(namespace: string): NamespaceTopics {
  const p = `${namespace}.`;
  return {
    namespace,
    submissions: `${p}hub.submissions.v1`,
    decisions: `${p}hub.decisions.v1`,
    deadLetters: `${p}hub.dlq.v1`,
    policies: `${p}hub.policies.v1`,
    directory: `${p}hub.directory.v1`,
    checkpoints: `${p}hub.checkpoints.v1`,
    feed: (agencyId) => `${p}hub.feed.${agencyId}.v1`,
  };
}

export async function withDb<T>(fn: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: databaseUrl() });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

/** Every agency in the directory (the worker decides for each, so each needs a feed topic). */
export async function directoryAgencies(): Promise<string[]> {
  return withDb(async (db) => {
    const rows = await db.query<{ id: string }>('SELECT id FROM agency ORDER BY id');
    return rows.rows.map((r) => r.id);
  });
}

/** Creates the namespace's fixed topics and one feed topic per agency (idempotent). */
export async function createNamespaceTopics(
  topics: NamespaceTopics,
  agencies: readonly string[],
  submissionPartitions = 4,
): Promise<void> {
  // Creation is idempotent (existing topics are skipped), so retry while a fresh broker settles.
  await whileTopicsSettle(() => createNamespaceTopicsOnce(topics, agencies, submissionPartitions));
}

async function createNamespaceTopicsOnce(
  topics: NamespaceTopics,
  agencies: readonly string[],
  submissionPartitions: number,
): Promise<void> {
  const kafka = kafkaClient(`ns-admin-${topics.namespace}`);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    // As the hub lays its topics out (libs/kafka/src/topics.ts): RF 3 on a cluster, 2 in sync.
    const replicationFactor = Number(process.env.KAFKA_REPLICATION_FACTOR ?? '1');
    const inSync = Math.max(1, Math.min(2, replicationFactor - 1));
    const mir = [{ name: 'min.insync.replicas', value: String(inSync) }];
    const specs = [
      { topic: topics.submissions, numPartitions: submissionPartitions, configEntries: mir },
      { topic: topics.decisions, numPartitions: submissionPartitions, configEntries: mir },
      { topic: topics.deadLetters, numPartitions: 1, configEntries: mir },
      {
        topic: topics.policies,
        numPartitions: 1,
        configEntries: [...mir, { name: 'cleanup.policy', value: 'compact' }],
      },
      {
        topic: topics.directory,
        numPartitions: 1,
        configEntries: [...mir, { name: 'cleanup.policy', value: 'compact' }],
      },
      { topic: topics.checkpoints, numPartitions: 1, configEntries: mir },
      ...agencies.map((a) => ({ topic: topics.feed(a), numPartitions: 1, configEntries: mir })),
    ].filter((s) => !existing.has(s.topic));
    if (specs.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: specs.map((s) => ({ ...s, replicationFactor })),
      });
    }
    // Leaders and metadata may lag the creation: wait until every partition answers.
    const deadline = Date.now() + 30_000;
    for (const t of [topics.submissions, ...agencies.map((a) => topics.feed(a))]) {
      for (;;) {
        try {
          await admin.fetchTopicOffsets(t);
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await sleep(250);
        }
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** Removes every topic of the namespace (keeps the shared broker tidy). */
export async function deleteNamespaceTopics(namespace: string): Promise<void> {
  const kafka = kafkaClient(`ns-cleanup-${namespace}`);
  const admin = kafka.admin();
  try {
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${namespace}.`));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine, timeout: 10_000 });
  } catch {
    // best effort
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const identities = new Map<string, AgencyIdentity>();

export function identityOf(agency: string, officer?: string, roles?: string): AgencyIdentity {
  if (officer) return new AgencyIdentity({ agency, keys: DEMO_KEYS_DIR, officer, roles });
  let id = identities.get(agency);
  if (!id) identities.set(agency, (id = new AgencyIdentity({ agency, keys: DEMO_KEYS_DIR })));
  return id;
}

export const EXAMPLE_FILES = [
  'alert-suspect-movement.json',
  'alert-victim-at-risk.json',
  'alert-trafficking-route.json',
  'alert-missing-person.json',
  'alert-recruitment-advert.json',
  'case-notice-case-update.json',
  'case-notice-assistance-request.json',
] as const;

const exampleCache = new Map<string, Record<string, unknown>>();

/** A schema example with a fresh message id and current dates. */
export function freshExample(file: string): Record<string, unknown> {
  let base = exampleCache.get(file);
  if (!base) {
    base = JSON.parse(readFileSync(path.join(ROOT, 'schemas/examples', file), 'utf8')) as Record<
      string,
      unknown
    >;
    exampleCache.set(file, base);
  }
  const json = structuredClone(base);
  const now = new Date();
  json.messageId = randomUUID();
  json.issuedAt = now.toISOString();
  if ('validFrom' in json) json.validFrom = now.toISOString();
  if ('validUntil' in json && json.validUntil !== null)
    json.validUntil = new Date(now.getTime() + 7 * 24 * 3600 * 1000).toISOString();
  return json;
}

export interface SignedMessage {
  readonly messageId: string;
  readonly originator: string;
  readonly kind: MessageKind;
  readonly sdJwt: string;
  readonly json: Record<string, unknown>;
}

/** Signs a message as its originator (the example's originatorAgency unless overridden). */
export async function signedMessage(
  file: string,
  mutate?: (json: Record<string, unknown>) => void,
  signer?: string,
): Promise<SignedMessage> {
  const json = freshExample(file);
  mutate?.(json);
  const originator = String(json.originatorAgency);
  const { kind, sdJwt } = await signMessage(identityOf(signer ?? originator), json);
  return { messageId: String(json.messageId), originator, kind, sdJwt, json };
}

/** The Submission envelope the gateway would write for a signed message. */
export function submissionOf(m: SignedMessage, overrides: Partial<Submission> = {}): Submission {
  return {
    messageId: m.messageId,
    kind: m.kind,
    originatorAgency: m.originator,
    sdJwt: m.sdJwt,
    custodial: false,
    receivedAt: new Date().toISOString(),
    idempotencyKey: null,
    caseRef: null,
    correlationId: randomUUID(),
    releaseOf: null,
    ...overrides,
  };
}

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

/**
 * Reads the topics from the beginning as a read_committed consumer until every
 * partition has reached its end offset (as of the call) or, failing that, until
 * nothing new arrived for `idleMs`.
 */
export async function readCommitted(
  topics: readonly string[],
  options: { idleMs?: number; timeoutMs?: number } = {},
): Promise<ConsumedRecord[]> {
  const kafka = kafkaClient(`reader-${randomUUID().slice(0, 8)}`);
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, bigint>();
  try {
    for (const t of topics) {
      for (const p of await admin.fetchTopicOffsets(t))
        ends.set(`${t}:${p.partition}`, BigInt(p.high));
    }
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({
    groupId: `reader-${randomUUID()}`,
    readUncommitted: false,
    sessionTimeout: 10_000,
    maxWaitTimeInMs: 200,
  });
  const records: ConsumedRecord[] = [];
  const position = new Map<string, bigint>();
  let last = Date.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachBatch: ({ batch }) => {
        for (const m of batch.messages) {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(m.headers ?? {}))
            if (v !== undefined) headers[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
          records.push({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key ? m.key.toString('utf8') : null,
            value: m.value,
            headers,
          });
        }
        // Control records are skipped by read_committed readers: the batch's last offset covers them.
        const reached = BigInt(batch.lastOffset()) + 1n;
        const key = `${batch.topic}:${batch.partition}`;
        if (reached > (position.get(key) ?? 0n)) position.set(key, reached);
        last = Date.now();
        return Promise.resolve();
      },
    });
    const idleMs = options.idleMs ?? 5000;
    const started = Date.now();
    const deadline = started + (options.timeoutMs ?? 120_000);
    last = started + 5000; // allow the group join before counting idleness
    for (;;) {
      await sleep(200);
      // A transactional partition ends with a commit marker that readers never see.
      const reachedEnds = [...ends].every(
        ([k, end]) => end === 0n || (position.get(k) ?? 0n) >= end - 1n,
      );
      const idle = Date.now() - last;
      if (reachedEnds && idle > 1500) break;
      if (idle > idleMs) break;
      if (Date.now() > deadline) break;
    }
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return records;
}

/** Records still to be processed by a consumer group on a topic (end offset − committed). */
export function groupLag(admin: Admin, groupId: string, topic: string): Promise<bigint> {
  return consumerGroupLag(admin, groupId, [topic]);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const i of items) out.set(key(i), (out.get(key(i)) ?? 0) + 1);
  return out;
}
