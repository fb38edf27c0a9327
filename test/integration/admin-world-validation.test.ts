/**
 * One bad administrative change must never stop the hub for everyone (issue 18,
 * item 2). Against the real gateway, policy worker and audit app:
 *
 * - each admin write path with input that would leave a world that does not
 *   compile (or is otherwise invalid) is answered 4xx with the reason, stores
 *   nothing (checked in the database: rows and law-enforcement log), and other
 *   agencies' traffic goes on (publish → feed);
 * - a bad row written straight into the database (around the API) leaves all
 *   three apps serving the last world that compiled: /health/ready says
 *   degraded with the reason, the metrics say stale, traffic goes on; once the
 *   row is fixed they recover by themselves;
 * - an app that boots with no world that compiles is not ready (with the
 *   reason) and answers 503 world.unavailable, until the row is fixed.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { canonicalDigest, generateAgencyKeys, renderJwks, type Jwks } from '@liaison/crypto';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import { signMessage } from '../../apps/cli/src/message-signing';
import {
  DEMO_KEYS_DIR,
  ROOT,
  dropNamespaceDatabase,
  eventually,
  freePort,
  hubEnv,
  runNode,
  seedNamespace,
  startHub,
  stopApp,
  waitReady,
  type RunningHub,
  type StartedApp,
} from '../support/hub-processes';
import { freshMessage } from '../support/submissions';
import { announceDirectoryChange } from '../support/world-events';

const token = (agency: string, officer?: string, roles?: string): string =>
  new AgencyIdentity({ agency, keys: DEMO_KEYS_DIR, officer, roles }).token();
const ADMIN = (): string => token('hub-ops', 'ops-1', 'admin');

interface ErrorBody {
  error: { code: string; message: string; details?: { field?: string } };
}
interface Readiness {
  status: string;
  checks: Record<string, { status: string; reason?: string; error?: string }>;
}

describe('admin changes are validated against the whole world; loaders keep the last good one', () => {
  let hub: RunningHub;
  let db: Client;

  beforeAll(async () => {
    await seedNamespace();
    hub = await startHub();
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  }, 180_000);

  afterAll(async () => {
    await hub?.stop();
    await db?.end();
    await dropNamespaceDatabase();
  }, 60_000);

  const call = (
    method: 'GET' | 'POST',
    url: string,
    bearer?: string,
    body?: unknown,
  ): Promise<Response> =>
    fetch(`${hub.url}${url}`, {
      method,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    Number(
      (await db.query<{ n: string }>(`SELECT count(*) AS n FROM (${sql}) x`, params)).rows[0]?.n,
    );

  async function refused(res: Response, status: number, code: string): Promise<ErrorBody> {
    const body = (await res.json()) as ErrorBody;
    expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
    return body;
  }

  /** Another agency's traffic: nl-knp publishes over HTTP; ro-diicot reads it in its feed. */
  async function othersStillWork(): Promise<void> {
    const alert = freshMessage('alert-victim-at-risk', 'nl-knp');
    const { sdJwt } = await signMessage(
      new AgencyIdentity({ agency: 'nl-knp', keys: DEMO_KEYS_DIR }),
      alert,
    );
    const res = await fetch(`${hub.url}/v1/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token('nl-knp')}`, 'content-type': 'application/sd+jwt' },
      body: sdJwt,
    });
    expect(res.status).toBe(202);
    await eventually(
      async () => {
        const feed = await call('GET', '/v1/feed?after=0&limit=1000', token('ro-diicot'));
        expect(feed.status).toBe(200);
        const page = (await feed.json()) as { entries: { delivery: { messageId: string } }[] };
        return page.entries.find((e) => e.delivery.messageId === alert.messageId);
      },
      30_000,
      "ro-diicot's delivery of a fresh nl-knp alert",
    );
  }

  function registration(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const key = generateAgencyKeys('EdDSA');
    return {
      id,
      name: `Agency ${id}`,
      jurisdiction: 'NL',
      kind: 'LAW_ENFORCEMENT',
      acceptedPurposes: ['INVESTIGATION'],
      retentionDays: 30,
      jwks: renderJwks([{ kid: key.kid, alg: key.alg, publicJwk: key.publicJwk }]),
      ...extra,
    };
  }

  const agencyLeft = async (id: string): Promise<number> =>
    (await count(`SELECT 1 FROM agency WHERE id = $1`, [id])) +
    (await count(`SELECT 1 FROM agency_key WHERE agency_id = $1`, [id])) +
    (await count(`SELECT 1 FROM le_log WHERE subject = $1`, [`agency:${id}`]));

  it('register: an agency in an unknown group is refused (400 with the reason) and nothing is stored', async () => {
    const id = `zz-${randomUUID().slice(0, 8)}`;
    const body = await refused(
      await call('POST', '/v1/admin/agencies', ADMIN(), registration(id, { groups: ['NOPE'] })),
      400,
      'policy.unknown-group',
    );
    expect(body.error.message).toContain('NOPE');
    expect(await agencyLeft(id)).toBe(0);
    await othersStillWork();
  }, 60_000);

  it('register: groups that are not a list of names are refused and nothing is stored', async () => {
    const id = `zz-${randomUUID().slice(0, 8)}`;
    await refused(
      await call('POST', '/v1/admin/agencies', ADMIN(), registration(id, { groups: { EU: 1 } })),
      400,
      'directory.invalid',
    );
    expect(await agencyLeft(id)).toBe(0);
    await othersStillWork();
  }, 60_000);

  it('add key: a key for an unknown agency is refused and nothing is stored', async () => {
    const key = generateAgencyKeys('EdDSA');
    await refused(
      await call('POST', '/v1/admin/agencies/zz-nobody/keys', ADMIN(), {
        jwk: renderJwks([{ kid: key.kid, alg: key.alg, publicJwk: key.publicJwk }]).keys[0],
      }),
      404,
      'directory.unknown-agency',
    );
    expect(await count(`SELECT 1 FROM agency_key WHERE kid = $1`, [key.kid])).toBe(0);
    await othersStillWork();
  }, 60_000);

  it('add key: notAfter is kept (the key stops verifying then), or refused when not a future date-time', async () => {
    const jwkOf = () => {
      const key = generateAgencyKeys('EdDSA');
      return {
        kid: key.kid,
        jwk: renderJwks([{ kid: key.kid, alg: key.alg, publicJwk: key.publicJwk }]).keys[0],
      };
    };
    for (const notAfter of ['2020-01-01T00:00:00Z', 'next year', '2030-01-01', 42]) {
      const { kid, jwk } = jwkOf();
      const response = await call('POST', '/v1/admin/agencies/nl-knp/keys', ADMIN(), {
        jwk,
        notAfter,
      });
      const body = await refused(response, 400, 'directory.invalid');
      expect(body.error.details?.field).toBe('notAfter');
      expect(await count(`SELECT 1 FROM agency_key WHERE kid = $1`, [kid])).toBe(0);
    }
    const { kid, jwk } = jwkOf();
    const until = '2031-06-30T00:00:00Z';
    const added = await call('POST', '/v1/admin/agencies/nl-knp/keys', ADMIN(), {
      jwk,
      notAfter: until,
    });
    expect(added.status).toBe(201);
    expect(
      await count(`SELECT 1 FROM agency_key WHERE kid = $1 AND not_after = $2::timestamptz`, [
        kid,
        until,
      ]),
    ).toBe(1);
    await othersStillWork();
  }, 60_000);

  it('add key: a kid already registered is refused (409), not silently dropped', async () => {
    const jwks = (await (await call('GET', '/v1/directory/agencies/nl-knp/jwks')).json()) as Jwks;
    const existing = jwks.keys[0]!;
    const before = await count(`SELECT 1 FROM le_log WHERE subject = 'agency:nl-knp'`);
    await refused(
      await call('POST', '/v1/admin/agencies/nl-knp/keys', ADMIN(), { jwk: existing }),
      409,
      'key.duplicate-kid',
    );
    expect(await count(`SELECT 1 FROM le_log WHERE subject = 'agency:nl-knp'`)).toBe(before);
    await othersStillWork();
  }, 60_000);

  it('revoke: an unknown kid is refused and nothing is logged', async () => {
    const before = await count(`SELECT 1 FROM le_log WHERE subject = 'agency:nl-knp'`);
    await refused(
      await call('POST', '/v1/admin/agencies/nl-knp/keys/no-such-kid/revoke', ADMIN()),
      404,
      'key.unknown-kid',
    );
    expect(await count(`SELECT 1 FROM le_log WHERE subject = 'agency:nl-knp'`)).toBe(before);
    await othersStillWork();
  }, 60_000);

  it('policy draft: a rule naming an unknown group is refused and nothing is stored', async () => {
    const before = await count(`SELECT 1 FROM policy_version WHERE jurisdiction = 'NL'`);
    await refused(
      await call('POST', '/v1/policies/drafts', token('nl-knp', 'pia', 'policy-author'), {
        document: nlPolicyWith({ to: { groups: ['NOPE'] } }),
      }),
      400,
      'policy.unknown-group',
    );
    expect(await count(`SELECT 1 FROM policy_version WHERE jurisdiction = 'NL'`)).toBe(before);
    await othersStillWork();
  }, 60_000);

  const EU = { groups: ['EU'] };
  it.each([
    [
      'a misspelt addressed flag',
      { to: EU, adressed: true },
      'policy.invalid-document',
      'adressed',
    ],
    [
      'a non-boolean addressed flag',
      { to: EU, addressed: 'yes' },
      'policy.invalid-document',
      'addressed',
    ],
    [
      'a broadcast rule carrying TLP:RED',
      { to: EU, maxTlp: 'RED' },
      'policy.invalid-rule',
      'TLP:RED',
    ],
  ])(
    'policy draft: %s is refused and nothing is stored',
    async (_what, rule, code, reason) => {
      const before = await count(`SELECT 1 FROM policy_version WHERE jurisdiction = 'NL'`);
      const body = await refused(
        await call('POST', '/v1/policies/drafts', token('nl-knp', 'pia', 'policy-author'), {
          document: nlPolicyWith(rule),
        }),
        400,
        code,
      );
      expect(body.error.message).toContain(reason);
      expect(await count(`SELECT 1 FROM policy_version WHERE jurisdiction = 'NL'`)).toBe(before);
    },
    60_000,
  );

  it('policy draft: an addressed agreement up to TLP:RED is accepted', async () => {
    const document = nlPolicyWith({ to: EU, addressed: true, maxTlp: 'RED' });
    const res = await call('POST', '/v1/policies/drafts', token('nl-knp', 'pia', 'policy-author'), {
      document,
      statement: new AgencyIdentity({
        agency: 'nl-knp',
        keys: DEMO_KEYS_DIR,
        officer: 'pia',
        roles: 'policy-author',
      }).statement('policy.draft', 'policy:NL', { documentDigest: canonicalDigest(document) }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const stored = await db.query<{
      document: { outbound: { id: string; addressed?: boolean }[] };
    }>(`SELECT document FROM policy_version WHERE id = $1`, [id]);
    expect(stored.rows[0]?.document.outbound.find((r) => r.id === 'NL-BAD-01')).toMatchObject({
      addressed: true,
    });
  }, 60_000);

  /** The seeded NL policy with one more share rule. */
  function nlPolicyWith(rule: Record<string, unknown>): Record<string, unknown> {
    const current = JSON.parse(
      readFileSync(path.join(ROOT, 'deploy/seed/policies/NL.json'), 'utf8'),
    ) as { outbound: unknown[] };
    return {
      ...current,
      outbound: [
        ...current.outbound,
        {
          id: 'NL-BAD-01',
          effect: 'share',
          maxTlp: 'GREEN',
          maxHandlingCode: 'H1',
          purposes: ['INVESTIGATION'],
          ...rule,
        },
      ],
    };
  }

  const approvedNl = async (): Promise<string[]> =>
    (
      await db.query<{ id: string }>(
        `SELECT id FROM policy_version WHERE jurisdiction = 'NL' AND status = 'approved'`,
      )
    ).rows.map((r) => r.id);

  it.each([
    ['an unknown group', { to: { groups: ['NOPE'] } }, 'policy.unknown-group'],
    ['an unknown agency', { to: { agencies: ['zz-nobody'] } }, 'policy.unknown-agency'],
  ])(
    'approval: a draft whose rule names %s (the world would not compile) is refused; nothing changes',
    async (_what, rule, code) => {
      // A draft that was valid when drafted can be invalid when approved; stored here directly.
      const id = randomUUID();
      await db.query(
        `INSERT INTO policy_version (id, jurisdiction, version, document, status, author_officer, author_agency, author_kid)
         VALUES ($1, 'NL', $2, $3::jsonb, 'draft', 'pia', 'nl-knp',
           (SELECT kid FROM officer_key WHERE agency_id = 'nl-knp' AND officer_id = 'pia' AND status = 'active'))`,
        [id, `bad-${id}`, JSON.stringify(nlPolicyWith(rule))],
      );
      const approvedBefore = await approvedNl();
      const body = await refused(
        await call(
          'POST',
          `/v1/policies/drafts/${id}/approve`,
          token('nl-knp', 'quinn', 'policy-approver'),
          {
            // quinn's signed approval statement (ADR 0009): the world check is what refuses.
            statement: new AgencyIdentity({
              agency: 'nl-knp',
              keys: DEMO_KEYS_DIR,
              officer: 'quinn',
            }).statement('policy.approve', `policy-change:${id}`, { version: `bad-${id}` }),
          },
        ),
        400,
        code,
      );
      expect(body.error.message).toContain('nothing saved');
      const row = await db.query<{ status: string }>(
        `SELECT status FROM policy_version WHERE id = $1`,
        [id],
      );
      expect(row.rows[0]?.status).toBe('draft');
      expect(await approvedNl()).toEqual(approvedBefore);
      expect(await count(`SELECT 1 FROM le_log WHERE subject = $1`, [`policy:NL:${id}`])).toBe(0);
      await othersStillWork();
    },
    60_000,
  );

  async function readiness(port: number): Promise<{ http: number; body: Readiness }> {
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
    return { http: res.status, body: (await res.json()) as Readiness };
  }

  async function metrics(port: number): Promise<string> {
    return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  }

  const BAD_ROW = `INSERT INTO agency (id, name, jurisdiction, kind, groups)
    VALUES ('zz-direct', 'Written around the API', 'NL', 'LAW_ENFORCEMENT', '["NOPE"]'::jsonb)`;

  it('a bad row written straight into the database: every app serves the last good world, degraded and counted', async () => {
    await db.query(BAD_ROW);
    try {
      await announceDirectoryChange('zz-direct');
      const apps: StartedApp[] = [hub.gateway, hub.policy, hub.audit];
      for (const app of apps) {
        const ready = await eventually(
          async () => {
            const r = await readiness(app.port);
            return r.body.status === 'degraded' ? r : undefined;
          },
          30_000,
          `${app.name} readiness degraded`,
        );
        expect(ready.http).toBe(200);
        expect(ready.body.checks.world?.status).toBe('degraded');
        expect(ready.body.checks.world?.reason).toContain('policy.unknown-group');
        expect(ready.body.checks.world?.reason).toContain('NOPE');
        const text = await metrics(app.port);
        expect(text).toMatch(/^liaison_world_stale\{[^}]*\} 1$/m);
        expect(text).toMatch(
          /^liaison_world_compile_failures_total\{[^}]*code="policy.unknown-group"[^}]*\} [1-9]/m,
        );
      }

      // Other agencies' traffic goes on: publish, decide, project, read the feed.
      await othersStillWork();

      // A change waits: while the stored world does not compile, a new one is refused with the reason.
      const body = await refused(
        await call('POST', '/v1/admin/agencies', ADMIN(), registration('zz-waits')),
        400,
        'policy.unknown-group',
      );
      expect(body.error.message).toContain('zz-direct');
      expect(await agencyLeft('zz-waits')).toBe(0);
    } finally {
      await db.query(`DELETE FROM agency WHERE id = 'zz-direct'`);
    }

    // Fixed: each app recovers by itself (gateway at its next load, worker and audit on retry).
    for (const app of [hub.gateway, hub.policy, hub.audit]) {
      await eventually(
        async () => ((await readiness(app.port)).body.status === 'ok' ? true : undefined),
        30_000,
        `${app.name} readiness ok again`,
      );
      expect(await metrics(app.port)).toMatch(/^liaison_world_stale\{[^}]*\} 0$/m);
    }
    await othersStillWork();
  }, 180_000);

  it('officer enrolment goes through the same check: a world that does not compile refuses it', async () => {
    await db.query(BAD_ROW);
    try {
      const key = generateAgencyKeys('EdDSA');
      const body = await refused(
        await call('POST', '/v1/admin/agencies/nl-knp/officers', ADMIN(), {
          officerId: 'zoe',
          roles: ['liaison'],
          jwk: renderJwks([{ kid: key.kid, alg: key.alg, publicJwk: key.publicJwk }]).keys[0],
        }),
        400,
        'policy.unknown-group',
      );
      expect(body.error.message).toContain('nothing saved');
      expect(await count(`SELECT 1 FROM officer_key WHERE kid = $1`, [key.kid])).toBe(0);
    } finally {
      await db.query(`DELETE FROM agency WHERE id = 'zz-direct'`);
    }
  }, 60_000);

  it('an app that boots with no world that compiles is not ready, says why and refuses with 503 until fixed', async () => {
    await db.query(BAD_ROW);
    const port = await freePort();
    const child = runNode(
      'dist/apps/gateway/src/main.js',
      [],
      hubEnv({ GATEWAY_PORT: String(port) }),
    );
    const output: string[] = [];
    child.stdout?.on('data', (c: Buffer) => output.push(c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => output.push(c.toString('utf8')));
    const gateway: StartedApp = { name: 'gateway', process: child, port, output };
    try {
      const notReady = await eventually(
        async () => {
          try {
            const r = await readiness(port);
            return r.body.checks?.world ? r : undefined;
          } catch {
            return undefined;
          }
        },
        40_000,
        'the fresh gateway to answer readiness',
      );
      expect(notReady.http).toBe(503);
      expect(notReady.body.checks.world?.status).toBe('down');
      expect(notReady.body.checks.world?.error).toContain('policy.unknown-group');
      const res = await fetch(`http://127.0.0.1:${port}/v1/feed?after=0`, {
        headers: { authorization: `Bearer ${token('ro-diicot')}` },
      });
      await refused(res, 503, 'world.unavailable');

      await db.query(`DELETE FROM agency WHERE id = 'zz-direct'`);
      await waitReady(port, 30_000, child);
      const feed = await fetch(`http://127.0.0.1:${port}/v1/feed?after=0`, {
        headers: { authorization: `Bearer ${token('ro-diicot')}` },
      });
      expect(feed.status).toBe(200);
    } finally {
      await db.query(`DELETE FROM agency WHERE id = 'zz-direct'`);
      await stopApp(gateway);
    }
  }, 120_000);
});
