/**
 * Link notices on the real stack (policy worker, audit app, Kafka, PostgreSQL,
 * the demo world's policies): messages of two agencies that share a phone
 * number written differently each give their agency a hub-signed LinkNotice
 * naming the other's agency, case handle and the kind PHONE, never the number;
 * one agency's own messages never link; without a links agreement a hit is
 * logged as denied and nobody is told; a redelivered decision adds nothing;
 * and the planted values appear nowhere in the database or the apps' logs.
 */
import './../support/isolated-namespace';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { compactVerify, importJWK } from 'jose';
import { Client } from 'pg';
import { codecFor, type Decision, type LinkNotice } from '@liaison/contracts';
import { Topic, createKafkaClient } from '@liaison/kafka';
import {
  ROOT,
  dropNamespaceDatabase,
  eventually,
  seedNamespace,
  startApp,
  stopApp,
  type StartedApp,
} from '../support/hub-processes';
import { DATABASE_URL } from '../support/isolated-namespace';
import { freshMessage, handling, signedSubmission } from '../support/submissions';
import { readTopics } from '../support/topic-reader';
import { testConfig } from '../support/stack';
import { HubKeyFiles } from '@liaison/local-files';

const linkNoticeCodec = codecFor('LinkNotice');
const decisionCodec = codecFor('Decision');

/** Planted values: each must never appear in clear outside the signed message. */
const PHONE_DIGITS = '721555014';
const PASSPORT = 'ZX7741902';

interface Planted {
  readonly originator: string;
  readonly caseRef: string;
  readonly phone: string;
  readonly passport?: string;
}

/** A suspect-movement alert whose only selectors are one phone (and a passport if given). */
function message(p: Planted): Record<string, unknown> {
  return freshMessage('alert-suspect-movement', p.originator, (m) => {
    m.caseRef = p.caseRef;
    const h = handling(m);
    h.tlp = 'AMBER';
    h.releasableTo = [];
    h.namedRecipients = [];
    const subject = (m.subjects as Record<string, unknown>[])[0] as Record<string, unknown>;
    const identity = subject.identity as Record<string, unknown>;
    identity.dateOfBirth = null;
    identity.documents =
      p.passport === undefined
        ? []
        : [
            {
              documentType: 'PASSPORT',
              number: p.passport,
              issuingCountry: 'RO',
              expiresOn: null,
              status: 'GENUINE',
            },
          ];
    identity.contactHandles = [{ handleType: 'PHONE', value: p.phone, platform: null }];
  });
}

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function noticesFor(agency: string): Promise<LinkNotice[]> {
  const rows = await query<{ record: Buffer }>(
    `SELECT record FROM feed_entry WHERE agency_id = $1 AND entry_kind = 'LINK_NOTICE' ORDER BY id`,
    [agency],
  );
  return rows.map((r) => linkNoticeCodec.decode(r.record));
}

async function combinationsFor(messageId: string): Promise<Record<string, unknown>[]> {
  const rows = await query<{ details: Record<string, unknown> }>(
    `SELECT details FROM le_log WHERE action = 'COMBINATION' AND subject = $1 ORDER BY id`,
    [messageId],
  );
  return rows.map((r) => r.details);
}

