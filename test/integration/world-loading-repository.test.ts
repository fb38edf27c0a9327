/**
 * The demo world's loading statements against the real PostgreSQL, in a
 * throwaway database: each leaves what is already in place alone (agencies,
 * operators, keys), or updates only what it says (group jurisdictions, an
 * active officer key's roles), and a seeded policy replaces the approved one.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DirectoryRepository, PolicyRepository, createDataSource } from '@liaison/persistence';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../apps/audit/src/testing/throwaway-database';
import { testConfig } from '../support/stack';

jest.setTimeout(120_000);

const agency = (id: string, name: string) => ({
  id,
  name,
  jurisdiction: 'NL',
  kind: 'LE',
  accreditations: ['CSAM'],
  acceptedPurposes: ['TRAFFICKING'],
  retentionDays: 30,
  groups: ['EU'],
});

describe('directory and policy loading', () => {
  const config = testConfig();
  let db: ThrowawayDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createThrowawayDatabase(config.database.url, 'liaison_worldload');
    ds = createDataSource({ url: db.url, poolSize: 2 });
    await ds.initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('loads agencies, operators, groups and keys once, leaving what is there alone', async () => {
    const directory = new DirectoryRepository(ds);
    await directory.upsertGroup('EU', ['NL']);
    await directory.upsertGroup('EU', ['NL', 'DE']);
    await directory.insertAgencyIfAbsent(agency('load-a', 'First'), true);
    await directory.insertAgencyIfAbsent(agency('load-a', 'Second'), false);
    await directory.insertOperatorIfAbsent({
      id: 'load-ops',
      name: 'Ops',
      jurisdiction: 'EU',
      grantableRoles: ['oversight'],
    });
    const key = {
      agencyId: 'load-a',
      kid: 'load-a-1',
      use: 'sig' as const,
      alg: 'EdDSA',
      publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'first' },
    };
    await directory.insertActiveKeyIfAbsent(key);
    await directory.insertActiveKeyIfAbsent({ ...key, publicJwk: { x: 'second' } });

    const rows = await directory.rows();
    expect(rows.groups.find((g) => g.id === 'EU')?.jurisdictions).toEqual(['NL', 'DE']);
    const a = rows.agencies.find((r) => r.id === 'load-a');
    expect(a).toMatchObject({ name: 'First', status: 'ACTIVE' });
    expect(rows.agencies.find((r) => r.id === 'load-ops')).toMatchObject({
      kind: 'HUB_OPERATOR',
    });
    expect(await directory.activeAgencyKeys()).toEqual([
      { agencyId: 'load-a', kid: 'load-a-1', alg: 'EdDSA', publicJwk: key.publicJwk },
    ]);
    const [stored] = rows.keyRows;
    expect(stored?.notBefore.getTime()).toBeLessThan(Date.now() - 23 * 3600_000);
  });

  it("enrols an officer's key, updates its roles, revokes the officer's other keys", async () => {
    const directory = new DirectoryRepository(ds);
    const officerKey = (kid: string, roles: string[]) => ({
      agencyId: 'load-a',
      officerId: 'anna',
      kid,
      alg: 'EdDSA',
      publicJwk: { kty: 'OKP', crv: 'Ed25519', x: kid },
      roles,
      enrolledBy: 'seed',
    });
    await directory.enrolOrUpdateRoles(officerKey('anna-1', ['liaison']));
    await directory.enrolOrUpdateRoles(officerKey('anna-1', ['liaison', 'oversight']));
    await directory.revokeOfficerKeysExcept('load-a', 'anna', 'anna-2', 'seed');
    await directory.enrolOrUpdateRoles(officerKey('anna-2', ['liaison']));
    await directory.enrolOrUpdateRoles(officerKey('anna-1', ['oversight']));
    const officers = await directory.officersOf('load-a');
    expect(officers.map((o) => [o.kid, o.status, o.roles])).toEqual([
      ['anna-1', 'revoked', ['liaison', 'oversight']],
      ['anna-2', 'active', ['liaison']],
    ]);
  });

  it('replaces the approved policy of a jurisdiction', async () => {
    const policies = new PolicyRepository(ds);
    expect(await policies.approvedVersion('NL')).toBeUndefined();
    const approve = (version: string) =>
      policies.replaceApproved({
        id: randomUUID(),
        jurisdiction: 'NL',
        version,
        document: { jurisdiction: 'NL', version },
        authorOfficer: 'seed',
        authorAgency: 'hub-ops',
        approverOfficer: 'seed-bootstrap',
      });
    await approve('v1');
    await approve('v2');
    expect(await policies.approvedVersion('NL')).toBe('v2');
    const rows = (await new DirectoryRepository(ds).rows()).policies;
    expect(rows.map((p) => [p.jurisdiction, p.version, p.status])).toEqual([
      ['NL', 'v2', 'approved'],
    ]);
  });
});
