/**
 * The audit HTTP API on a real Nest app over a throwaway database: the
 * authorisation matrix (every role x every endpoint x own/other agency; only
 * liaison on own rows and oversight answer 200), input bounds, the side-by-side
 * detail, proofs that verify offline, and a CONSULTATION entry for every read.
 * The gateway's auth guard is stood in for by a middleware reading test headers
 * (including the justification it would have verified and recorded; the signed
 * justification itself is tested on the real gateway in officer-enrolment.test.ts).
 */
import type { INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { replayCase, type CaseEvent } from '@liaison/cases';
import { createJwsSigner, generateAgencyKeys } from '@liaison/crypto';
import {
  checkCheckpointConsistency,
  checkRowInclusion,
  ledgerRowFromColumns,
  presentationFromToken,
  type LedgerRowColumns,
  SHARE_LEDGER_COLUMNS,
} from '@liaison/ledger';
import { createLogger } from '@liaison/observability';
import { createDataSource } from '@liaison/persistence';
import { DomainErrorFilter } from '@liaison/runtime';
import { CheckpointPublisher } from '../../apps/audit/src/checkpoint-publisher';
import { LedgerWriter } from '../../apps/audit/src/ledger-writer';
import { makeDecision, VICTIM_NAME } from '../../apps/audit/src/testing/decision-fixtures';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../apps/audit/src/testing/throwaway-database';
import type {
  AuthContext,
  Role,
  SignedJustification,
} from '../../apps/gateway/src/auth/auth-context';
import { AuditQueryModule } from '../../apps/gateway/src/audit';
import { testConfig } from '../support/stack';

jest.setTimeout(180_000);

const ROLES: readonly Role[] = [
  'publisher',
  'subscriber',
  'liaison',
  'policy-author',
  'policy-approver',
  'oversight',
  'admin',
];
// ro-diicot sends; nl-knp receives (redacted); th-dsi is denied; fr-ocrteh is uninvolved.
const AGENCIES = ['ro-diicot', 'nl-knp', 'th-dsi', 'fr-ocrteh'] as const;
const JURISDICTION: Record<string, string> = {
  'ro-diicot': 'RO',
  'nl-knp': 'NL',
  'th-dsi': 'TH',
  'fr-ocrteh': 'FR',
};

describe('audit HTTP API', () => {
  const config = testConfig();
  let db: ThrowawayDatabase;
  let ds: DataSource;
  let app: INestApplication;
  let base: string;
  let redactedSeq = 0;
  let deniedSeq = 0;

  beforeAll(async () => {
    db = await createThrowawayDatabase(config.database.url, 'liaison_auditapi');
    ds = createDataSource({ url: db.url, poolSize: 4 });
    await ds.initialize();
    const writer = await LedgerWriter.open(ds);
    const hub = generateAgencyKeys('EdDSA');
    const publisher = new CheckpointPublisher(
      ds,
      writer,
      createJwsSigner({ privateJwk: hub.privateJwk, kid: hub.kid, alg: 'EdDSA' }),
      null,
    );
    const decision = await makeDecision({
      originator: { agency: 'ro-diicot', jurisdiction: 'RO' },
      outcomes: [
        { agency: 'nl-knp', jurisdiction: 'NL', decision: 'REDACTED' },
        { agency: 'th-dsi', jurisdiction: 'TH', decision: 'DENIED' },
      ],
    });
    await writer.ingest([decision]);
    await publisher.tick();
    await writer.ingest([
      await makeDecision({
        originator: { agency: 'ro-diicot', jurisdiction: 'RO' },
        outcomes: [{ agency: 'nl-knp', jurisdiction: 'NL', decision: 'FULL' }],
      }),
    ]);
    await publisher.tick();
    await writer.close();
    const rows = await ds.query<{ seq: string; recipient_agency: string }[]>(
      'SELECT seq, recipient_agency FROM share_ledger WHERE message_id = $1',
      [decision.messageId],
    );
    redactedSeq = Number(rows.find((r) => r.recipient_agency === 'nl-knp')?.seq);
    deniedSeq = Number(rows.find((r) => r.recipient_agency === 'th-dsi')?.seq);

    @Module({
      imports: [AuditQueryModule.register({ dataSource: ds, hubPublicJwk: hub.publicJwk })],
    })
    class TestAppModule {}
    app = await NestFactory.create(TestAppModule, { logger: false });
    app.use((req: Request, _res: Response, next: NextFunction) => {
      const agency = req.header('x-test-agency');
      if (agency) {
        const auth: AuthContext = {
          agencyId: agency,
          jurisdiction: JURISDICTION[agency] ?? 'XX',
          officerId: 'officer-1',
          officerKid: 'officer-1-key',
          roles: new Set((req.header('x-test-roles') ?? '').split(',') as Role[]),
          kind: 'officer',
        };
        (req as Request & { auth: AuthContext }).auth = auth;
      }
      const justification = req.header('x-justification');
      if (justification) {
        (req as Request & { justification: SignedJustification }).justification = {
          text: justification,
          seq: 1,
          hash: '0'.repeat(64),
        };
      }
      next();
    });
    app.useGlobalFilters(new DomainErrorFilter(createLogger('test', 'silent')));
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
  });

  const get = (path: string, agency?: string, roles: Role[] = [], justification = 'case review') =>
    fetch(`${base}${path}`, {
      headers: {
        ...(agency ? { 'x-test-agency': agency, 'x-test-roles': roles.join(',') } : {}),
        ...(justification ? { 'x-justification': justification } : {}),
      },
    });

  it('answers 200 only to liaison (own rows) and oversight, for every endpoint', async () => {
    const endpoints = (agency: string) => [
      { path: '/v1/audit/records', rowOf: null },
      { path: '/v1/audit/records.csv', rowOf: null },
      { path: `/v1/audit/records/${redactedSeq}`, rowOf: ['ro-diicot', 'nl-knp'] },
      { path: `/v1/audit/records/${deniedSeq}`, rowOf: ['ro-diicot'] },
      { path: `/v1/audit/proof/${redactedSeq}`, rowOf: ['ro-diicot', 'nl-knp'] },
      { path: '/v1/audit/checkpoints', rowOf: null },
      { path: '/v1/audit/consistency?from=2&to=3', rowOf: null },
      { path: '/v1/audit/verify', rowOf: null },
      { path: '/v1/audit/metrics', rowOf: null },
      {
        path: `/v1/audit/records?counterpart=${agency === 'nl-knp' ? 'ro-diicot' : 'nl-knp'}`,
        rowOf: null,
      },
    ];
    const mismatches: string[] = [];
    for (const agency of AGENCIES) {
      for (const role of ROLES) {
        for (const { path, rowOf } of endpoints(agency)) {
          const res = await get(path, agency, [role]);
          const allowedRole = role === 'liaison' || role === 'oversight';
          const ownRow = rowOf === null || role === 'oversight' || rowOf.includes(agency);
          const expected = !allowedRole ? 403 : ownRow ? 200 : 404;
          if (res.status !== expected)
            mismatches.push(`${role}@${agency} ${path}: ${res.status} != ${expected}`);
          await res.arrayBuffer();
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect((await get('/v1/audit/records')).status).toBe(401);
  });

  it('scopes the record list: liaison sees own sent/received (never a denial to it), oversight all', async () => {
    type Page = { records: { seq: number; direction: string | null }[] };
    const list = async (agency: string, role: Role, query = '') =>
      ((await (await get(`/v1/audit/records${query}`, agency, [role])).json()) as Page).records;
    expect((await list('ro-diicot', 'liaison')).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(await list('ro-diicot', 'liaison', '?direction=received')).toEqual([]);
    expect((await list('nl-knp', 'liaison')).map((r) => r.direction)).toEqual([
      'received',
      'received',
    ]);
    expect(await list('th-dsi', 'liaison')).toEqual([]);
    expect(await list('fr-ocrteh', 'liaison')).toEqual([]);
    expect((await list('fr-ocrteh', 'oversight')).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(
      (await list('ro-diicot', 'liaison', '?decision=DENIED&rule=default-deny')).map((r) => r.seq),
    ).toEqual([deniedSeq]);
    expect((await list('ro-diicot', 'liaison', '?counterpartJurisdiction=NL&limit=1')).length).toBe(
      1,
    );
  });

  it('refuses bad input with the field named, and a read without justification', async () => {
    const cases: [string, string][] = [
      ['/v1/audit/records?limit=501', 'limit'],
      ['/v1/audit/records?direction=sideways', 'direction'],
      ['/v1/audit/records?from=yesterday', 'from'],
      ["/v1/audit/records?caseRef=x'%20OR%201=1--", 'caseRef'],
      ['/v1/audit/records?decision=full', 'decision'],
      ['/v1/audit/records?limit=1&limit=2', 'limit'],
      ['/v1/audit/records?bogus=1', 'bogus'],
      ['/v1/audit/records/abc', 'seq'],
      ['/v1/audit/consistency?from=3&to=2', 'to'],
      ['/v1/audit/consistency?from=1&to=3', 'from'],
    ];
    for (const [path, field] of cases) {
      const res = await get(path, 'ro-diicot', ['liaison']);
      const body = (await res.json()) as { error: { details?: { field?: string } } };
      expect([path, res.status, body.error.details?.field]).toEqual([path, 400, field]);
    }
    const res = await get('/v1/audit/records', 'ro-diicot', ['liaison'], '');
    expect(res.status).toBe(400);
    expect(
      ((await res.json()) as { error: { details: { field: string } } }).error.details.field,
    ).toBe('X-Justification');
  });

  it('shows what was sent next to what the recipient saw, to the right readers only', async () => {
    type Detail = {
      sent: { available: boolean; claims?: unknown; reason?: string };
      received: { available: boolean; claims?: unknown; hiddenFields?: number };
      withheld?: { path: string; ruleId: string }[];
    };
    const detail = async (agency: string, role: Role) =>
      (await (await get(`/v1/audit/records/${redactedSeq}`, agency, [role])).json()) as Detail;
    const originator = await detail('ro-diicot', 'liaison');
    expect(JSON.stringify(originator.sent.claims)).toContain(VICTIM_NAME);
    expect(JSON.stringify(originator.received.claims)).not.toContain(VICTIM_NAME);
    expect(originator.received.hiddenFields).toBe(1);
    expect(originator.withheld).toEqual([{ path: 'subjects[0].identity', ruleId: 'victim-guard' }]);
    const recipient = await detail('nl-knp', 'liaison');
    expect(recipient.sent.available).toBe(false);
    expect(JSON.stringify(recipient)).not.toContain(VICTIM_NAME);
    expect(recipient.received.available).toBe(true);
    const oversight = await detail('fr-ocrteh', 'oversight');
    expect(oversight.sent.available).toBe(false);
    expect(oversight.received.available).toBe(false);
    expect(JSON.stringify(oversight)).not.toContain('narrative":"Seen');
  });

  it("rebuilds the recipient's presentation from the kept token and shows it only when it hashes to the ledger's digest", async () => {
    type Received = { received: { available: boolean; reason?: string; claims?: unknown } };
    const received = async () =>
      (
        (await (
          await get(`/v1/audit/records/${redactedSeq}`, 'nl-knp', ['liaison'])
        ).json()) as Received
      ).received;
    const shown = await received();
    expect(shown.available).toBe(true);
    const owner = new Client({ connectionString: db.url });
    await owner.connect();
    try {
      const [row] = await owner
        .query<{ message_id: string; disclosure_indices: number[] }>(
          `SELECT d.message_id, d.disclosure_indices FROM delivery_content d
         JOIN share_ledger l USING (message_id, recipient_agency) WHERE l.seq = $1`,
          [redactedSeq],
        )
        .then((r) => r.rows);
      expect(row?.disclosure_indices.length).toBeGreaterThan(0);
      const where = `message_id = '${row?.message_id}' AND recipient_agency = 'nl-knp'`;
      // Indices changed at rest: the rebuilt presentation is not what was delivered.
      await owner.query(`UPDATE delivery_content SET disclosure_indices = '{}' WHERE ${where}`);
      expect(await received()).toEqual({
        available: false,
        reason: 'stored content does not match the digest in the ledger',
      });
      // A row kept as text (written before the by-reference migration) is shown as it is.
      const [token] = await owner
        .query<{ sd_jwt: string }>('SELECT sd_jwt FROM message_content WHERE message_id = $1', [
          row?.message_id,
        ])
        .then((r) => r.rows);
      const text = presentationFromToken(token?.sd_jwt ?? '', row?.disclosure_indices ?? []);
      await owner.query(
        `UPDATE delivery_content SET presentation = $1, disclosure_indices = NULL WHERE ${where}`,
        [text],
      );
      expect(await received()).toEqual(shown);
      // By reference again, with the originator's token erased: nothing to rebuild from.
      await owner.query(
        `UPDATE delivery_content SET presentation = NULL, disclosure_indices = $1 WHERE ${where}`,
        [row?.disclosure_indices],
      );
      await owner.query('DELETE FROM message_content WHERE message_id = $1', [row?.message_id]);
      expect(await received()).toEqual({
        available: false,
        reason: 'erased: the retention period ended',
      });
      await owner.query(
        `INSERT INTO message_content (message_id, sd_jwt, retain_until) VALUES ($1, $2, now() + interval '1 day')`,
        [row?.message_id, token?.sd_jwt],
      );
      expect(await received()).toEqual(shown);
    } finally {
      await owner.end();
    }
  });

  it('serves proofs that verify offline against the signed checkpoints', async () => {
    const proof = (await (
      await get(`/v1/audit/proof/${redactedSeq}`, 'nl-knp', ['liaison'])
    ).json()) as {
      seq: number;
      treeSize: number;
      rootHash: string;
      proof: string[];
    };
    const [row] = await ds.query<LedgerRowColumns[]>(
      `SELECT ${SHARE_LEDGER_COLUMNS} FROM share_ledger WHERE seq = $1`,
      [redactedSeq],
    );
    expect(
      checkRowInclusion(ledgerRowFromColumns(row as LedgerRowColumns), proof, {
        treeSize: proof.treeSize,
        rootHash: proof.rootHash,
      }),
    ).toBeNull();
    const consistency = (await (
      await get('/v1/audit/consistency?from=2&to=3', 'fr-ocrteh', ['oversight'])
    ).json()) as {
      from: { treeSize: number; rootHash: string };
      to: { treeSize: number; rootHash: string };
      proof: string[];
    };
    expect(
      checkCheckpointConsistency(consistency.from, consistency.to, consistency.proof),
    ).toBeNull();
    const verify = (await (await get('/v1/audit/verify', 'fr-ocrteh', ['oversight'])).json()) as {
      ok: boolean;
      rows: number;
      checkpointsChecked: number;
    };
    expect(verify).toMatchObject({ ok: true, rows: 3, checkpointsChecked: 2 });
  });

  it('streams CSV, suppresses small counts across agencies, and logs every consultation', async () => {
    const csv = await get('/v1/audit/records.csv', 'ro-diicot', ['liaison']);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^seq,decidedAt,direction/);
    const metrics = (await (await get('/v1/audit/metrics', 'fr-ocrteh', ['oversight'])).json()) as {
      sharesPerCounterpartJurisdictionPerDay: { count: unknown }[];
      denialsByRule: { count: unknown }[];
    };
    expect(metrics.sharesPerCounterpartJurisdictionPerDay.map((s) => s.count)).toEqual(['<5']);
    expect(metrics.denialsByRule.map((d) => d.count)).toEqual(['<5']);
    const own = (await (await get('/v1/audit/metrics', 'ro-diicot', ['liaison'])).json()) as {
      sharesPerCounterpartJurisdictionPerDay: { jurisdiction: string; count: unknown }[];
    };
    expect(own.sharesPerCounterpartJurisdictionPerDay).toEqual([
      expect.objectContaining({ jurisdiction: 'NL', count: 2 }),
    ]);
    const before = await ds.query<{ n: string }[]>(
      "SELECT count(*) AS n FROM le_log WHERE action = 'CONSULTATION'",
    );
    await (
      await get(`/v1/audit/records/${redactedSeq}`, 'ro-diicot', ['liaison'], 'JIT follow-up')
    ).json();
    const [entry] = await ds.query<{ actor: string; subject: string; justification: string }[]>(
      "SELECT actor, subject, justification FROM le_log WHERE action = 'CONSULTATION' ORDER BY id DESC LIMIT 1",
    );
    expect(entry).toEqual({
      actor: 'ro-diicot/officer-1',
      subject: `ledger:${redactedSeq}`,
      justification: 'JIT follow-up',
    });
    expect(Number(before[0]?.n)).toBeGreaterThan(50);
  });
  it("shows an agency its own case figures in full and others' suppressed", async () => {
    // Cases folded as the audit app folds them: nl-knp leads two (one convicted),
    // de-bka one; each stored once in case_state.
    const now = Date.now();
    const opened = (caseRef: string, by: string, jurisdiction: string): CaseEvent => ({
      kind: 'CASE_OPENED',
      eventId: `${caseRef}-open`,
      caseRef,
      by,
      at: now - 60_000,
      jurisdiction,
    });
    const cases = [
      [opened('NL-M-1', 'nl-knp', 'NL')],
      [
        opened('NL-M-2', 'nl-knp', 'NL'),
        {
          kind: 'CASE_CLOSED',
          eventId: 'NL-M-2-close',
          caseRef: 'NL-M-2',
          by: 'nl-knp',
          at: now - 30_000,
          outcome: 'CONVICTION',
        } as CaseEvent,
      ],
      [opened('DE-M-1', 'de-bka', 'DE')],
    ];
    for (const events of cases) {
      const { state } = replayCase(events);
      await ds.query(
        'INSERT INTO case_state (case_ref, state, participants, updated_at) VALUES ($1, $2, $3, now())',
        [state.caseRef, JSON.stringify(state), [...state.participants]],
      );
    }
    type Row = { own: boolean; casesOpened: unknown; casesResolved: unknown };
    type Figures = {
      caseFigures: { perAgency: (Row & { agency: string })[] };
      casesPerJurisdiction: (Row & { jurisdiction: string; resolutionRate: unknown })[];
    };
    const nl = (await (await get('/v1/audit/metrics', 'nl-knp', ['liaison'])).json()) as Figures;
    expect(nl.caseFigures.perAgency).toEqual([
      expect.objectContaining({ agency: 'de-bka', own: false, casesOpened: 'suppressed' }),
      expect.objectContaining({ agency: 'nl-knp', own: true, casesOpened: 2, casesResolved: 1 }),
    ]);
    // The per-jurisdiction block says the same: NL's own jurisdiction in full, not "<5".
    expect(nl.casesPerJurisdiction).toEqual([
      expect.objectContaining({ jurisdiction: 'DE', own: false, casesOpened: 'suppressed' }),
      expect.objectContaining({
        jurisdiction: 'NL',
        own: true,
        casesOpened: 2,
        casesResolved: 1,
        resolutionRate: 0.5,
      }),
    ]);
    const oversight = (await (
      await get('/v1/audit/metrics', 'fr-ocrteh', ['oversight'])
    ).json()) as Figures;
    expect(oversight.caseFigures.perAgency.map((a) => a.casesOpened)).toEqual([
      'suppressed',
      'suppressed',
    ]);
    expect(oversight.casesPerJurisdiction.map((r) => [r.jurisdiction, r.casesOpened])).toEqual([
      ['DE', 'suppressed'],
      ['NL', 'suppressed'],
    ]);
  });

  it('lists newest first on request, with the total and a cursor; CSV and the default stay in ledger order', async () => {
    type Page = { records: { seq: number }[]; nextCursor: string | null; total: number };
    const page = async (query: string, agency = 'fr-ocrteh', role: Role = 'oversight') =>
      (await (await get(`/v1/audit/records${query}`, agency, [role])).json()) as Page;
    const first = await page('?order=newest&limit=2');
    expect(first.records.map((r) => r.seq)).toEqual([3, 2]);
    expect([first.total, first.nextCursor]).toEqual([3, '2']);
    const second = await page(`?order=newest&limit=2&cursor=${first.nextCursor}`);
    expect(second.records.map((r) => r.seq)).toEqual([1]);
    expect([second.total, second.nextCursor]).toEqual([3, null]);
    expect((await page('?limit=2')).records.map((r) => r.seq)).toEqual([1, 2]);
    // The total counts what the filters and the reader's scope match, not one page.
    expect((await page('?order=newest&decision=DENIED')).total).toBe(1);
    expect((await page('?order=newest&limit=1', 'nl-knp', 'liaison')).total).toBe(2);
    const csv = await (await get('/v1/audit/records.csv', 'fr-ocrteh', ['oversight'])).text();
    const seqs = csv
      .trim()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(',')[0]);
    expect(seqs).toEqual(['1', '2', '3']);
    const bad = await get('/v1/audit/records?order=oldest', 'fr-ocrteh', ['oversight']);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { field: string } } }).error.details).toEqual(
      expect.objectContaining({ field: 'order' }),
    );
  });

  it('pages the checkpoints largest first with the total, and the refusals newest first', async () => {
    type Checkpoints = {
      checkpoints: { treeSize: number }[];
      nextCursor: string | null;
      total: number;
    };
    const cp = async (query: string) =>
      (await (
        await get(`/v1/audit/checkpoints${query}`, 'fr-ocrteh', ['oversight'])
      ).json()) as Checkpoints;
    const top = await cp('?limit=1');
    expect([top.checkpoints.map((c) => c.treeSize), top.nextCursor, top.total]).toEqual([
      [3],
      '3',
      2,
    ]);
    const next = await cp(`?limit=1&before=${top.nextCursor}`);
    expect([next.checkpoints.map((c) => c.treeSize), next.nextCursor, next.total]).toEqual([
      [2],
      null,
      2,
    ]);

    for (const code of ['auth.token-expired', 'sdjwt.bad-signature', 'auth.token-expired'])
      await ds.query(
        `INSERT INTO le_log (actor, action, subject, justification, details)
         VALUES ('hub', 'REFUSAL', 'refusal', 'refused', $1)`,
        [{ stage: 'gateway', agency: 'nl-knp', attribution: 'verified', reasonCode: code }],
      );
    type Refusals = {
      refusals: { id: number; reasonCode: string }[];
      nextCursor: string | null;
      total: number;
    };
    const refusals = async (query: string, agency = 'fr-ocrteh', role: Role = 'oversight') =>
      (await (await get(`/v1/audit/refusals${query}`, agency, [role])).json()) as Refusals;
    const newest = await refusals('?order=newest&limit=2');
    expect(newest.refusals.map((r) => r.reasonCode)).toEqual([
      'auth.token-expired',
      'sdjwt.bad-signature',
    ]);
    expect(newest.total).toBe(3);
    const ids = newest.refusals.map((r) => r.id);
    expect(ids[0]).toBeGreaterThan(ids[1] ?? Infinity);
    const rest = await refusals(`?order=newest&limit=2&cursor=${newest.nextCursor ?? ''}`);
    expect([rest.refusals.length, rest.nextCursor, rest.total]).toEqual([1, null, 3]);
    expect((await refusals('?order=newest&reason=auth.token-expired')).total).toBe(2);
    expect((await refusals('?order=newest', 'ro-diicot', 'liaison')).total).toBe(0);
  });

  it('gives the dashboard headline figures and counts shares by hour for a short period', async () => {
    type Metrics = {
      bucket: string;
      summary: Record<string, unknown>;
      sharesPerCounterpartJurisdictionPerDay: {
        day: string;
        jurisdiction: string;
        count: unknown;
      }[];
    };
    const to = new Date();
    const day = `from=${new Date(to.getTime() - 86_400_000).toISOString()}&to=${to.toISOString()}`;
    const metrics = async (query: string, agency: string, role: Role) => {
      const res = await get(`/v1/audit/metrics?${query}`, agency, [role]);
      return { status: res.status, body: (await res.json()) as Metrics };
    };
    const ro = await metrics(day, 'ro-diicot', 'liaison');
    expect(ro.status).toBe(200);
    expect(ro.body.bucket).toBe('hour');
    expect(ro.body.sharesPerCounterpartJurisdictionPerDay).toEqual([
      expect.objectContaining({ jurisdiction: 'NL', count: 2 }),
    ]);
    expect(ro.body.sharesPerCounterpartJurisdictionPerDay[0]?.day).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:00Z$/,
    );
    // RO published two messages: three deliveries decided, one denied (to TH).
    expect(ro.body.summary).toMatchObject({ messages: 2, deliveries: 2, denials: 1, refusals: 0 });
    const nl = await metrics(day, 'nl-knp', 'liaison');
    expect(nl.body.summary).toMatchObject({ messages: 0, deliveries: 2, denials: 0, refusals: 3 });
    // Across agencies the small counts are suppressed.
    const all = await metrics(day, 'fr-ocrteh', 'oversight');
    expect(all.body.summary).toMatchObject({ messages: '<5', deliveries: '<5', refusals: '<5' });
    expect((await metrics('', 'fr-ocrteh', 'oversight')).body.bucket).toBe('day');
    const refused = await get('/v1/audit/metrics?bucket=hour', 'fr-ocrteh', ['oversight']);
    expect(refused.status).toBe(400);
    expect(
      ((await refused.json()) as { error: { details: { field: string } } }).error.details.field,
    ).toBe('bucket');
  });
});
