/**
 * Officers are people, on the real stack (gateway, PostgreSQL, Kafka): officers
 * are enrolled with keys of their own through the admin API; a draft by one and
 * an approval by another works; the same officer approving their own draft, a
 * token naming an officer but signed by the agency key, and an officer of
 * another agency of the same jurisdiction are refused; a revocation takes
 * effect at once, for tokens and console sessions alike; every draft and
 * decision is the officer's signed statement, kept in the statement log, which
 * verifies; every audit read rests on the reading officer's signed
 * justification bound to that request (or attached to their console session),
 * refused with its own reason code otherwise.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  OfficerDirectory,
  auditReadStatement,
  canonicalDigest,
  consoleJustificationStatement,
  createJwsSigner,
  generateAgencyKeys,
  newStatement,
  signOfficerStatement,
  signOfficerToken,
  verifyOfficerStatement,
  type GeneratedAgencyKeys,
  type JwsSigner,
  type OfficerRole,
  type StatementAct,
  type StatementClaims,
} from '@liaison/crypto';
import {
  agencySigner,
  officerSigner,
  readAgencyKeyFile,
  readOfficerKeyFile,
} from '@liaison/local-files';
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
// A loaded machine answers slowly; each test makes a handful of requests.
jest.setTimeout(60_000);

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

function statementBy(
  officer: Officer,
  act: StatementAct,
  subject: string,
  claims: StatementClaims,
): string {
  return signOfficerStatement(
    newStatement({
      iss: officer.agency,
      sub: officer.id,
      act,
      subject,
      claims,
      jti: randomUUID(),
      now: Date.now,
    }),
    officer.signer,
  );
}

/** A demo officer's token, minted by the CLI's identity with the officer's own key. */
const demo = (agency: string, officer: string, roles: string): string =>
  new AgencyIdentity({ agency, keys: DEMO_KEYS_DIR, officer, roles }).token();

