/**
 * Hostile input against the refusal trace (issue 18 §3): refusals that never
 * reach a controller (a body the parser refuses, a body over the limit, an
 * unknown route) are logged too, and what a hostile request puts where the
 * log reads its metadata (correlation id, kid, issuer, message id, the path)
 * never reaches the law-enforcement log unless it fits its narrow pattern.
 */
import { DATABASE_URL } from '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { signAgencyToken } from '@liaison/crypto';
import { agencySigner, readAgencyKeyFile } from '@liaison/local-files';
import {
  DEMO_KEYS_DIR,
  dropNamespaceDatabase,
  eventually,
  seedNamespace,
  startApp,
  stopApp,
  type StartedApp,
} from '../support/hub-processes';

jest.setTimeout(180_000);

const SECRET = `Jane ${randomUUID().slice(0, 8)} born 2011`;
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function tokenOf(agency: string): string {
  return signAgencyToken(
    { agencyId: agency, audience: 'liaison-hub', jti: randomUUID(), now: Date.now },
    agencySigner(readAgencyKeyFile(DEMO_KEYS_DIR, agency)),
  );
}

describe('refusal trace: hostile requests', () => {
  let gateway: StartedApp;
  let url = '';
  let db: Client;

  beforeAll(async () => {
    await seedNamespace();
    db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    gateway = await startApp('gateway', { GATEWAY_MAX_BODY_BYTES: '2048' });
    url = `http://127.0.0.1:${gateway.port}`;
  });

  afterAll(async () => {
    await stopApp(gateway);
    await db?.end();
    await dropNamespaceDatabase();
  });

  /** Sends the request with a fresh correlation id; resolves with the status and its entry. */
  async function refused(
    path: string,
    init: RequestInit & { headers?: Record<string, string> },
  ): Promise<{ status: number; details: Record<string, unknown>; row: string }> {
    const correlationId = randomUUID();
    const res = await fetch(`${url}${path}`, {
      ...init,
      headers: { ...init.headers, 'x-correlation-id': correlationId },
    });
    const row = await eventually(
      async () =>
        (
          await db.query<{ details: Record<string, unknown> }>(
            `SELECT * FROM le_log WHERE action = 'REFUSAL' AND details->>'correlationId' = $1`,
            [correlationId],
          )
        ).rows[0],
      20_000,
      `the entry of ${path}`,
    );
    return { status: res.status, details: row.details, row: JSON.stringify(row) };
  }

  const publisher = (): Record<string, string> => ({
    authorization: `Bearer ${tokenOf('nl-knp')}`,
  });

  it.each([
    [
      'JSON the body parser refuses',
      '/v1/alerts',
      { method: 'POST', body: `{"narrative": "${SECRET}"`, type: 'application/json' },
      400,
      /^json\.malformed$/,
    ],
    [
      'a body over the size limit',
      '/v1/alerts',
      { method: 'POST', body: `${SECRET} `.repeat(200), type: 'application/sd+jwt' },
      413,
      /^request\.too-large$/,
    ],
    [
      'an unknown route',
      `/v1/${encodeURIComponent(SECRET)}`,
      { method: 'GET' },
      404,
      /^http\.404$/,
    ],
  ] as const)('%s: logged with its code, none of the input', async (_n, path, r, status, code) => {
    const entry = await refused(path, {
      method: r.method,
      headers: { ...publisher(), ...('type' in r ? { 'content-type': r.type } : {}) },
      body: 'body' in r ? r.body : undefined,
    });
    expect(entry.status).toBe(status);
    expect(String(entry.details.reasonCode)).toMatch(code);
    expect(entry.details.status).toBe(status);
    expect(entry.row).not.toContain(SECRET);
    expect(entry.row).not.toContain(encodeURIComponent(SECRET));
  });

  it('hostile values where the log reads its metadata are dropped, not written', async () => {
    const header = b64({ alg: 'EdDSA', typ: 'liaison-agency+jwt', kid: SECRET });
    const payload = b64({ iss: SECRET, messageId: SECRET, jti: SECRET });
    const forged = `${header}.${payload}.${'A'.repeat(86)}`;
    const correlationId = `${SECRET}\n`;
    const res = await fetch(`${url}/v1/alerts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${forged}`,
        'content-type': 'application/sd+jwt',
        'x-correlation-id': encodeURIComponent(correlationId),
      },
      body: forged,
    });
    expect(Math.floor(res.status / 100)).toBe(4);
    const rows = await eventually(
      async () => {
        const found = await db.query<{ details: Record<string, unknown> }>(
          `SELECT * FROM le_log WHERE action = 'REFUSAL' AND details->>'keyId' IS NULL
              AND details->>'agency' = 'unknown' AND details->>'source' = 'POST /v1/alerts'`,
        );
        return found.rows.length > 0 ? found.rows : undefined;
      },
      20_000,
      'the forged request entry',
    );
    for (const row of rows) {
      expect(JSON.stringify(row)).not.toContain(SECRET);
      expect(row.details).toMatchObject({
        attribution: 'unknown',
        keyId: null,
        messageKeyId: null,
        messageId: null,
      });
    }
  });
});
