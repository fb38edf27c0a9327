/**
 * The audit service against the real PostgreSQL and Kafka, in a throwaway
 * database: one ledger row per outcome however often a decision is delivered,
 * the Merkle root equals the rows, checkpoints verify with the hub key, content
 * is stored and purged with an ERASURE entry, case notices become case events,
 * feed topics are projected idempotently with a NOTIFY, and each feed topic
 * keeps its records no longer than its agency's retention.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { codecFor, type Checkpoint, type Delivery } from '@liaison/contracts';
import {
  createJwsSigner,
  generateAgencyKeys,
  presentationDigestOf,
  rootOf,
  verifyCheckpoint,
} from '@liaison/crypto';
import {
  TypedProducer,
  createKafkaClient,
  ensureTopics,
  feedTopic,
  feedTopicSpec,
  topicOverrides,
  type ConsumedRecord,
  type Kafka,
} from '@liaison/kafka';
import {
  SHARE_LEDGER_COLUMNS,
  ledgerRowFromColumns,
  presentationFromToken,
  verifyLedger,
  type LedgerRowColumns,
} from '@liaison/ledger';
import {
  FEED_CHANNEL,
  createDataSource,
  hubNoticeId,
  insertHubNotices,
} from '@liaison/persistence';
import { CheckpointPublisher } from '../../apps/audit/src/checkpoint-publisher';
import { FeedProjector, type FeedStoreTiming } from '../../apps/audit/src/feed-projector';
import { LEDGER_COPY_CHUNK_ROWS } from '../../apps/audit/src/ledger-copy';
import { LedgerWriter } from '../../apps/audit/src/ledger-writer';
import { RetentionPurge } from '../../apps/audit/src/retention-purge';
import { makeDecision, VICTIM_NAME } from '../../apps/audit/src/testing/decision-fixtures';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../apps/audit/src/testing/throwaway-database';
import { testConfig, uniqueSuffix } from '../support/stack';

jest.setTimeout(180_000);

const ORIGIN = { agency: 'ro-diicot', jurisdiction: 'RO' };
const OUTCOMES = [
  { agency: 'nl-knp', jurisdiction: 'NL', decision: 'REDACTED' as const },
  { agency: 'de-bka', jurisdiction: 'DE', decision: 'FULL' as const },
  { agency: 'th-dsi', jurisdiction: 'TH', decision: 'DENIED' as const },
];

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('audit ledger writer', () => {
  const config = testConfig();
  let db: ThrowawayDatabase;
  let ds: DataSource;
  let writer: LedgerWriter;

  beforeAll(async () => {
    db = await createThrowawayDatabase(config.database.url);
    ds = createDataSource({ url: db.url, poolSize: 4 });
    await ds.initialize();
    writer = await LedgerWriter.open(ds);
  });

  afterAll(async () => {
    await writer?.close();
    await ds?.destroy();
    await db?.drop();
  });

  const rows = async (): Promise<LedgerRowColumns[]> =>
    ds.query<LedgerRowColumns[]>(`SELECT ${SHARE_LEDGER_COLUMNS} FROM share_ledger ORDER BY seq`);

  it('writes one row per outcome however often a decision is redelivered', async () => {
    const decision = await makeDecision({ originator: ORIGIN, outcomes: OUTCOMES });
    const first = await writer.ingest([decision]);
    expect(first).toMatchObject({ rowsWritten: 3, rowsSkipped: 0, treeSize: 3 });
    const again = await writer.ingest([decision, decision]);
    expect(again).toMatchObject({ rowsWritten: 0, rowsSkipped: 6, treeSize: 3 });
    const stored = await rows();
    expect(stored.map((r) => Number(r.seq))).toEqual([1, 2, 3]);
    expect(stored.map((r) => r.recipient_agency).sort()).toEqual(['de-bka', 'nl-knp', 'th-dsi']);
    expect(stored.find((r) => r.recipient_agency === 'th-dsi')?.decision).toBe('DENIED');

    // A batch mixing a new and a redelivered decision assigns the next seqs only to the new one.
    const second = await makeDecision({ originator: ORIGIN, outcomes: OUTCOMES.slice(0, 2) });
    const mixed = await writer.ingest([decision, second]);
    expect(mixed).toMatchObject({ rowsWritten: 2, treeSize: 5 });
    expect((await rows()).map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5]);

    const log = await ds.query<{ action: string; subject: string }[]>(
      `SELECT action, subject FROM le_log WHERE subject = $1 ORDER BY id`,
      [decision.messageId],
    );
    expect(log.map((l) => l.action).sort()).toEqual(['COLLECTION', 'DISCLOSURE']);
  });

  it('keeps the Merkle root equal to the rows, across a restart of the writer', async () => {
    const stored = await rows();
    const root = rootOf(stored.map((r) => Buffer.from(r.leaf_hash, 'hex'))).toString('hex');
    expect(writer.head()).toEqual({ treeSize: stored.length, rootHash: root });
    const report = verifyLedger(stored.map(ledgerRowFromColumns), [
      { treeSize: stored.length, rootHash: root },
    ]);
    expect(report.findings).toEqual([]);
    await writer.close();
    writer = await LedgerWriter.open(ds);
    expect(writer.head()).toEqual({ treeSize: stored.length, rootHash: root });
  });

  it('takes a new session, the lock and the tree again after its connection is cut', async () => {
    const before = writer.head();
    let terminated: number | undefined;
    // The server ends the writer's session, as a PostgreSQL restart does.
    const admin = new Client({ connectionString: config.database.url });
    await admin.connect();
    try {
      const holders = await admin.query<{ pid: number }>(
        `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
          WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1`,
        [db.name],
      );
      expect(holders.rows).toHaveLength(1);
      terminated = holders.rows[0]?.pid;
      await admin.query('SELECT pg_terminate_backend($1)', [terminated]);
    } finally {
      await admin.end();
    }
    const decision = await makeDecision({ originator: ORIGIN, outcomes: OUTCOMES });
    // A batch that still meets the dead session fails, and its consumer retries it
    // (whether the first attempt sees the session dead depends on when pg reports it).
    const retried = await writer.ingest([decision]).catch(() => writer.ingest([decision]));
    expect(retried).toMatchObject({ rowsWritten: 3, treeSize: before.treeSize + 3 });
    const lockHolder = await ds.query<{ pid: number }[]>(
      `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1`,
      [db.name],
    );
    expect(lockHolder.map((h) => h.pid)).not.toContain(terminated);
    expect(lockHolder).toHaveLength(1);
    const stored = await rows();
    expect(stored.map((r) => Number(r.seq))).toEqual(
      Array.from({ length: before.treeSize + 3 }, (_, i) => i + 1),
    );
    const root = rootOf(stored.map((r) => Buffer.from(r.leaf_hash, 'hex'))).toString('hex');
    expect(writer.head()).toEqual({ treeSize: stored.length, rootHash: root });
  });

  it('streams a batch of many COPY chunks in order, and rolls all of it back when a later chunk fails', async () => {
    const before = writer.head();
    const template = await makeDecision({ originator: ORIGIN, outcomes: OUTCOMES });
    // 60 decisions × 3 outcomes = 180 rows: three chunks of the writer's COPY stream.
    const batch = Array.from({ length: 60 }, () => ({ ...template, messageId: randomUUID() }));
    expect(batch.length * OUTCOMES.length).toBeGreaterThan(2 * LEDGER_COPY_CHUNK_ROWS);

    // The last decision cannot become a row: the failure comes after chunks were sent.
    const broken = [...batch.slice(0, -1), { ...template, decidedAt: 'not a timestamp' }];
    await expect(writer.ingest(broken)).rejects.toThrow(/bad decidedAt/);
    expect(writer.head()).toEqual(before);
    expect(await rows()).toHaveLength(before.treeSize);

    // The same session goes on: the whole batch, every row in place, the root equal to the rows.
    expect(await writer.ingest(batch)).toMatchObject({
      rowsWritten: 180,
      treeSize: before.treeSize + 180,
    });
    const stored = await rows();
    expect(stored.map((r) => Number(r.seq))).toEqual(
      Array.from({ length: before.treeSize + 180 }, (_, i) => i + 1),
    );
    const written = stored.slice(before.treeSize);
    expect(written.map((r) => `${r.message_id}|${r.recipient_agency}`)).toEqual(
      batch.flatMap((d) => OUTCOMES.map((o) => `${d.messageId}|${o.agency}`)),
    );
    const root = rootOf(stored.map((r) => Buffer.from(r.leaf_hash, 'hex'))).toString('hex');
    expect(writer.head()).toEqual({ treeSize: stored.length, rootHash: root });
    const report = verifyLedger(stored.map(ledgerRowFromColumns), [
      { treeSize: stored.length, rootHash: root },
    ]);
    expect(report.findings).toEqual([]);

    // Content and the log, written with the rows (the failed attempt left none):
    // each message's COLLECTION then DISCLOSURE, in the batch's order.
    const ids = batch.map((d) => d.messageId);
    const logged = await ds.query<{ action: string; subject: string }[]>(
      'SELECT action, subject FROM le_log WHERE subject = ANY($1) ORDER BY id',
      [ids],
    );
    expect(logged.map((l) => `${l.subject} ${l.action}`)).toEqual(
      ids.flatMap((id) => [`${id} COLLECTION`, `${id} DISCLOSURE`]),
    );
    const kept = await ds.query<{ n: string }[]>(
      'SELECT count(*) AS n FROM message_content WHERE message_id = ANY($1::uuid[])',
      [ids],
    );
    expect(Number(kept[0]?.n)).toBe(batch.length);
  });

  it('stores the originator token and each presentation by reference, rebuilt byte for byte', async () => {
    const decision = await makeDecision({ originator: ORIGIN, outcomes: OUTCOMES });
    await writer.ingest([decision]);
    const [message] = await ds.query<{ sd_jwt: string; retain_until: Date }[]>(
      'SELECT sd_jwt, retain_until FROM message_content WHERE message_id = $1',
      [decision.messageId],
    );
    expect(message?.sd_jwt).toBe(`${decision.issuerJwt}~${decision.disclosures.join('~')}~`);
    const stored = await ds.query<
      { recipient_agency: string; presentation: string | null; disclosure_indices: number[] }[]
    >(
      'SELECT recipient_agency, presentation, disclosure_indices FROM delivery_content WHERE message_id = $1 ORDER BY 1',
      [decision.messageId],
    );
    expect(stored.map((d) => d.recipient_agency)).toEqual(['de-bka', 'nl-knp']);
    // No second copy of the text: the indices into the kept token.
    expect(stored.map((d) => d.presentation)).toEqual([null, null]);
    const deliveries = stored.map((d) => ({
      recipient_agency: d.recipient_agency,
      presentation: presentationFromToken(message?.sd_jwt ?? '', d.disclosure_indices),
    }));
    for (const d of deliveries) {
      const outcome = decision.outcomes.find((o) => o.recipientAgency === d.recipient_agency);
      expect(presentationDigestOf(d.presentation)).toBe(outcome?.presentationDigest);
    }
    const redacted = deliveries.find((d) => d.recipient_agency === 'nl-knp')?.presentation ?? '';
    const identity = Buffer.from(VICTIM_NAME).toString('base64url').slice(0, 8);
    expect(redacted.split('~').length).toBeLessThan((message?.sd_jwt ?? '').split('~').length);
    expect(redacted).not.toContain(identity);
  });

  it('records case notices as case events with the outcome from the claims', async () => {
    const decision = await makeDecision({
      originator: ORIGIN,
      outcomes: OUTCOMES.slice(0, 1),
      kind: 'CASE_NOTICE',
      messageType: 'CASE_CLOSED',
      caseOutcome: 'CONVICTION',
    });
    await writer.ingest([decision]);
    const [event] = await ds.query<
      { notice_type: string; outcome: string; jurisdiction: string }[]
    >('SELECT notice_type, outcome, jurisdiction FROM case_event WHERE message_id = $1', [
      decision.messageId,
    ]);
    expect(event).toEqual({
      notice_type: 'CASE_CLOSED',
      outcome: 'CONVICTION',
      jurisdiction: 'RO',
    });
  });

  it('signs a checkpoint that verifies with the hub key, only when the tree grew', async () => {
    const hub = generateAgencyKeys('EdDSA');
    const sent: Checkpoint[] = [];
    const publisher = new CheckpointPublisher(
      ds,
      writer,
      createJwsSigner({ privateJwk: hub.privateJwk, kid: hub.kid, alg: 'EdDSA' }),
      {
        send: (records) => {
          sent.push(...records.map((r) => r.value));
          return Promise.resolve();
        },
      },
    );
    const checkpoint = await publisher.tick();
    expect(checkpoint).not.toBeNull();
    const signed = verifyCheckpoint(checkpoint?.jws ?? '', hub.publicJwk);
    const stored = await rows();
    expect(signed.treeSize).toBe(stored.length);
    expect(signed.rootHash).toBe(
      rootOf(stored.map((r) => Buffer.from(r.leaf_hash, 'hex'))).toString('hex'),
    );
    expect(sent).toHaveLength(1);
    expect(await publisher.tick()).toBeNull();
    const [row] = await ds.query<{ tree_size: string }[]>(
      'SELECT tree_size FROM ledger_checkpoint',
    );
    expect(Number(row?.tree_size)).toBe(stored.length);
  });

  it('purges content past retention, logs the erasure and keeps the ledger rows', async () => {
    const old = await makeDecision({
      originator: ORIGIN,
      outcomes: OUTCOMES.map((o) => ({ ...o, retentionDays: 30 })),
      decidedAt: new Date(Date.now() - 400 * 86_400_000),
    });
    await writer.ingest([old]);
    // Each delivered recipient's feed entry, and one of another message that stays.
    const delivered = old.outcomes.filter((o) => o.decision !== 'DENIED');
    const feedRow = (messageId: string, agency: string, offset: number): unknown[] => [
      agency,
      messageId,
      offset,
      Buffer.from(`record of ${messageId} for ${agency}`),
    ];
    const kept = randomUUID();
    for (const row of [
      ...delivered.map((o, i) => feedRow(old.messageId, o.recipientAgency, 900_000 + i)),
      feedRow(kept, delivered[0]?.recipientAgency ?? '', 900_100),
    ]) {
      await ds.query(
        'INSERT INTO feed_entry (agency_id, message_id, kafka_offset, record) VALUES ($1, $2, $3, $4)',
        row,
      );
    }
    const result = await new RetentionPurge(ds).run();
    expect(result).toEqual({ deliveries: 2, feedEntries: 2, messages: 1, quotaWindows: 0 });
    const feedLeft = await ds.query<{ message_id: string }[]>(
      'SELECT message_id FROM feed_entry WHERE message_id = ANY($1::uuid[])',
      [[old.messageId, kept]],
    );
    expect(feedLeft.map((r) => r.message_id)).toEqual([kept]);
    const left = await ds.query<unknown[]>(
      'SELECT 1 FROM delivery_content WHERE message_id = $1 UNION ALL SELECT 1 FROM message_content WHERE message_id = $1',
      [old.messageId],
    );
    expect(left).toHaveLength(0);
    const ledger = await ds.query<unknown[]>('SELECT 1 FROM share_ledger WHERE message_id = $1', [
      old.messageId,
    ]);
    expect(ledger).toHaveLength(3);
    const erasures = await ds.query<{ subject: string; details: { count: number } }[]>(
      `SELECT subject, details FROM le_log WHERE action = 'ERASURE' ORDER BY subject`,
    );
    expect(erasures.map((e) => [e.subject, e.details.count])).toEqual([
      ['delivery_content', 2],
      ['feed_entry', 2],
      ['message_content', 1],
    ]);
    expect(await new RetentionPurge(ds).run()).toEqual({
      deliveries: 0,
      feedEntries: 0,
      messages: 0,
      quotaWindows: 0,
    });
  });

  it('purges query quota windows once they ended longer ago than oversight reads them', async () => {
    const agency = `zz-quota-${uniqueSuffix()}`;
    const now = Date.now();
    const hour = 3_600_000;
    // [holder, window end relative to now, refused]: ended 8 days ago (one breached), 6 days ago, open.
    const windows: [string, number, number][] = [
      [`${agency}/old-breach`, -8 * 24 * hour, 2],
      [`${agency}/old`, -8 * 24 * hour, 0],
      [`${agency}/recent`, -6 * 24 * hour, 1],
      [`${agency}/open`, hour, 0],
    ];
    for (const [holder, end, refused] of windows) {
      await ds.query(
        `INSERT INTO link_query_quota (scope, holder, window_start, window_end, agency_id, quota, used, refused)
         VALUES ('OFFICER', $1, $2, $3, $4, 20, 20, $5)`,
        [holder, new Date(now + end - hour), new Date(now + end), agency, refused],
      );
    }
    const result = await new RetentionPurge(ds).run(new Date(now));
    expect(result.quotaWindows).toBe(2);
    const left = await ds.query<{ holder: string }[]>(
      'SELECT holder FROM link_query_quota WHERE agency_id = $1 ORDER BY holder',
      [agency],
    );
    expect(left.map((r) => r.holder)).toEqual([`${agency}/open`, `${agency}/recent`]);
    const erasures = await ds.query<{ details: { count: number; breached: number } }[]>(
      `SELECT details FROM le_log WHERE action = 'ERASURE' AND subject = 'link_query_quota'`,
    );
    expect(erasures.map((e) => e.details)).toEqual([{ count: 2, breached: 1 }]);
    expect((await new RetentionPurge(ds).run(new Date(now))).quotaWindows).toBe(0);
  });

  // Kafka → ledger through the real audit app (read_committed, redelivery after
  // crashes, one row per pair) is covered end to end by test/chaos/worker-crash.test.ts
  // and test/e2e/publish-to-audit.test.ts.

  /** A fresh agency of the directory, for a feed of its own. */
  async function feedAgency(label: string): Promise<string> {
    const agency = `zz-${label}-${uniqueSuffix()}`.replace(/[^a-z0-9-]/g, '');
    await ds.query(
      `INSERT INTO agency (id, name, jurisdiction, kind) VALUES ($1, 'Test agency', 'NL', 'LAW_ENFORCEMENT')`,
      [agency],
    );
    return agency;
  }

  /** Agencies named in liaison_feed notifications, as they arrive. */
  async function listenForFeeds(): Promise<{ notified: string[]; end: () => Promise<void> }> {
    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    const notified: string[] = [];
    listener.on('notification', (n) => notified.push(n.payload ?? ''));
    await listener.query(`LISTEN ${FEED_CHANNEL}`);
    return { notified, end: () => listener.end() };
  }

  const deliveryTo = (agency: string, over: Partial<Delivery> = {}): Delivery => ({
    messageId: randomUUID(),
    kind: 'ALERT',
    messageType: 'VICTIM_AT_RISK',
    originatorAgency: 'ro-diicot',
    recipientAgency: agency,
    caseRef: null,
    presentation: 'eyJ~',
    encrypted: false,
    disclosedPaths: ['narrative'],
    withheld: [],
    policyVersion: 'p1',
    receipt: 'a.b.c',
    receiptProof: { leafIndex: 0, treeSize: 1, path: [] },
    deliveredAt: new Date().toISOString(),
    custodial: false,
    ...over,
  });

  it('projects a feed topic into feed_entry once, and NOTIFYs the agency', async () => {
    const agency = await feedAgency('one');
    const kafka = createKafkaClient(
      { brokers: config.kafka.brokers, clientId: 'test' },
      'audit-feed',
    );
    const layout = { partitions: 1, replicationFactor: 1 };
    const { notified, end: endListener } = await listenForFeeds();
    const delivery = deliveryTo(agency, {
      withheld: [{ path: 'subjects[0].identity', ruleId: 'victim-guard' }],
    });
    // An entry from an earlier log of the same topic (a recreated topic or a new
    // cluster) at the offset the new delivery will get: it must not hide it.
    await ds.query(
      'INSERT INTO feed_entry (agency_id, message_id, kafka_offset, record) VALUES ($1, $2, 0, $3)',
      [agency, randomUUID(), Buffer.from('an earlier log')],
    );
    const first = new FeedProjector(kafka, ds, { groupId: `g-${uniqueSuffix()}`, layout });
    await first.start();
    const producer = new TypedProducer(kafka, feedTopic(agency), codecFor('Delivery'));
    await producer.connect();
    await producer.send([{ key: delivery.messageId, value: delivery }]);
    await producer.disconnect();
    try {
      const count = async (): Promise<number> => {
        const [r] = await ds.query<{ n: string }[]>(
          'SELECT count(*) AS n FROM feed_entry WHERE agency_id = $1',
          [agency],
        );
        return Number(r?.n);
      };
      await waitFor(async () => ((await count()) === 2 ? true : undefined));
      await waitFor(() => Promise.resolve(notified.includes(agency) ? true : undefined), 10_000);
      await first.stop();
      // A second projector in a new group re-reads the topic from the start: still one row.
      let projected = 0;
      const replay = new FeedProjector(kafka, ds, {
        groupId: `g-${uniqueSuffix()}`,
        layout,
        onProjected: (_a, n) => (projected += n),
      });
      await replay.start();
      await new Promise((r) => setTimeout(r, 4000));
      await replay.stop();
      expect(projected).toBe(0);
      expect(await count()).toBe(2);
      const [entry] = await ds.query<{ record: Buffer; message_id: string }[]>(
        'SELECT record, message_id FROM feed_entry WHERE agency_id = $1 AND kafka_offset = 0 ORDER BY id DESC LIMIT 1',
        [agency],
      );
      expect(entry?.message_id).toBe(delivery.messageId);
      // Stored as the record that arrived: it decodes back to the delivery sent.
      expect(codecFor('Delivery').decode(entry?.record ?? Buffer.alloc(0))).toEqual(delivery);
    } finally {
      await first.stop();
      await endListener();
    }
  });

  it('projects a batch spanning agencies in one statement: offset order per agency, one NOTIFY each, a misrouted record refused', async () => {
    const a = await feedAgency('a');
    const b = await feedAgency('b');
    const { notified, end: endListener } = await listenForFeeds();
    const codec = codecFor('Delivery');
    const record = (agency: string, topicOf: string, offset: number): ConsumedRecord<Delivery> => {
      const value = deliveryTo(agency, { presentation: `eyJ~${offset}` });
      return {
        topic: feedTopic(topicOf),
        partition: 0,
        offset: String(offset),
        key: value.messageId,
        value,
        bytes: codec.encode(value),
        headers: {},
        timestamp: String(Date.now()),
      };
    };
    // Interleaved as a fetch over both topics returns them; offsets 9 and 10
    // on purpose (text order would put 10 first).
    const batch = [
      record(a, a, 9),
      record(b, b, 3),
      record(a, a, 10),
      record(b, a, 11),
      record(b, b, 4),
    ];
    const refused: string[] = [];
    const projected = new Map<string, number>();
    const projector = new FeedProjector(
      createKafkaClient({ brokers: config.kafka.brokers, clientId: 'test' }, 'audit-feed'),
      ds,
      {
        groupId: `g-${uniqueSuffix()}`,
        layout: { partitions: 1, replicationFactor: 1 },
        onUndecodable: (topic, offset) => refused.push(`${topic}@${offset}`),
        onProjected: (agency, n) => projected.set(agency, n),
      },
    );
    try {
      expect(await projector.project(batch)).toBe(4);
      expect(refused).toEqual([`${feedTopic(a)}@11`]);
      expect(projected).toEqual(
        new Map([
          [a, 2],
          [b, 2],
        ]),
      );
      for (const [agency, offsets] of [
        [a, ['9', '10']],
        [b, ['3', '4']],
      ] as const) {
        const rows = await ds.query<{ kafka_offset: string; record: Buffer }[]>(
          'SELECT kafka_offset, record FROM feed_entry WHERE agency_id = $1 ORDER BY id',
          [agency],
        );
        expect(rows.map((r) => r.kafka_offset)).toEqual(offsets);
        expect(rows.map((r) => codec.decode(r.record).presentation)).toEqual(
          offsets.map((o) => `eyJ~${o}`),
        );
      }
      await waitFor(() =>
        Promise.resolve(notified.includes(a) && notified.includes(b) ? true : undefined),
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(notified.filter((n) => n === a || n === b).sort()).toEqual([a, b].sort());
      // The same batch again: nothing new, no NOTIFY.
      const before = notified.length;
      expect(await projector.project(batch)).toBe(0);
      await new Promise((r) => setTimeout(r, 200));
      expect(notified.length).toBe(before);
    } finally {
      await endListener();
    }
  });

  it('commits feed entries in id order: a delivery waits while a hub notice is being written', async () => {
    const agency = await feedAgency('o');
    const codec = codecFor('Delivery');
    const value = deliveryTo(agency);
    const delivery: ConsumedRecord<Delivery> = {
      topic: feedTopic(agency),
      partition: 0,
      offset: '0',
      key: value.messageId,
      value,
      bytes: codec.encode(value),
      headers: {},
      timestamp: String(Date.now()),
    };
    const projector = new FeedProjector(
      createKafkaClient({ brokers: config.kafka.brokers, clientId: 'test' }, 'audit-feed'),
      ds,
      { groupId: `g-${uniqueSuffix()}`, layout: { partitions: 1, replicationFactor: 1 } },
    );
    const committed = async (): Promise<string[]> =>
      (
        await ds.query<{ entry_kind: string }[]>(
          'SELECT entry_kind FROM feed_entry WHERE agency_id = $1 ORDER BY id',
          [agency],
        )
      ).map((r) => r.entry_kind);
    // A notice's transaction takes its id first and is still open, as the
    // ledger writer's is while it writes a slice.
    const notice = ds.createQueryRunner();
    await notice.connect();
    await notice.startTransaction();
    try {
      const noticeId = hubNoticeId('test', [agency]);
      await insertHubNotices(notice, 'LINK_NOTICE', [
        { recipientAgency: agency, noticeId, record: Buffer.from('notice') },
      ]);
      let projected: number | undefined;
      const projecting = projector.project([delivery]).then((n) => (projected = n));
      await new Promise((r) => setTimeout(r, 1_000));
      // Had the delivery committed now, with the larger id, a reader past it
      // would never see the notice committed after it.
      expect(projected).toBeUndefined();
      expect(await committed()).toEqual([]);
      await notice.commitTransaction();
      await projecting;
      expect(projected).toBe(1);
      expect(await committed()).toEqual(['LINK_NOTICE', 'DELIVERY']);
    } finally {
      if (notice.isTransactionActive) await notice.rollbackTransaction();
      await notice.release();
    }
  });

  it('stores the batches of one fetch (one per feed topic) in one statement, each agency notified', async () => {
    const agencies = [await feedAgency('p'), await feedAgency('q'), await feedAgency('r')];
    const layout = { partitions: 1, replicationFactor: 1 };
    const kafka = createKafkaClient(
      { brokers: config.kafka.brokers, clientId: 'test' },
      'audit-feed',
    );
    // Every feed holds a delivery before the projector's first fetch, so that
    // fetch returns one batch per feed topic.
    await ensureTopics(
      kafka,
      agencies.map((a) => feedTopicSpec(a, 7, layout)),
      layout.replicationFactor,
    );
    for (const agency of agencies) {
      const producer = new TypedProducer(kafka, feedTopic(agency), codecFor('Delivery'));
      await producer.connect();
      const delivery = deliveryTo(agency);
      await producer.send([{ key: delivery.messageId, value: delivery }]);
      await producer.disconnect();
    }
    const { notified, end: endListener } = await listenForFeeds();
    const stored: FeedStoreTiming[] = [];
    const projector = new FeedProjector(kafka, ds, {
      groupId: `g-${uniqueSuffix()}`,
      layout,
      feedAgencies: () => Promise.resolve(agencies.map((id) => ({ id, retentionDays: 7 }))),
      onStored: (s) => stored.push(s),
    });
    try {
      await projector.start();
      await waitFor(async () => {
        const [r] = await ds.query<{ n: string }[]>(
          'SELECT count(*) AS n FROM feed_entry WHERE agency_id = ANY($1)',
          [agencies],
        );
        return Number(r?.n) === 3 ? true : undefined;
      });
      expect(stored.map((s) => s.batches)).toEqual([3]);
      expect(stored[0]?.sinceCreateMs).toHaveLength(3);
      await waitFor(() =>
        Promise.resolve(agencies.every((a) => notified.includes(a)) ? true : undefined),
      );
    } finally {
      await projector.stop();
      await endListener();
    }
  });

  it("lowers each feed topic's retention to its agency's, at start and when it changes", async () => {
    const DAY_MS = 24 * 3600 * 1000;
    const short = await feedAgency('short');
    const long = await feedAgency('long');
    await ds.query('UPDATE agency SET retention_days = 2 WHERE id = $1', [short]);
    const kafka: Kafka = createKafkaClient(
      { brokers: config.kafka.brokers, clientId: 'test' },
      'audit-feed',
    );
    const admin = kafka.admin();
    await admin.connect();
    const topicConfig = async (agency: string): Promise<Record<string, string>> =>
      (await topicOverrides(admin, [feedTopic(agency)])).get(feedTopic(agency)) ?? {};
    const projector = new FeedProjector(kafka, ds, {
      groupId: `g-${uniqueSuffix()}`,
      layout: { partitions: 1, replicationFactor: 1 },
    });
    try {
      await projector.start();
      expect((await topicConfig(short))['retention.ms']).toBe(String(2 * DAY_MS));
      // A recipient keeping content for years: Kafka keeps it only for the transit week.
      expect((await topicConfig(long))['retention.ms']).toBe(String(7 * DAY_MS));

      // An operator's own setting on the topic survives the hub's alignment.
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: 2, // a topic (kafkajs' ConfigResourceTypes.TOPIC)
            name: feedTopic(short),
            configEntries: [
              { name: 'retention.ms', value: String(2 * DAY_MS) },
              { name: 'segment.ms', value: String(DAY_MS) },
            ],
          },
        ],
      });
      await ds.query('UPDATE agency SET retention_days = 1 WHERE id = $1', [short]);
      await ds.query('UPDATE agency SET retention_days = 3 WHERE id = $1', [long]);
      await projector.refresh();
      const shortNow = await topicConfig(short);
      expect(shortNow['retention.ms']).toBe(String(DAY_MS));
      expect(shortNow['segment.ms']).toBe(String(DAY_MS));
      expect((await topicConfig(long))['retention.ms']).toBe(String(3 * DAY_MS));

      // A retention that grows leaves the topic's shorter one: the hub lowers, never raises.
      await ds.query('UPDATE agency SET retention_days = 30 WHERE id = $1', [long]);
      await projector.refresh();
      expect((await topicConfig(long))['retention.ms']).toBe(String(3 * DAY_MS));
    } finally {
      await projector.stop();
      await admin.disconnect();
    }
  });
});
