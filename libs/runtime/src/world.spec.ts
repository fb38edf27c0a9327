import fc from 'fast-check';
import { generateAgencyKeys } from '@liaison/crypto';
import { isDomainError } from '@liaison/errors';
import type {
  AgencyEntity,
  AgencyKeyEntity,
  DirectoryRows,
  OfficerKeyEntity,
  PolicyVersionEntity,
} from '@liaison/persistence';
import { compileWorld } from './world';

const key = generateAgencyKeys('EdDSA');

function agency(id: string, jurisdiction: string, extra: Partial<AgencyEntity> = {}): AgencyEntity {
  return {
    id,
    name: id,
    jurisdiction,
    kind: 'LAW_ENFORCEMENT',
    status: 'ACTIVE',
    accreditations: [],
    acceptedPurposes: ['INVESTIGATION'],
    retentionDays: 30,
    groups: [],
    custodial: false,
    grantableRoles: [],
    receivesFeed: true,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...extra,
  };
}

function goodRows(): DirectoryRows {
  return {
    agencies: [agency('nl-knp', 'NL'), agency('de-bka', 'DE')],
    groups: [{ id: 'EU', jurisdictions: ['NL', 'DE'] }],
    officerRows: [],
    keyRows: [
      {
        agencyId: 'nl-knp',
        kid: key.kid,
        use: 'sig',
        alg: 'EdDSA',
        publicJwk: key.publicJwk,
        notBefore: new Date(0),
        notAfter: null,
        status: 'active',
        revokedAt: null,
      },
    ],
    policies: [
      {
        id: '00000000-0000-4000-8000-000000000001',
        jurisdiction: 'NL',
        status: 'approved',
        document: {
          jurisdiction: 'NL',
          outbound: [
            {
              id: 'NL-EU-01',
              effect: 'share',
              to: { groups: ['EU'] },
              maxTlp: 'AMBER',
              maxHandlingCode: 'H2',
              purposes: ['INVESTIGATION'],
            },
          ],
        },
      } as unknown as PolicyVersionEntity,
    ],
  };
}

const officerKey = generateAgencyKeys('EdDSA');
function officer(extra: Partial<OfficerKeyEntity>): OfficerKeyEntity {
  return {
    agencyId: 'nl-knp',
    kid: officerKey.kid,
    officerId: 'pia',
    alg: 'EdDSA',
    publicJwk: officerKey.publicJwk,
    roles: ['policy-author'],
    status: 'active',
    enrolledAt: new Date(0),
    enrolledBy: 'test',
    revokedAt: null,
    revokedBy: null,
    ...extra,
  };
}

type Mutation = (rows: DirectoryRows) => DirectoryRows;
const withAgency = (rows: DirectoryRows, extra: Partial<AgencyEntity>): DirectoryRows => ({
  ...rows,
  agencies: [...rows.agencies, agency('xx-bad', 'DE', extra)],
});
const withPolicy = (
  rows: DirectoryRows,
  document: unknown,
  jurisdiction = 'DE',
): DirectoryRows => ({
  ...rows,
  policies: [
    ...rows.policies,
    { id: 'bad', jurisdiction, status: 'approved', document } as unknown as PolicyVersionEntity,
  ],
});
const shareTo = (to: Record<string, unknown>): unknown => ({
  jurisdiction: 'DE',
  outbound: [
    {
      id: 'DE-01',
      effect: 'share',
      to,
      maxTlp: 'AMBER',
      maxHandlingCode: 'H2',
      purposes: ['INVESTIGATION'],
    },
  ],
});

