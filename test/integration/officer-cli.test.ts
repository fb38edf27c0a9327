/**
 * `liaison officer enrol|list|revoke` against the real gateway (PostgreSQL,
 * Kafka): nl-knp's officer administrator, on a machine holding only their own
 * keys, enrols a new officer; the key pair is generated there, the private
 * half written where the CLI's officer login finds it (0600) and only the
 * public key reaches the hub; the new officer signs in and reads the audit
 * with it; the list shows the enrolment; a revocation ends it at once. Usage
 * errors exit 2, refusals by the hub exit 1 and leave no key file behind.
 */
import '../support/isolated-namespace';
import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
} from 'node:fs';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { agencyKeyFilePath, officerKeyFilePath } from '@liaison/local-files';
import { AgencyIdentity } from '../../apps/cli/src/agency-identity';
import {
  DEMO_KEYS_DIR,
  dropNamespaceDatabase,
  runCli,
  seedNamespace,
  startApp,
  stopApp,
  type StartedApp,
} from '../support/hub-processes';

jest.setTimeout(90_000);

interface Enrolled {
  agencyId: string;
  officerId: string;
  kid: string;
  roles: string[];
  status: string;
  revokedAt: string | null;
  keyFile?: string;
}

describe('liaison officer enrol|list|revoke', () => {
  let gateway: StartedApp | undefined;
  let hub = '';
  // The officer administrator's machine: nl-knp's keys and nils's own key only.
  const keys = mkdtempSync(path.join(tmpdir(), 'liaison-officer-cli-'));
  const eva = `eva-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    await seedNamespace();
    gateway = await startApp('gateway');
    hub = `http://127.0.0.1:${gateway.port}`;
    for (const file of [
      agencyKeyFilePath(DEMO_KEYS_DIR, 'nl-knp'),
      officerKeyFilePath(DEMO_KEYS_DIR, 'nl-knp', 'nils'),
    ])
      copyFileSync(file, path.join(keys, path.basename(file)));
  }, 120_000);

  afterAll(async () => {
    await stopApp(gateway);
    await dropNamespaceDatabase();
    rmSync(keys, { recursive: true, force: true });
  }, 30_000);

  /** The CLI as nils, nl-knp's officer administrator. */
  const asNils = (...args: string[]) =>
    runCli([
      '--hub',
      hub,
      '--keys',
      keys,
      '--agency',
      'nl-knp',
      '--officer',
      'nils',
      '--roles',
      'officer-admin',
      ...args,
    ]);

  const evaIdentity = () =>
    new AgencyIdentity({ agency: 'nl-knp', keys, officer: eva, roles: 'liaison' });

  async function readAuditAsEva(): Promise<{ status: number; code?: string }> {
    const target = '/v1/audit/records?direction=sent&limit=1';
    const id = evaIdentity();
    const res = await fetch(`${hub}${target}`, {
      headers: {
        authorization: `Bearer ${id.token()}`,
        'x-justification': id.auditJustification('GET', target, 'officer CLI test'),
      },
    });
    const body = (await res.json()) as { error?: { code?: string } };
    return { status: res.status, ...(body.error?.code ? { code: body.error.code } : {}) };
  }

  it('enrols with a key pair generated here: the private key stays in the key folder, the officer can sign in', async () => {
    const r = await asNils('officer', 'enrol', eva, '--grant', 'liaison,policy-author');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const file = officerKeyFilePath(keys, 'nl-knp', eva);
    expect(r.stdout).toContain(`enrolled ${eva} of nl-knp`);
    expect(r.stdout).toContain(`private key: ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const keyFile = JSON.parse(readFileSync(file, 'utf8')) as {
      agencyId: string;
      officerId: string;
      signing: { kid: string; privateJwk: { d?: string } };
    };
    expect(keyFile).toMatchObject({ agencyId: 'nl-knp', officerId: eva });
    expect(typeof keyFile.signing.privateJwk.d).toBe('string');
    expect(r.stdout).toContain(`kid ${keyFile.signing.kid}`);
    // The hub knows only the public half: its JWKS names the officer, without `d`.
    const jwks = (await (await fetch(`${hub}/v1/directory/agencies/nl-knp/jwks`)).json()) as {
      keys: { kid: string; officer?: string; d?: string }[];
    };
    const published = jwks.keys.find((k) => k.kid === keyFile.signing.kid);
    expect(published).toMatchObject({ officer: eva });
    expect(published?.d).toBeUndefined();
    expect(await readAuditAsEva()).toEqual({ status: 200 });
  });

  it('lists the enrolments as a table and as JSON', async () => {
    const table = await asNils('officer', 'list');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^OFFICER\s+STATUS\s+ROLES\s+KID\s+ENROLLED \(UTC\)\s+BY/m);
    expect(table.stdout).toMatch(
      new RegExp(`^${eva}\\s+active\\s+liaison,policy-author\\s+\\S+\\s+\\d{4}-\\d\\d-\\d\\d`, 'm'),
    );
    const json = await asNils('--json', 'officer', 'list');
    expect(json.code).toBe(0);
    const officers = JSON.parse(json.stdout) as Enrolled[];
    expect(officers.find((o) => o.officerId === eva)).toMatchObject({
      agencyId: 'nl-knp',
      status: 'active',
      roles: ['liaison', 'policy-author'],
    });
    expect(officers.find((o) => o.officerId === 'nils')).toMatchObject({ status: 'active' });
  });

  it('refuses bad input before the hub (exit 2) and keeps no key file when the hub refuses (exit 1)', async () => {
    const before = readdirSync(keys).sort();
    const badRole = await asNils('officer', 'enrol', 'otto', '--grant', 'liaison,root');
    expect([badRole.code, badRole.stderr]).toEqual([
      2,
      expect.stringContaining('unknown role root'),
    ]);
    const badId = await asNils('officer', 'enrol', 'Otto!', '--grant', 'liaison');
    expect([badId.code, badId.stderr]).toEqual([2, expect.stringContaining('not an officer id')]);
    const twice = await asNils('officer', 'enrol', eva, '--grant', 'liaison');
    expect([twice.code, twice.stderr]).toEqual([2, expect.stringContaining('exists')]);
    const otherAgency = await asNils(
      'officer',
      'enrol',
      'otto',
      '--grant',
      'liaison',
      '--of',
      'de-bka',
    );
    expect([otherAgency.code, otherAgency.stderr]).toEqual([
      1,
      expect.stringContaining('officer.not-your-agency'),
    ]);
    expect(existsSync(officerKeyFilePath(keys, 'de-bka', 'otto'))).toBe(false);
    expect(readdirSync(keys).sort()).toEqual(before);
  });

  it('revokes at once: the officer can no longer sign in, the list says revoked', async () => {
    const r = await asNils('--json', 'officer', 'revoke', eva);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const revoked = JSON.parse(r.stdout) as Enrolled;
    expect(revoked).toMatchObject({ officerId: eva, status: 'revoked' });
    expect(typeof revoked.revokedAt).toBe('string');
    expect(await readAuditAsEva()).toEqual({ status: 401, code: 'token.revoked-key' });
    const again = await asNils('officer', 'revoke', eva);
    expect(again.code).toBe(1);
    const list = JSON.parse((await asNils('--json', 'officer', 'list')).stdout) as Enrolled[];
    expect(list.find((o) => o.officerId === eva)?.status).toBe('revoked');
  });
});
