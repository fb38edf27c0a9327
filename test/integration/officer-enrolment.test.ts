/**
 * Officers are people, on the real stack (gateway, PostgreSQL, Kafka): officers
 * are enrolled with keys of their own through the admin API; a draft by one and
 * an approval by another works; the same officer approving their own draft, a
 * token naming an officer but signed by the agency key, and an officer of
 * another agency of the same jurisdiction are refused; a revocation takes
 * effect at once, for tokens and console sessions alike.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  createJwsSigner,
  generateAgencyKeys,
  signOfficerToken,
  type GeneratedAgencyKeys,
  type JwsSigner,
  type OfficerRole,
} from '@liaison/crypto';
import { agencySigner, readAgencyKeyFile } from '@liaison/runtime';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import {
  DEMO_KEYS_DIR,
  ROOT,
  dropNamespaceDatabase,
  seedNamespace,
  startApp,
  stopApp,
  type StartedApp,
} from '../support/hub-processes';

const AUDIENCE = 'liaison-hub';

interface Officer {
  readonly agency: string;
  readonly id: string;
  readonly keys: GeneratedAgencyKeys;
  readonly signer: JwsSigner;
}

function newOfficer(agency: string, name: string): Officer {
  const keys = generateAgencyKeys('EdDSA');
  const id = `${name}-${randomUUID().slice(0, 8)}`;
  return {
    agency,
    id,
    keys,
    signer: createJwsSigner({ privateJwk: keys.privateJwk, kid: keys.kid, alg: 'EdDSA' }),
  };
}

function tokenOf(officer: Officer, roles: OfficerRole[], signer = officer.signer): string {
  return signOfficerToken(
    {
      agencyId: officer.agency,
      officerId: officer.id,
      roles,
      audience: AUDIENCE,
      jti: randomUUID(),
      now: Date.now,
    },
    signer,
  );
}

/** A demo officer's token, minted by the CLI's identity with the officer's own key. */
const demo = (agency: string, officer: string, roles: string): string =>
  new AgencyIdentity({ agency, keys: DEMO_KEYS_DIR, officer, roles }).token();