describe('link notices through the real worker and audit app', () => {
  let worker: StartedApp | undefined;
  let audit: StartedApp | undefined;
  const ids = new Map<string, string>();
  const kafka = createKafkaClient(
    { brokers: testConfig().kafka.brokers, clientId: 'link-notices' },
    'publisher',
  );
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });

  async function publish(name: string, planted: Planted): Promise<string> {
    const { submission, bytes } = await signedSubmission(message(planted));
    ids.set(name, submission.messageId);
    await producer.send({
      topic: Topic.submissions,
      messages: [{ key: submission.messageId, value: bytes }],
    });
    return submission.messageId;
  }

  beforeAll(async () => {
    await seedNamespace();
    [worker, audit] = await Promise.all([
      startApp('policy', { POLICY_WORKER_ID: `links-${process.pid}` }),
      startApp('audit'),
    ]);
    await producer.connect();
    // One number, three spellings: international, with a 00 prefix from Germany.
    await publish('nl', {
      originator: 'nl-knp',
      caseRef: 'NL-KNP-2026-0412',
      phone: '+40 721 555 014',
      passport: PASSPORT,
    });
    await publish('de', {
      originator: 'de-bka',
      caseRef: 'DE-BKA-2026-0977',
      phone: '0040 721 555 014',
    });
    // The same agency twice: no link.
    await publish('own1', {
      originator: 'nl-kmar',
      caseRef: 'NL-KMAR-1',
      phone: '+33 6 12 34 56 78',
    });
    await publish('own2', { originator: 'nl-kmar', caseRef: 'NL-KMAR-2', phone: '0033612345678' });
    // NL and the UK hold the same number, but no links rule joins them.
    await publish('nl-uk', { originator: 'nl-knp', caseRef: 'NL-KNP-7', phone: '+44 7911 123456' });
    await publish('uk', { originator: 'uk-nca', caseRef: 'UK-NCA-7', phone: '07911 123456' });
  }, 180_000);

  afterAll(async () => {
    await producer.disconnect().catch(() => undefined);
    await Promise.all([stopApp(worker), stopApp(audit)]);
    await dropNamespaceDatabase();
  }, 30_000);

  it('tells both agencies of the link: kind, counterpart and handle, never the number', async () => {
    const nl = await eventually(
      async () => {
        const n = await noticesFor('nl-knp');
        return n.length > 0 ? n : undefined;
      },
      60_000,
      'the NL link notice',
    );
    const de = await eventually(
      async () => {
        const n = await noticesFor('de-bka');
        return n.length > 0 ? n : undefined;
      },
      20_000,
      'the DE link notice',
    );
    expect(nl).toHaveLength(1);
    expect(de).toHaveLength(1);
    expect(nl[0]).toMatchObject({
      recipientAgency: 'nl-knp',
      messageId: ids.get('nl'),
      counterpartAgency: 'de-bka',
      counterpartCaseHandle: 'DE-BKA-2026-0977',
      kinds: ['PHONE'],
      strength: 'EXACT',
      counterpartTlp: 'AMBER',
      rules: ['DE-LINKS-EU-01'],
    });
    expect(de[0]).toMatchObject({
      recipientAgency: 'de-bka',
      messageId: ids.get('de'),
      counterpartAgency: 'nl-knp',
      counterpartCaseHandle: 'NL-KNP-2026-0412',
      kinds: ['PHONE'],
      rules: ['NL-LINKS-EU-01'],
    });
    expect(JSON.stringify([nl, de])).not.toContain(PHONE_DIGITS);

    // The hub signed exactly what the notice says.
    const hubKey = new HubKeyFiles(path.join(ROOT, '.local/hub-keys')).hubSigningKey();
    const key = await importJWK(
      hubKey.publicJwk as unknown as Parameters<typeof importJWK>[0],
      hubKey.alg,
    );
    const notice = nl[0] as LinkNotice;
    const { payload } = await compactVerify(notice.hubSignature, key);
    const { hubSignature: _signature, ...body } = notice;
    expect(JSON.parse(Buffer.from(payload).toString('utf8'))).toEqual(body);
  }, 90_000);

  it("never links one agency's own messages", async () => {
    // The pair after it has been matched, so both of these were indexed by now.
    await eventually(
      async () => ((await combinationsFor(ids.get('uk') as string)).length > 0 ? true : undefined),
      60_000,
      'the UK hit',
    );
    expect(await noticesFor('nl-kmar')).toEqual([]);
    const rows = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM link_index WHERE agency_id = 'nl-kmar'`,
    );
    expect(rows[0]?.n).toBe(2);
    expect(await combinationsFor(ids.get('own2') as string)).toEqual([]);
  }, 90_000);

  it('without a links agreement: no notice, the hit logged as denied on both sides', async () => {
    const uk = await combinationsFor(ids.get('uk') as string);
    const nl = await combinationsFor(ids.get('nl-uk') as string);
    expect(uk).toEqual([
      expect.objectContaining({
        holderAgency: 'nl-knp',
        outcome: 'DENIED',
        rules: ['builtin:default-deny'],
        kinds: ['PHONE'],
      }),
    ]);
    expect(nl).toEqual([expect.objectContaining({ holderAgency: 'uk-nca', outcome: 'DENIED' })]);
    expect(await noticesFor('uk-nca')).toEqual([]);
    expect((await noticesFor('nl-knp')).map((n) => n.counterpartAgency)).toEqual(['de-bka']);
  }, 30_000);

  it('a redelivered decision adds no notice, index row or log entry', async () => {
    const count = async (): Promise<string> =>
      JSON.stringify(
        await query(
          `SELECT (SELECT count(*) FROM feed_entry WHERE entry_kind = 'LINK_NOTICE') AS notices,
                  (SELECT count(*) FROM link_index) AS rows,
                  (SELECT count(*) FROM le_log WHERE action = 'COMBINATION') AS hits`,
        ),
      );
    const before = await count();
    const wanted = new Set([ids.get('nl'), ids.get('de')]);
    const decisions = (
      await readTopics<Decision>(
        [Topic.decisions],
        decisionCodec,
        (r) => r.filter((x) => wanted.has(x.value.messageId)).length >= 2,
      )
    ).filter((r) => wanted.has(r.value.messageId));
    const skippedBefore = await skippedRows();
    await producer.send({
      topic: Topic.decisions,
      messages: decisions.map((d) => ({
        key: d.value.caseRef ?? d.value.messageId,
        value: decisionCodec.encode(d.value),
      })),
    });
    await eventually(
      async () => ((await skippedRows()) > skippedBefore ? true : undefined),
      30_000,
      'the audit app to skip the redelivered decisions',
    );
    expect(await count()).toBe(before);
  }, 90_000);

  it('the planted values appear nowhere in the database nor in the logs', () => {
    const dump = execFileSync('pg_dump', ['--data-only', DATABASE_URL], {
      maxBuffer: 256 * 1024 * 1024,
    }).toString('utf8');
    expect(dump).toContain('NL-KNP-2026-0412'); // the dump is of the right database
    for (const planted of [PHONE_DIGITS, '721 555 014', PASSPORT]) {
      expect(dump).not.toContain(planted);
      for (const app of [worker, audit]) expect(app?.output.join('')).not.toContain(planted);
    }
  });

  async function skippedRows(): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${audit?.port ?? 0}/metrics`);
    const line = (await res.text())
      .split('\n')
      .find((l) => l.startsWith('liaison_ledger_rows_skipped_total'));
    return Number(line?.split(' ').pop() ?? 0);
  }
});
