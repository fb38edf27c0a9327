/**
 * Every refusal leaves a trace oversight can read (issue 18 §3), on the real
 * stack (gateway, policy worker and audit app against Kafka and PostgreSQL, in
 * a namespace and database of this file's own): a submission signed with a
 * revoked key, one with an unknown kid, a replayed token, a wrong originator, a
 * contract error, unauthenticated garbage, and a poison record the worker
 * dead-letters each become one REFUSAL entry in the law-enforcement log, with
 * agency (and how it was established), key id, reason code, message and
 * correlation ids, and none of the message's content; oversight reads them
 * through GET /v1/audit/refusals and `liaison audit refusals`. A flood beyond
 * the per-agency limit becomes one counted entry.
 */
import { DATABASE_URL, NAMESPACE } from '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import type { Producer } from '@liaison/kafka';
import { Client } from 'pg';
import { codecFor, type Submission } from '@liaison/contracts';
import {
  generateAgencyKeys,
  issueSdJwt,
  signAgencyToken,
  createJwsSigner,
  type GeneratedAgencyKeys,
} from '@liaison/crypto';
import { agencySigner, readAgencyKeyFile } from '@liaison/local-files';
import { disclosablePathsOf } from '@liaison/messages';
import { createDataSource, type RefusalRecord } from '@liaison/persistence';
import {
  DEMO_KEYS_DIR,
  dropNamespaceDatabase,
  eventually,
  runCli,
  seedNamespace,
  startHub,
  type RunningHub,
} from '../support/hub-processes';
import { announceDirectoryChange } from '../support/world-events';
import { DeadLetterLog } from '../../apps/audit/src/dead-letter-log';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import {
  deadLetterCodec,
  kafkaClient,
  readCommitted,
  signedMessage,
  topicsOf,
  type SignedMessage,
} from '../chaos/chaos-support';

jest.setTimeout(5 * 60_000);

const AUDIENCE = 'liaison-hub';
const LIMIT = 4;
const WINDOW_MS = 6000;
const submissionCodec = codecFor('Submission');

interface Answer {
  readonly status: number;
  readonly code: string | undefined;
}

interface LogRow {
  readonly id: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly justification: string;
  readonly details: Record<string, unknown>;
}

function tokenOf(agency: string, keys?: GeneratedAgencyKeys, issuer = agency): string {
  const signer = keys
    ? createJwsSigner({ privateJwk: keys.privateJwk, kid: keys.kid, alg: 'EdDSA' })
    : agencySigner(readAgencyKeyFile(DEMO_KEYS_DIR, agency));
  return signAgencyToken(
    { agencyId: issuer, audience: AUDIENCE, jti: randomUUID(), now: Date.now },
    signer,
  );
}

/** Oversight, as the CLI's identity with olga's own enrolled key. */
const oversight = (): AgencyIdentity =>
  new AgencyIdentity({
    agency: 'eu-dpo',
    keys: DEMO_KEYS_DIR,
    officer: 'olga',
    roles: 'oversight',
  });

/** Signs `json` as `issuer` with a key of the test's choosing (not one from the key files). */
async function signWith(
  keys: GeneratedAgencyKeys,
  json: Record<string, unknown>,
  issuer: string,
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return issueSdJwt({
    claims: {
      ...json,
      jti: json.messageId,
      iss: issuer,
      iat,
      exp: iat + 3600,
      liaison_kind: 'ALERT',
    },
    disclosablePaths: disclosablePathsOf('ALERT'),
    signer: { privateJwk: keys.privateJwk, kid: keys.kid, alg: 'EdDSA' },
  });
}

/** Every string in a message that is content (ids, agency names and timestamps aside). */
function contentStrings(json: unknown, out: string[] = []): string[] {
  if (typeof json === 'string') {
    // Dates and agency ids (which the entry names on purpose) are not content.
    if (json.length >= 5 && !/^\d{4}-\d{2}-\d{2}/.test(json) && !/^[a-z]{2,5}-[a-z]+$/.test(json))
      out.push(json);
  } else if (Array.isArray(json)) for (const v of json) contentStrings(v, out);
  else if (json && typeof json === 'object')
    for (const [k, v] of Object.entries(json))
      if (!['messageId', 'originatorAgency'].includes(k)) contentStrings(v, out);
  return out;
}