describe('officer enrolment: four eyes are two enrolled people', () => {
  let gateway: StartedApp | undefined;
  const alice = newOfficer('nl-knp', 'alice');
  const bob = newOfficer('nl-knp', 'bob');
  const mara = newOfficer('nl-kmar', 'mara');

  beforeAll(async () => {
    await seedNamespace();
    gateway = await startApp('gateway');
  }, 120_000);

  afterAll(async () => {
    await stopApp(gateway);
    await dropNamespaceDatabase();
  }, 30_000);

  async function call(
    method: 'GET' | 'POST',
    url: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`http://127.0.0.1:${gateway!.port}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }
  const codeOf = (answer: { body: Record<string, unknown> }): unknown =>
    (answer.body.error as { code?: string } | undefined)?.code;

  async function enrol(by: string, officer: Officer, roles: OfficerRole[]) {
    return call('POST', `/v1/admin/agencies/${officer.agency}/officers`, by, {
      officerId: officer.id,
      roles,
      jwk: officer.keys.publicJwk,
    });
  }

  function nlDraft(ruleId: string): Record<string, unknown> {
    const current = JSON.parse(
      readFileSync(path.join(ROOT, 'deploy/seed/policies/NL.json'), 'utf8'),
    ) as { jurisdiction: string; outbound: unknown[] };
    return {
      ...current,
      outbound: [
        ...current.outbound,
        {
          id: ruleId,
          effect: 'deny',
          to: { agencies: ['th-dsi'] },
          messageTypes: '*',
          description: 'Sharing with th-dsi paused pending review.',
        },
      ],
    };
  }

  async function draftBy(officer: Officer, ruleId: string): Promise<string> {
    const drafted = await call('POST', '/v1/policies/drafts', tokenOf(officer, ['policy-author']), {
      document: nlDraft(ruleId),
    });
    expect(drafted.status).toBe(201);
    return drafted.body.id as string;
  }

  it("enrols officers with their own keys (the agency's officer-admin or the hub admin), listed in the agency's JWKS", async () => {
    // nl-knp's officer administrator enrols alice; the hub's directory admin enrols bob and mara.
    const byNils = await enrol(demo('nl-knp', 'nils', 'officer-admin'), alice, [
      'policy-author',
      'policy-approver',
      'liaison',
    ]);
    expect(byNils.status).toBe(201);
    expect(byNils.body).toMatchObject({
      officerId: alice.id,
      kid: alice.keys.kid,
      status: 'active',
    });
    const admin = (): string => demo('hub-ops', 'ops-1', 'admin');
    expect((await enrol(admin(), bob, ['policy-author', 'policy-approver'])).status).toBe(201);
    expect((await enrol(admin(), mara, ['policy-approver'])).status).toBe(201);

    // An officer-admin of one agency cannot enrol into another; nor can roles exceed the agency's.
    const foreign = await enrol(
      demo('nl-knp', 'nils', 'officer-admin'),
      newOfficer('de-bka', 'x'),
      ['liaison'],
    );
    expect([foreign.status, codeOf(foreign)]).toEqual([403, 'officer.not-your-agency']);
    const beyond = await enrol(admin(), newOfficer('nl-knp', 'y'), ['admin']);
    expect([beyond.status, codeOf(beyond)]).toEqual([403, 'officer.role-not-grantable']);
    const twice = await enrol(admin(), { ...newOfficer('nl-knp', 'z'), id: alice.id }, ['liaison']);
    expect([twice.status, codeOf(twice)]).toEqual([409, 'officer.already-enrolled']);

    const jwks = await fetch(`http://127.0.0.1:${gateway!.port}/v1/directory/agencies/nl-knp/jwks`);
    const keys = ((await jwks.json()) as { keys: { kid: string; officer?: string }[] }).keys;
    expect(keys).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kid: alice.keys.kid, officer: alice.id }),
        expect.objectContaining({ kid: bob.keys.kid, officer: bob.id }),
      ]),
    );
    expect(
      keys.find((k) => k.kid === readAgencyKeyFile(DEMO_KEYS_DIR, 'nl-knp').signing.kid),
    ).toBeDefined();
  });

  it('a draft by one enrolled officer is approved by another', async () => {
    const id = await draftBy(alice, 'NL-TH-PAUSE-A');
    const approved = await call(
      'POST',
      `/v1/policies/drafts/${id}/approve`,
      tokenOf(bob, ['policy-approver']),
    );
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ id, status: 'approved' });
  });

  it('refuses the author approving their own draft', async () => {
    const id = await draftBy(alice, 'NL-TH-PAUSE-B');
    const self = await call(
      'POST',
      `/v1/policies/drafts/${id}/approve`,
      tokenOf(alice, ['policy-approver']),
    );
    expect([self.status, codeOf(self)]).toEqual([403, 'policy.self-approval']);
  });

  it('refuses a token naming an officer but signed by the agency key', async () => {
    const id = await draftBy(alice, 'NL-TH-PAUSE-C');
    const agencyKey = agencySigner(readAgencyKeyFile(DEMO_KEYS_DIR, 'nl-knp'));
    // Two names the agency writes in: neither is a person the hub knows.
    for (const name of [bob, { ...bob, id: 'somebody-else' }]) {
      const forged = await call(
        'POST',
        `/v1/policies/drafts/${id}/approve`,
        tokenOf(name, ['policy-approver'], agencyKey),
      );
      expect([forged.status, codeOf(forged)]).toEqual([401, 'token.officer-key-required']);
    }
  });

  it('refuses an officer of another agency of the same jurisdiction', async () => {
    const id = await draftBy(alice, 'NL-TH-PAUSE-D');
    const other = await call(
      'POST',
      `/v1/policies/drafts/${id}/approve`,
      tokenOf(mara, ['policy-approver']),
    );
    expect([other.status, codeOf(other)]).toEqual([403, 'policy.other-agency']);
  });

  it('revocation takes effect at once: tokens, console sessions and the JWKS', async () => {
    const id = await draftBy(alice, 'NL-TH-PAUSE-E');
    const session = await call('POST', '/v1/console/session', tokenOf(bob, ['policy-approver']));
    expect(session.status).toBe(201);
    const sessionToken = session.body.sessionToken as string;
    const before = await call('GET', '/v1/policies', sessionToken);
    expect(before.status).toBe(200);

    const revoked = await call(
      'POST',
      `/v1/admin/agencies/nl-knp/officers/${bob.id}/revoke`,
      demo('nl-knp', 'nils', 'officer-admin'),
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ officerId: bob.id, status: 'revoked' });

    const approve = await call(
      'POST',
      `/v1/policies/drafts/${id}/approve`,
      tokenOf(bob, ['policy-approver']),
    );
    expect([approve.status, codeOf(approve)]).toEqual([401, 'token.revoked-key']);
    const afterSession = await call('GET', '/v1/policies', sessionToken);
    expect(afterSession.status).toBe(401);
    const jwks = await fetch(`http://127.0.0.1:${gateway!.port}/v1/directory/agencies/nl-knp/jwks`);
    const kids = ((await jwks.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    expect(kids).not.toContain(bob.keys.kid);
  });
});