describe('compileWorld: every stored world that does not compile is a DomainError naming why', () => {
  it('compiles a good world', () => {
    const world = compileWorld(goodRows());
    expect(world.compiled.agencies.map((a) => a.id)).toEqual(['nl-knp', 'de-bka']);
    expect(world.keys.recordOf('nl-knp', key.kid)).toBeDefined();
  });

  const cases: [string, Mutation, string][] = [
    [
      'agency in an unknown group',
      (r) => withAgency(r, { groups: ['NOPE'] }),
      'policy.unknown-group',
    ],
    [
      'agency groups not a list',
      (r) => withAgency(r, { groups: { a: 1 } as never }),
      'directory.invalid-row',
    ],
    [
      'agency groups a string',
      (r) => withAgency(r, { groups: 'EU' as never }),
      'directory.invalid-row',
    ],
    [
      'agency of an unknown kind',
      (r) => withAgency(r, { kind: 'PIRATE' }),
      'policy.invalid-agency',
    ],
    [
      'agency accepting an unknown purpose',
      (r) => withAgency(r, { acceptedPurposes: ['FUN'] }),
      'policy.invalid-agency',
    ],
    [
      'agency accreditations null',
      (r) => withAgency(r, { accreditations: null as never }),
      'directory.invalid-row',
    ],
    [
      'the same agency twice',
      (r) => ({ ...r, agencies: [...r.agencies, agency('nl-knp', 'NL')] }),
      'policy.duplicate-agency',
    ],
    [
      'group jurisdictions not a list',
      (r) => ({ ...r, groups: [...r.groups, { id: 'X', jurisdictions: 7 } as never] }),
      'directory.invalid-row',
    ],
    [
      'a key whose jwk kid differs',
      (r) => ({
        ...r,
        keyRows: [
          {
            ...r.keyRows[0],
            kid: 'other',
            publicJwk: { ...r.keyRows[0]!.publicJwk, kid: 'x' },
          } as AgencyKeyEntity,
        ],
      }),
      'key.invalid-record',
    ],
    [
      'an officer key of an unsupported alg',
      (r) => ({ ...r, officerRows: [officer({ alg: 'HS256' })] }),
      'officer.invalid-record',
    ],
    [
      'officer roles not a list',
      (r) => ({ ...r, officerRows: [officer({ roles: 'admin' as never })] }),
      'directory.invalid-row',
    ],
    [
      'the same key twice',
      (r) => ({ ...r, keyRows: [...r.keyRows, ...r.keyRows] }),
      'key.duplicate-kid',
    ],
    [
      'a policy naming an unknown group',
      (r) => withPolicy(r, shareTo({ groups: ['NOPE'] })),
      'policy.unknown-group',
    ],
    [
      'a policy naming an unknown agency',
      (r) => withPolicy(r, shareTo({ agencies: ['zz-none'] })),
      'policy.unknown-agency',
    ],
    [
      'a policy document that is not an object',
      (r) => withPolicy(r, 'nonsense'),
      'directory.invalid-row',
    ],
    [
      'a policy document without rules',
      (r) => withPolicy(r, { jurisdiction: 'DE' }),
      'directory.invalid-row',
    ],
    [
      'two approved documents for one jurisdiction',
      (r) =>
        withPolicy(r, { ...(shareTo({ groups: ['EU'] }) as object), jurisdiction: 'NL' }, 'NL'),
      'policy.duplicate-document',
    ],
  ];

  it.each(cases)('%s', (_name, mutate, code) => {
    let thrown: unknown;
    try {
      compileWorld(mutate(goodRows()));
    } catch (error) {
      thrown = error;
    }
    expect(isDomainError(thrown)).toBe(true);
    expect((thrown as { code: string }).code).toBe(code);
  });

  it('any JSON in any agency, group or policy column compiles or is refused as a DomainError', () => {
    const columns = [
      ['agency', 'groups'],
      ['agency', 'accreditations'],
      ['agency', 'acceptedPurposes'],
      ['agency', 'kind'],
      ['agency', 'retentionDays'],
      ['group', 'jurisdictions'],
      ['policy', 'document'],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...columns), fc.jsonValue(), ([table, column], value) => {
        const rows = goodRows();
        const mutated: DirectoryRows =
          table === 'agency'
            ? withAgency(rows, { [column]: value })
            : table === 'group'
              ? { ...rows, groups: [{ id: 'X', [column]: value } as never] }
              : withPolicy(rows, value);
        try {
          compileWorld(mutated);
        } catch (error) {
          if (!isDomainError(error)) throw error;
        }
      }),
      { seed: 18, numRuns: Number(process.env.FC_NUM_RUNS ?? 300) },
    );
  });
});
