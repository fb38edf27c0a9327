/**
 * The directory and console session repositories against the real PostgreSQL,
 * in a throwaway database: agencies and their keys, officer enrolment and
 * revocation (one active key per officer, a kid names one holder), the
 * world-change lock, and console sessions ended with the officer's enrolment.
 */
import type { DataSource } from 'typeorm';
import {
  ConsoleSessionRepository,
  DirectoryRepository,
  createDataSource,
  type NewAgencyKey,
} from '@liaison/persistence';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../apps/audit/src/testing/throwaway-database';
import { testConfig } from '../support/stack';

jest.setTimeout(120_000);

const key = (agencyId: string, kid: string, notAfter: Date | null = null): NewAgencyKey => ({
  agencyId,
  kid,
  use: 'sig',
  alg: 'EdDSA',
  publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'x', kid, alg: 'EdDSA' },
  notAfter,
});

const agency = (id: string) => ({
  id,
  name: `Agency ${id}`,
  jurisdiction: 'NL',
  kind: 'LE',
  accreditations: ['CSAM'],
  acceptedPurposes: ['TRAFFICKING'],
  retentionDays: 30,
  groups: ['EU'],
});

describe('directory repository', () => {
  const config = testConfig();
  let db: ThrowawayDatabase;
  let ds: DataSource;
  let directory: DirectoryRepository;

  beforeAll(async () => {
    db = await createThrowawayDatabase(config.database.url, 'liaison_directory');
    ds = createDataSource({ url: db.url, poolSize: 4 });
    await ds.initialize();
    directory = new DirectoryRepository(ds);
    await directory.insertAgency(agency('repo-a'), [key('repo-a', 'a-1')]);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('stores an agency with its keys and reads them back as the world reads them', async () => {
    const until = new Date('2030-01-01T00:00:00Z');
    await directory.insertAgency(agency('repo-b'), [
      key('repo-b', 'b-1'),
      key('repo-b', 'b-2', until),
    ]);
    expect(await directory.agencyExists('repo-b')).toBe(true);
    expect(await directory.agencyExists('repo-none')).toBe(false);
    const rows = await directory.rows();
    const b = rows.agencies.find((a) => a.id === 'repo-b');
    expect(b).toMatchObject({
      jurisdiction: 'NL',
      status: 'ACTIVE',
      accreditations: ['CSAM'],
      acceptedPurposes: ['TRAFFICKING'],
      retentionDays: 30,
      groups: ['EU'],
    });
    const keys = rows.keyRows.filter((k) => k.agencyId === 'repo-b');
    expect(keys.map((k) => [k.kid, k.status, k.notAfter?.toISOString() ?? null])).toEqual([
      ['b-1', 'active', null],
      ['b-2', 'active', until.toISOString()],
    ]);
  });

  it('revokes an agency key once; a second revocation finds nothing to revoke', async () => {
    await directory.insertAgencyKey(key('repo-a', 'a-2'));
    expect(await directory.agencyKeyExists('repo-a', 'a-2')).toBe(true);
    expect(await directory.agencyKeyExists('repo-a', 'a-3')).toBe(false);
    const at = new Date('2026-12-02T08:00:00Z');
    expect(await directory.revokeAgencyKey('repo-a', 'a-2', at)).toBe(true);
    expect(await directory.revokeAgencyKey('repo-a', 'a-2', new Date())).toBe(false);
    expect(await directory.revokeAgencyKey('repo-a', 'a-unknown', new Date())).toBe(false);
    const row = (await directory.rows()).keyRows.find((k) => k.kid === 'a-2');
    expect([row?.status, row?.revokedAt?.toISOString()]).toEqual(['revoked', at.toISOString()]);
  });

  it('enrols one active key per officer, lists it, and revokes it', async () => {
    const officer = {
      agencyId: 'repo-a',
      officerId: 'anna',
      kid: 'anna-1',
      alg: 'EdDSA',
      publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'y', kid: 'anna-1', alg: 'EdDSA' },
      roles: ['liaison'],
      enrolledBy: 'repo-a/admin',
    };
    const enrolled = await directory.insertOfficerKey(officer);
    expect(enrolled).toMatchObject({
      agencyId: 'repo-a',
      officerId: 'anna',
      kid: 'anna-1',
      roles: ['liaison'],
      status: 'active',
      enrolledBy: 'repo-a/admin',
      revokedAt: null,
    });
    expect(await directory.insertOfficerKey({ ...officer, kid: 'anna-2' })).toBeUndefined();
    expect(await directory.kidTaken('anna-1')).toBe(true);
    expect(await directory.kidTaken('a-1')).toBe(true);
    expect(await directory.kidTaken('anna-2')).toBe(false);

    const revoked = await directory.revokeOfficerKey('repo-a', 'anna', 'repo-a/admin');
    expect(revoked?.status).toBe('revoked');
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    expect(await directory.revokeOfficerKey('repo-a', 'anna', 'repo-a/admin')).toBeUndefined();

    const again = await directory.insertOfficerKey({ ...officer, kid: 'anna-2' });
    expect(again?.status).toBe('active');
    expect((await directory.officersOf('repo-a')).map((o) => [o.kid, o.status])).toEqual([
      ['anna-1', 'revoked'],
      ['anna-2', 'active'],
    ]);
    expect(await directory.officersOf('repo-b')).toEqual([]);
  });

  it("reads the agency's status and grantable roles for an enrolment", async () => {
    const enrolling = await ds.transaction((tx) =>
      new DirectoryRepository(tx).lockAgencyForEnrolment('repo-a'),
    );
    expect(enrolling?.status).toBe('ACTIVE');
    expect(enrolling?.grantableRoles).toContain('officer-admin');
    expect(await directory.lockAgencyForEnrolment('repo-none')).toBeUndefined();
  });

  it('runs world changes one after another', async () => {
    const order: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstLocked: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => (firstLocked = resolve));
    const first = ds.transaction(async (tx) => {
      await new DirectoryRepository(tx).lockForWorldChange();
      firstLocked();
      await firstHolds;
      order.push('first done');
    });
    await locked;
    const second = ds.transaction(async (tx) => {
      await new DirectoryRepository(tx).lockForWorldChange();
      order.push('second locked');
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    order.push('released');
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['released', 'first done', 'second locked']);
  });
});

describe('console session repository', () => {
  const config = testConfig();
  let db: ThrowawayDatabase;
  let ds: DataSource;
  let sessions: ConsoleSessionRepository;
  const session = (tokenHash: string, officerId: string, expiresAt: Date) => ({
    tokenHash,
    agencyId: 'repo-s',
    officerId,
    officerKid: `${officerId}-1`,
    roles: ['liaison', 'oversight'],
    expiresAt,
  });
  const soon = () => new Date(Date.now() + 600_000);

  beforeAll(async () => {
    db = await createThrowawayDatabase(config.database.url, 'liaison_sessions');
    ds = createDataSource({ url: db.url, poolSize: 4 });
    await ds.initialize();
    sessions = new ConsoleSessionRepository(ds);
    await new DirectoryRepository(ds).insertAgency({ ...agency('repo-s'), jurisdiction: 'DE' }, [
      key('repo-s', 's-1'),
    ]);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('opens a session, attaches a justification and closes it', async () => {
    await sessions.open(session('h1', 'anna', soon()));
    expect(await sessions.byTokenHash('h1')).toMatchObject({
      agencyId: 'repo-s',
      officerId: 'anna',
      officerKid: 'anna-1',
      roles: ['liaison', 'oversight'],
      justification: null,
      justificationSeq: null,
      justificationHash: null,
    });
    await ds.transaction((tx) =>
      new ConsoleSessionRepository(tx).attachJustification('h1', {
        text: 'case review',
        seq: 12,
        hash: 'ab'.repeat(32),
      }),
    );
    expect(await sessions.byTokenHash('h1')).toMatchObject({
      justification: 'case review',
      justificationSeq: 12,
      justificationHash: 'ab'.repeat(32),
    });
    await sessions.close('h1');
    expect(await sessions.byTokenHash('h1')).toBeUndefined();
  });

  it('drops expired sessions when one is opened', async () => {
    await ds.query(
      `INSERT INTO console_session (token_hash, agency_id, officer_id, officer_kid, roles, expires_at)
       VALUES ('old', 'repo-s', 'old', 'old-1', '[]', now() - interval '1 minute')`,
    );
    expect(await sessions.byTokenHash('old')).toBeDefined();
    await sessions.open(session('h2', 'ben', soon()));
    expect(await sessions.byTokenHash('old')).toBeUndefined();
    expect(await sessions.byTokenHash('h2')).toBeDefined();
  });

  it("ends every session of a revoked officer and only that officer's", async () => {
    await sessions.open(session('c1', 'carl', soon()));
    await sessions.open(session('c2', 'carl', soon()));
    await sessions.open(session('d1', 'dana', soon()));
    await sessions.endOfficerSessions('repo-s', 'carl');
    expect(await sessions.byTokenHash('c1')).toBeUndefined();
    expect(await sessions.byTokenHash('c2')).toBeUndefined();
    expect(await sessions.byTokenHash('d1')).toBeDefined();
  });
});