describe('refusal trace: every refusal in the law-enforcement log', () => {
  const topics = topicsOf(NAMESPACE);
  let hub: RunningHub;
  let db: Client;
  let producer: Producer;

  async function publish(
    sdJwt: string,
    token: string,
    correlationId = randomUUID(),
  ): Promise<Answer> {
    const res = await fetch(`${hub.url}/v1/alerts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/sd+jwt',
        'x-correlation-id': correlationId,
      },
      body: sdJwt,
    });
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
    return { status: res.status, code: body.error?.code };
  }

  async function refusalRows(where: string, params: unknown[]): Promise<LogRow[]> {
    const { rows } = await db.query<LogRow>(
      `SELECT id, actor, action, subject, justification, details FROM le_log
        WHERE action = 'REFUSAL' AND ${where} ORDER BY id`,
      params,
    );
    return rows;
  }

  /** Waits for the REFUSAL entry with this correlation id (written off the request path). */
  function entryOf(correlationId: string): Promise<LogRow> {
    return eventually(
      async () =>
        (await refusalRows(`details->>'correlationId' = $1`, [correlationId]))[0] ?? undefined,
      20_000,
      `the refusal entry of ${correlationId}`,
    );
  }

  async function oversightRefusals(query: string): Promise<RefusalRecord[]> {
    const target = `/v1/audit/refusals?${query}`;
    const res = await fetch(`${hub.url}${target}`, {
      headers: {
        authorization: `Bearer ${oversight().token()}`,
        'x-justification': oversight().auditJustification('GET', target, 'refusal trace test'),
      },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { refusals: RefusalRecord[] }).refusals;
  }

  function expectNoContent(row: LogRow, message: SignedMessage | Record<string, unknown>): void {
    const text = JSON.stringify(row);
    const json = 'json' in message ? message.json : message;
    for (const s of contentStrings(json))
      expect({ s, found: text.includes(s) }).toEqual({ s, found: false });

    if ('sdJwt' in message) expect(text).not.toContain(String(message.sdJwt).slice(0, 40));
  }

  beforeAll(async () => {
    await seedNamespace();
    db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    producer = kafkaClient(`refusals-${NAMESPACE}`).producer();
    await producer.connect();
    hub = await startHub({
      GATEWAY_REFUSAL_LOG_LIMIT: String(LIMIT),
      GATEWAY_REFUSAL_LOG_WINDOW_MS: String(WINDOW_MS),
    });
  });

  afterAll(async () => {
    await hub?.stop();
    await producer?.disconnect().catch(() => undefined);
    await db?.end();
    await dropNamespaceDatabase();
  });

  it('a submission signed with a revoked key: 401 sdjwt.revoked-key, logged with its kid', async () => {
    const revoked = generateAgencyKeys('EdDSA');
    await db.query(
      `INSERT INTO agency_key (agency_id, kid, use, alg, public_jwk, not_before, status, revoked_at)
       VALUES ('de-bka', $1, 'sig', 'EdDSA', $2, now() - interval '1 day', 'revoked', now() - interval '1 hour')`,
      [revoked.kid, JSON.stringify(revoked.publicJwk)],
    );
    // Written around the API: the announcement is what makes the gateway reload.
    await announceDirectoryChange('de-bka', 'DE');
    const { m, sdJwt, correlationId, answer } = await eventually(
      async () => {
        const attempt = await signedMessage('alert-suspect-movement.json');
        const token = await signWith(revoked, attempt.json, 'de-bka');
        const id = randomUUID();
        const refused = await publish(token, tokenOf('de-bka'), id);
        return refused.code === 'sdjwt.unknown-kid'
          ? undefined
          : { m: attempt, sdJwt: token, correlationId: id, answer: refused };
      },
      20_000,
      'the gateway to hear of the revoked key',
    );
    expect(answer).toEqual({ status: 401, code: 'sdjwt.revoked-key' });
    const row = await entryOf(correlationId);
    expect(row).toMatchObject({ actor: 'hub', action: 'REFUSAL', subject: m.messageId });
    expect(row.details).toMatchObject({
      stage: 'gateway',
      reasonCode: 'sdjwt.revoked-key',
      status: 401,
      agency: 'de-bka',
      attribution: 'verified',
      keyId: readAgencyKeyFile(DEMO_KEYS_DIR, 'de-bka').signing.kid,
      messageKeyId: revoked.kid,
      messageId: m.messageId,
      correlationId,
      source: 'POST /v1/alerts',
    });
    expectNoContent(row, { ...m, sdJwt });
    const seen = await oversightRefusals(`reason=sdjwt.revoked-key`);
    expect(seen.map((r) => [r.messageId, r.agency, r.attribution])).toContainEqual([
      m.messageId,
      'de-bka',
      'verified',
    ]);
  });

  it('a submission signed with an unknown kid: 401 sdjwt.unknown-kid, logged', async () => {
    const stranger = generateAgencyKeys('EdDSA');
    const m = await signedMessage('alert-suspect-movement.json');
    const sdJwt = await signWith(stranger, m.json, m.originator);
    const correlationId = randomUUID();
    expect(await publish(sdJwt, tokenOf(m.originator), correlationId)).toEqual({
      status: 401,
      code: 'sdjwt.unknown-kid',
    });
    const row = await entryOf(correlationId);
    expect(row.details).toMatchObject({
      reasonCode: 'sdjwt.unknown-kid',
      agency: m.originator,
      attribution: 'verified',
      messageKeyId: stranger.kid,
      messageId: m.messageId,
    });
    expectNoContent(row, { ...m, sdJwt });
    const seen = await oversightRefusals(`reason=sdjwt.&agency=${m.originator}`);
    expect(seen.map((r) => r.correlationId)).toContain(correlationId);
  });

  it('a replayed token: 409 token.replayed, the agency only claimed (the token did not verify)', async () => {
    const token = tokenOf('nl-knp');
    const first = await fetch(`${hub.url}/v1/feed`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(first.status).toBe(200);
    const correlationId = randomUUID();
    const again = await fetch(`${hub.url}/v1/feed`, {
      headers: { authorization: `Bearer ${token}`, 'x-correlation-id': correlationId },
    });
    expect(again.status).toBe(409);
    const row = await entryOf(correlationId);
    expect(row.details).toMatchObject({
      reasonCode: 'token.replayed',
      status: 409,
      agency: 'nl-knp',
      attribution: 'claimed',
      keyId: readAgencyKeyFile(DEMO_KEYS_DIR, 'nl-knp').signing.kid,
      messageId: null,
      source: 'GET /v1/feed',
    });
    const seen = await oversightRefusals('reason=token.replayed&attribution=claimed');
    expect(seen.map((r) => r.correlationId)).toContain(correlationId);
  });

  it("another agency's message: 403 submission.wrong-originator, the publisher verified", async () => {
    const m = await signedMessage('alert-suspect-movement.json');
    const correlationId = randomUUID();
    expect(await publish(m.sdJwt, tokenOf('nl-knp'), correlationId)).toEqual({
      status: 403,
      code: 'submission.wrong-originator',
    });
    const row = await entryOf(correlationId);
    expect(row.details).toMatchObject({
      reasonCode: 'submission.wrong-originator',
      agency: 'nl-knp',
      attribution: 'verified',
      messageKeyId: readAgencyKeyFile(DEMO_KEYS_DIR, m.originator).signing.kid,
      messageId: m.messageId,
    });
    expectNoContent(row, m);
  });

  it('a contract error: 400 contract.*, logged without the offending values', async () => {
    const m = await signedMessage('alert-victim-at-risk.json');
    const json = { ...m.json, urgency: 'NOT-A-PRIORITY' };
    const keys = readAgencyKeyFile(DEMO_KEYS_DIR, m.originator).signing;
    const iat = Math.floor(Date.now() / 1000);
    const sdJwt = await issueSdJwt({
      claims: {
        ...json,
        jti: m.messageId,
        iss: m.originator,
        iat,
        exp: iat + 3600,
        liaison_kind: 'ALERT',
      },
      disclosablePaths: disclosablePathsOf('ALERT'),
      signer: {
        privateJwk: keys.privateJwk,
        kid: keys.kid,
        alg: keys.alg === 'ES256' ? 'ES256' : 'EdDSA',
      },
    });
    const correlationId = randomUUID();
    const answer = await publish(sdJwt, tokenOf(m.originator), correlationId);
    expect(answer.status).toBe(400);
    expect(answer.code).toMatch(/^contract\./);
    const row = await entryOf(correlationId);
    expect(row.details).toMatchObject({
      reasonCode: answer.code,
      status: 400,
      agency: m.originator,
      attribution: 'verified',
      messageId: m.messageId,
    });
    expectNoContent(row, { ...m, json, sdJwt });
    expect(JSON.stringify(row)).not.toContain('NOT-A-PRIORITY');
  });

  it('garbage without a usable token: the claimed agency is kept apart from a verified one', async () => {
    const forger = generateAgencyKeys('EdDSA');
    const claimedKnown = randomUUID();
    const claimedUnknown = randomUUID();
    const noToken = randomUUID();
    const feed = (token: string | null, correlationId: string) =>
      fetch(`${hub.url}/v1/feed`, {
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          'x-correlation-id': correlationId,
        },
      });
    expect((await feed(tokenOf('ro-diicot', forger), claimedKnown)).status).toBe(401);
    expect((await feed(tokenOf('zz-made-up', forger), claimedUnknown)).status).toBe(401);
    expect((await feed(null, noToken)).status).toBe(401);
    expect((await entryOf(claimedKnown)).details).toMatchObject({
      reasonCode: 'token.unknown-kid',
      agency: 'ro-diicot',
      attribution: 'claimed',
      keyId: forger.kid,
    });
    // A name the directory does not hold is not kept (nor does it get a window of its own).
    expect((await entryOf(claimedUnknown)).details).toMatchObject({
      reasonCode: 'token.unknown-kid',
      agency: 'unknown',
      attribution: 'unknown',
    });
    expect((await entryOf(noToken)).details).toMatchObject({
      reasonCode: 'auth.missing-token',
      agency: 'unknown',
      attribution: 'unknown',
      keyId: null,
    });
  });

  it('a poison record the worker dead-letters: logged once by the audit app, without content', async () => {
    const m = await signedMessage('alert-victim-at-risk.json');
    const claimed = m.originator === 'nl-knp' ? 'de-bka' : 'nl-knp';
    const correlationId = randomUUID();
    // Signed by the originator but submitted in another agency's name: the worker refuses it.
    const submission: Submission = {
      messageId: m.messageId,
      kind: m.kind,
      originatorAgency: claimed,
      sdJwt: m.sdJwt,
      custodial: false,
      receivedAt: new Date().toISOString(),
      idempotencyKey: null,
      caseRef: null,
      correlationId,
      releaseOf: null,
    };
    await producer.send({
      topic: topics.submissions,
      messages: [{ key: m.messageId, value: submissionCodec.encode(submission) }],
    });
    const row = await entryOf(correlationId);
    expect(row).toMatchObject({ action: 'REFUSAL', subject: m.messageId });
    expect(row.details).toMatchObject({
      stage: 'worker',
      reasonCode: 'submission.originator-mismatch',
      status: null,
      agency: claimed,
      attribution: 'claimed',
      messageKeyId: readAgencyKeyFile(DEMO_KEYS_DIR, m.originator).signing.kid,
      messageId: m.messageId,
      correlationId,
    });
    expect(String(row.details.source)).toMatch(
      new RegExp(`^${topics.submissions.replace(/\./g, '\\.')}/\\d+/\\d+$`),
    );
    expectNoContent(row, m);
    const seen = await oversightRefusals('stage=worker');
    expect(seen.filter((r) => r.correlationId === correlationId)).toHaveLength(1);
    // The same letter delivered again (a crash before the offset commit) adds nothing.
    const letters = await readCommitted([topics.deadLetters]);
    const raw = letters.find(
      (l) =>
        l.key?.startsWith(`${topics.submissions}:`) &&
        deadLetterCodec.decode(l.value ?? Buffer.alloc(0)).messageId === m.messageId,
    );
    expect(raw).toBeDefined();
    const ds = createDataSource({ url: DATABASE_URL, poolSize: 1 });
    await ds.initialize();
    try {
      const again = new DeadLetterLog(kafkaClient(`refusals-again-${NAMESPACE}`), ds);
      const letter = deadLetterCodec.decode(raw?.value ?? Buffer.alloc(0));
      const record = {
        topic: topics.deadLetters,
        partition: 0,
        offset: '0',
        key: null,
        value: letter,
        bytes: Buffer.alloc(0),
        headers: {},
        timestamp: '0',
      };
      await again.handle([record]);
      await again.handle([record]);
    } finally {
      await ds.destroy();
    }
    expect(await refusalRows(`details->>'correlationId' = $1`, [correlationId])).toHaveLength(1);
  });

  it('a flood beyond the limit: the first entries listed, the rest one counted entry', async () => {
    const forger = generateAgencyKeys('EdDSA');
    const extra = 7;
    // Start at the beginning of a window so the whole flood falls in one.
    while (Date.now() % WINDOW_MS > WINDOW_MS / 3) await new Promise((r) => setTimeout(r, 50));
    const windowStart = new Date(Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS).toISOString();
    const answers = await Promise.all(
      Array.from({ length: LIMIT + extra }, () =>
        fetch(`${hub.url}/v1/feed`, {
          headers: { authorization: `Bearer ${tokenOf('th-dsi', forger)}` },
        }).then((r) => r.status),
      ),
    );
    expect(answers.every((s) => s === 401)).toBe(true);
    const aggregate = await eventually(
      async () =>
        (
          await refusalRows(
            `details->>'agency' = 'th-dsi' AND details->>'aggregate' = 'true' AND details->>'windowStart' = $1`,
            [windowStart],
          )
        )[0] ?? undefined,
      WINDOW_MS * 3,
      'the aggregate entry',
    );
    expect(aggregate.details).toMatchObject({
      stage: 'gateway',
      aggregate: true,
      agency: 'th-dsi',
      attribution: 'claimed',
      count: extra,
      reasonCodes: { 'token.unknown-kid': extra },
    });
    const listed = await refusalRows(`details->>'agency' = 'th-dsi' AND details->>'keyId' = $1`, [
      forger.kid,
    ]);
    expect(listed).toHaveLength(LIMIT);
    const seen = await oversightRefusals('agency=th-dsi');
    expect(seen.filter((r) => r.aggregate).map((r) => r.count)).toEqual([extra]);
  });

  it('`liaison audit refusals` shows them to oversight, counted entries with their count', async () => {
    const r = await runCli([
      '--hub',
      hub.url,
      '--agency',
      'eu-dpo',
      '--officer',
      'olga',
      '--roles',
      'oversight',
      'audit',
      'refusals',
      '--justification',
      'refusal trace test',
    ]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^ID\s+AT \(UTC\)\s+STAGE\s+AGENCY\s+STATUS\s+REASON/m);
    expect(r.stdout).toMatch(/gateway\s+de-bka \(verified\)\s+401\s+sdjwt\.revoked-key/);
    expect(r.stdout).toMatch(/worker\s+de-bka \(claimed\)\s+-\s+submission\.originator-mismatch/);
    expect(r.stdout).toMatch(/th-dsi \(claimed\)\s+-\s+token\.unknown-kidx7\s.*7 counted$/m);
    expect(r.stdout).toMatch(/\d+ entries, \d+ refusal\(s\)$/m);
    const json = await runCli([
      '--hub',
      hub.url,
      '--agency',
      'eu-dpo',
      '--officer',
      'olga',
      '--roles',
      'oversight',
      '--json',
      'audit',
      'refusals',
      '--stage',
      'worker',
      '--justification',
      'refusal trace test',
    ]);
    const page = JSON.parse(json.stdout) as { refusals: RefusalRecord[] };
    expect(page.refusals.length).toBeGreaterThan(0);
    expect(page.refusals.every((x) => x.stage === 'worker')).toBe(true);
  });
});