describe('officer enrolment: four eyes are two enrolled people', () => {
  let gateway: StartedApp | undefined;
  /** A second gateway: it learns of enrolments and revocations made through the first. */
  let other: StartedApp | undefined;
  const alice = newOfficer('nl-knp', 'alice');
  const bob = newOfficer('nl-knp', 'bob');
  const mara = newOfficer('nl-kmar', 'mara');

  beforeAll(async () => {
    await seedNamespace();
    [gateway, other] = await Promise.all([startApp('gateway'), startApp('gateway')]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([stopApp(gateway), stopApp(other)]);
    await dropNamespaceDatabase();
  }, 30_000);

  async function call(
    method: 'GET' | 'POST',
    url: string,
    token: string,
    body?: unknown,
    at = gateway,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`http://127.0.0.1:${at!.port}${url}`, {
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

  const versions = new Map<string, string>();

  async function draftBy(officer: Officer, ruleId: string): Promise<string> {
    const document = nlDraft(ruleId);
    const drafted = await call('POST', '/v1/policies/drafts', tokenOf(officer, ['policy-author']), {
      document,
      statement: statementBy(officer, 'policy.draft', 'policy:NL', {
        documentDigest: canonicalDigest(document),
      }),
    });
    expect(drafted.status).toBe(201);
    const receipt = drafted.body.statement as { seq: unknown; hash: unknown };
    expect([typeof receipt.seq, typeof receipt.hash]).toEqual(['number', 'string']);
    versions.set(drafted.body.id as string, drafted.body.version as string);
    return drafted.body.id as string;
  }

  /** `by` approves change `id` with their token and their own signed statement. */
  function approveAs(by: Officer, id: string, token = tokenOf(by, ['policy-approver'])) {
    return call('POST', `/v1/policies/drafts/${id}/approve`, token, {
      statement: statementBy(by, 'policy.approve', `policy-change:${id}`, {
        version: versions.get(id) ?? null,
      }),
    });
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
    const approved = await approveAs(bob, id);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ id, status: 'approved' });
    expect(typeof (approved.body.statement as { seq: unknown }).seq).toBe('number');
    const listed = await call('GET', '/v1/policies', tokenOf(alice, ['policy-author']));
    expect(
      (listed.body as unknown as { id: string; approver: string }[]).find((p) => p.id === id),
    ).toMatchObject({ approver: `nl-knp/${bob.id}` });
  });

  it("refuses a draft or decision without the officer's own signed statement, or a statement for another act", async () => {
    const document = nlDraft('NL-TH-PAUSE-S');
    const unsigned = await call('POST', '/v1/policies/drafts', tokenOf(alice, ['policy-author']), {
      document,
    });
    expect([unsigned.status, codeOf(unsigned)]).toEqual([400, 'statement.required']);
    const otherDocument = await call(
      'POST',
      '/v1/policies/drafts',
      tokenOf(alice, ['policy-author']),
      {
        document,
        statement: statementBy(alice, 'policy.draft', 'policy:NL', {
          documentDigest: canonicalDigest(nlDraft('SOMETHING-ELSE')),
        }),
      },
    );
    expect([otherDocument.status, codeOf(otherDocument)]).toEqual([400, 'statement.mismatch']);
    const id = await draftBy(alice, 'NL-TH-PAUSE-T');
    // bob's token carrying alice's signed approval: not his statement.
    const borrowed = await call(
      'POST',
      `/v1/policies/drafts/${id}/approve`,
      tokenOf(bob, ['policy-approver']),
      {
        statement: statementBy(alice, 'policy.approve', `policy-change:${id}`, {
          version: versions.get(id) ?? null,
        }),
      },
    );
    expect([borrowed.status, codeOf(borrowed)]).toEqual([403, 'statement.not-yours']);
  });

  it('a rejection carries a signed reason and names a rejecter, not an approver', async () => {
    const id = await draftBy(alice, 'NL-TH-PAUSE-R');
    const reason = 'pausing th-dsi needs the liaison board';
    const rejected = await call(
      'POST',
      `/v1/policies/drafts/${id}/reject`,
      tokenOf(bob, ['policy-approver']),
      {
        reason,
        statement: statementBy(bob, 'policy.reject', `policy-change:${id}`, {
          version: versions.get(id) ?? null,
          reason,
        }),
      },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ id, status: 'rejected' });
    const listed = await call('GET', '/v1/policies', tokenOf(alice, ['policy-author']));
    expect(
      (listed.body as unknown as Record<string, unknown>[]).find((p) => p.id === id),
    ).toMatchObject({
      status: 'rejected',
      approver: null,
      rejectedBy: `nl-knp/${bob.id}`,
      rejectionReason: reason,
    });
  });

  it('refuses the author approving their own draft', async () => {
    const id = await draftBy(alice, 'NL-TH-PAUSE-B');
    const self = await approveAs(alice, id);
    expect([self.status, codeOf(self)]).toEqual([403, 'policy.self-approval']);
  });

  it('refuses a token naming an officer but signed by the agency key', async () => {
    const id = await draftBy(alice, 'NL-TH-PAUSE-C');
    const agencyKey = agencySigner(readAgencyKeyFile(DEMO_KEYS_DIR, 'nl-knp'));
    // Two names the agency writes in: neither is a person the hub knows.
    for (const name of [bob, { ...bob, id: 'somebody-else' }]) {
      const forged = await approveAs(bob, id, tokenOf(name, ['policy-approver'], agencyKey));
      expect([forged.status, codeOf(forged)]).toEqual([401, 'token.officer-key-required']);
    }
  });

  it('refuses an officer of another agency of the same jurisdiction', async () => {
    const id = await draftBy(alice, 'NL-TH-PAUSE-D');
    const other = await approveAs(mara, id);
    expect([other.status, codeOf(other)]).toEqual([403, 'policy.other-agency']);
  });

  it('revocation takes effect at once: tokens, console sessions and the JWKS', async () => {
    const id = await draftBy(alice, 'NL-TH-PAUSE-E');
    const session = await call('POST', '/v1/console/session', tokenOf(bob, ['policy-approver']));
    expect(session.status).toBe(201);
    const sessionToken = session.body.sessionToken as string;
    const before = await call('GET', '/v1/policies', sessionToken);
    expect(before.status).toBe(200);
    // Enrolled through the first gateway, bob is known to the second as well.
    const bobsToken = tokenOf(bob, ['policy-approver']);
    expect((await call('GET', '/v1/policies', bobsToken, undefined, other)).status).toBe(200);

    const revoked = await call(
      'POST',
      `/v1/admin/agencies/nl-knp/officers/${bob.id}/revoke`,
      demo('nl-knp', 'nils', 'officer-admin'),
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ officerId: bob.id, status: 'revoked' });

    const approve = await approveAs(bob, id);
    expect([approve.status, codeOf(approve)]).toEqual([401, 'token.revoked-key']);
    // The other gateway hears the revocation on hub.directory.v1 (no polling): refused there too.
    const heardAt = Date.now();
    let there = await call(
      'GET',
      '/v1/policies',
      tokenOf(bob, ['policy-approver']),
      undefined,
      other,
    );
    while (there.status === 200 && Date.now() - heardAt < 5000) {
      await new Promise((r) => setTimeout(r, 50));
      there = await call(
        'GET',
        '/v1/policies',
        tokenOf(bob, ['policy-approver']),
        undefined,
        other,
      );
    }
    expect([there.status, codeOf(there)]).toEqual([401, 'token.revoked-key']);
    const afterSession = await call('GET', '/v1/policies', sessionToken);
    expect(afterSession.status).toBe(401);
    const jwks = await fetch(`http://127.0.0.1:${gateway!.port}/v1/directory/agencies/nl-knp/jwks`);
    const kids = ((await jwks.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    expect(kids).not.toContain(bob.keys.kid);
  });

  it('keeps every draft and decision as a signed statement in the statement log, which verifies (revocation does not undo history)', async () => {
    const olga = new AgencyIdentity({
      agency: 'eu-dpo',
      keys: DEMO_KEYS_DIR,
      officer: 'olga',
      roles: 'oversight',
    });
    const read = async (url: string) => {
      const response = await fetch(`http://127.0.0.1:${gateway!.port}${url}`, {
        headers: {
          authorization: `Bearer ${olga.token()}`,
          'x-justification': olga.auditJustification('GET', url, 'statement log check'),
        },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const verified = await read('/v1/audit/statements/verify');
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true, findings: [] });
    expect(verified.body.rows).toBeGreaterThanOrEqual(8);

    const all = await read('/v1/audit/statements');
    const statements = all.body.statements as {
      seq: number;
      officerId: string;
      act: string;
      subject: string;
      jws: string;
      hash: string;
    }[];
    const acts = new Set(statements.map((r) => `${r.officerId}:${r.act}`));
    expect(acts).toEqual(
      new Set([
        `${alice.id}:policy.draft`,
        `${bob.id}:policy.approve`,
        `${bob.id}:policy.reject`,
        // the two reads above: each is olga's own signed justification
        'olga:audit.read',
      ]),
    );
    // Each statement is the officer's own: it verifies offline with the key their agency
    // enrolled for them, and with no other officer's.
    const bobs = statements.find((r) => r.act === 'policy.approve');
    const enrolment = {
      agencyId: 'nl-knp',
      kid: bob.keys.kid,
      alg: 'EdDSA' as const,
      publicJwk: bob.keys.publicJwk,
      roles: ['policy-approver'],
      status: 'active' as const,
      enrolledAt: 0,
    };
    expect(
      verifyOfficerStatement(bobs!.jws, {
        officers: new OfficerDirectory([{ ...enrolment, officerId: bob.id }]),
        mode: 'history',
      }).statement,
    ).toMatchObject({ iss: 'nl-knp', sub: bob.id, act: 'policy.approve' });
    expect(() =>
      verifyOfficerStatement(bobs!.jws, {
        officers: new OfficerDirectory([{ ...enrolment, officerId: alice.id }]),
        mode: 'history',
      }),
    ).toThrow('is enrolled for another officer');
  });

  describe("audit reads rest on the reading officer's signed justification", () => {
    const anna = new AgencyIdentity({
      agency: 'nl-knp',
      keys: DEMO_KEYS_DIR,
      officer: 'anna',
      roles: 'liaison',
    });
    const annaSigner = (): JwsSigner =>
      officerSigner(readOfficerKeyFile(DEMO_KEYS_DIR, 'nl-knp', 'anna'));
    const TARGET = '/v1/audit/records?direction=sent&limit=5';

    /** An audit.read statement for `target`, with the parts a test wants wrong. */
    function readStatement(
      target: string,
      o: { signer?: JwsSigner; sub?: string; iat?: number; justification?: string } = {},
    ): string {
      const expected = auditReadStatement('GET', target, o.justification ?? 'case NL-7 review');
      return signOfficerStatement(
        {
          iss: 'nl-knp',
          sub: o.sub ?? 'anna',
          ...expected,
          iat: o.iat ?? Math.floor(Date.now() / 1000),
          jti: randomUUID(),
        },
        o.signer ?? annaSigner(),
      );
    }

    async function auditRead(target: string, justification: string | undefined, bearer?: string) {
      const response = await fetch(`http://127.0.0.1:${gateway!.port}${target}`, {
        headers: {
          authorization: `Bearer ${bearer ?? anna.token()}`,
          ...(justification === undefined ? {} : { 'x-justification': justification }),
        },
      });
      const body = (await response.json()) as Record<string, unknown>;
      const error = body.error as { code?: string; details?: { field?: string } } | undefined;
      return { status: response.status, code: error?.code, field: error?.details?.field, body };
    }

    it('refuses every read whose justification is missing, unsigned, not yours, stale, replayed or for another request, each with its own code', async () => {
      const tamper = (jws: string): string => {
        const [h, p, sig] = jws.split('.') as [string, string, string];
        const flipped = sig[0] === 'A' ? `B${sig.slice(1)}` : `A${sig.slice(1)}`;
        return `${h}.${p}.${flipped}`;
      };
      const replayed = readStatement(TARGET);
      expect((await auditRead(TARGET, replayed)).status).toBe(200);
      const cases: [string, () => string | undefined, number, string, string?][] = [
        ['missing', () => undefined, 400, 'audit.justification-required', 'X-Justification'],
        ['plain text', () => 'case NL-7 review', 400, 'audit.justification-unsigned'],
        ['bad signature', () => tamper(readStatement(TARGET)), 401, 'statement.bad-signature'],
        [
          "another officer's statement",
          () => readStatement(TARGET, { signer: alice.signer, sub: alice.id }),
          403,
          'statement.not-yours',
        ],
        [
          "anna's name, another officer's key",
          () => readStatement(TARGET, { signer: alice.signer }),
          401,
          'statement.officer-mismatch',
        ],
        [
          'stale',
          () => readStatement(TARGET, { iat: Math.floor(Date.now() / 1000) - 900 }),
          401,
          'statement.stale',
        ],
        ['replayed', () => replayed, 409, 'statement.replayed'],
        [
          'another query',
          () => readStatement('/v1/audit/records?direction=all&limit=5'),
          400,
          'statement.mismatch',
          'claims.request',
        ],
        [
          'another path',
          () => readStatement('/v1/audit/refusals?direction=sent&limit=5'),
          400,
          'statement.mismatch',
          'subject',
        ],
        [
          'empty justification',
          () => readStatement(TARGET, { justification: '' }),
          400,
          'statement.mismatch',
          'claims.justification',
        ],
        [
          'another act',
          () =>
            anna.statement('policy.draft', 'audit:GET /v1/audit/records', {
              justification: 'case NL-7 review',
            }),
          400,
          'statement.mismatch',
          'act',
        ],
      ];
      const answers = [];
      for (const [name, header, , , field] of cases) {
        const answer = await auditRead(TARGET, header());
        answers.push([name, answer.status, answer.code, ...(field ? [answer.field] : [])]);
      }
      expect(answers).toEqual(
        cases.map(([name, , status, code, field]) => [
          name,
          status,
          code,
          ...(field ? [field] : []),
        ]),
      );
    });

    it('records an accepted justification in the statement log, where it verifies', async () => {
      const justification = readStatement(TARGET, { justification: 'case NL-8 review' });
      expect((await auditRead(TARGET, justification)).status).toBe(200);
      const listTarget = '/v1/audit/statements?subject=audit%3AGET%20%2Fv1%2Faudit%2Frecords';
      const listed = await auditRead(
        listTarget,
        anna.auditJustification('GET', listTarget, 'check my reads'),
      );
      expect(listed.status).toBe(200);
      const rows = listed.body.statements as { officerId: string; act: string; jws: string }[];
      expect(rows.find((r) => r.jws === justification)).toMatchObject({
        officerId: 'anna',
        act: 'audit.read',
      });
      const verify = '/v1/audit/statements/verify';
      const verified = await auditRead(verify, anna.auditJustification('GET', verify, 'check'));
      expect([verified.status, verified.body.ok]).toEqual([200, true]);
    });

    it('refuses a malformed query before the justification is verified: no statement is spent on it', async () => {
      const bad = '/v1/audit/records?direction=sideways';
      const justification = readStatement(bad, { justification: 'case NL-9 review' });
      expect(await auditRead(bad, justification)).toMatchObject({
        status: 400,
        code: 'audit.invalid-query',
        field: 'direction',
      });
      const listTarget = '/v1/audit/statements?subject=audit%3AGET%20%2Fv1%2Faudit%2Frecords';
      const listed = await auditRead(
        listTarget,
        anna.auditJustification('GET', listTarget, 'check my reads'),
      );
      expect(listed.status).toBe(200);
      const rows = listed.body.statements as { jws: string }[];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.some((r) => r.jws === justification)).toBe(false);
    });

    it('lets a console session read only once the officer attaches a signed justification', async () => {
      const opened = await call('POST', '/v1/console/session', anna.token());
      expect(opened.status).toBe(201);
      const session = opened.body.sessionToken as string;
      expect(await auditRead(TARGET, undefined, session)).toMatchObject({
        status: 400,
        code: 'audit.justification-required',
      });
      const attach = (statement: string) =>
        call('POST', '/v1/console/session/justification', session, { statement });
      const { act, subject, claims } = consoleJustificationStatement('case NL-9 review');
      const signed = anna.statement(act, subject, claims);
      const refusals = [
        await attach('case NL-9 review'),
        await attach(readStatement(TARGET)),
        await attach(
          signOfficerStatement(
            {
              iss: alice.agency,
              sub: alice.id,
              act,
              subject,
              claims,
              iat: Math.floor(Date.now() / 1000),
              jti: randomUUID(),
            },
            alice.signer,
          ),
        ),
      ];
      expect(refusals.map((r) => [r.status, codeOf(r)])).toEqual([
        [400, 'statement.malformed'],
        [400, 'statement.mismatch'],
        [403, 'statement.not-yours'],
      ]);
      const attached = await attach(signed);
      expect(attached.status).toBe(201);
      expect(attached.body.justification).toBe('case NL-9 review');
      expect(await auditRead(TARGET, undefined, session)).toMatchObject({ status: 200 });
      expect([(await attach(signed)).status, codeOf(await attach(signed))]).toEqual([
        409,
        'statement.replayed',
      ]);
    });
  });
});
