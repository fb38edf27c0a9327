/**
 * Reads the directory (agencies, groups, registered public keys) and the approved
 * policies from PostgreSQL and turns them into the pure values libs/policy and
 * libs/crypto work with.
 */
import type { DataSource } from 'typeorm';
import {
  KeyDirectory,
  OfficerDirectory,
  type AgencyKey,
  type KeyAlg,
  type OfficerEnrolment,
  type PublicJwk,
  type SignatureAlg,
} from '@liaison/crypto';
import {
  AgencyEntity,
  AgencyKeyEntity,
  JurisdictionGroupEntity,
  OfficerKeyEntity,
  PolicyVersionEntity,
} from '@liaison/persistence';
import type { Agency, Directory, PolicyDocument } from '@liaison/policy';

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

export function toAgencyKey(row: AgencyKeyEntity): AgencyKey {
  return {
    agencyId: row.agencyId,
    kid: row.kid,
    use: row.use,
    alg: row.alg as KeyAlg,
    publicJwk: row.publicJwk as unknown as PublicJwk,
    notBefore: seconds(row.notBefore),
    ...(row.notAfter ? { notAfter: seconds(row.notAfter) } : {}),
    status: row.status,
    ...(row.revokedAt ? { revokedAt: seconds(row.revokedAt) } : {}),
  };
}

export function toOfficerEnrolment(row: OfficerKeyEntity): OfficerEnrolment {
  return {
    agencyId: row.agencyId,
    officerId: row.officerId,
    kid: row.kid,
    alg: row.alg as SignatureAlg,
    publicJwk: row.publicJwk as unknown as PublicJwk,
    roles: row.roles,
    status: row.status,
    enrolledAt: seconds(row.enrolledAt),
    ...(row.revokedAt ? { revokedAt: seconds(row.revokedAt) } : {}),
  };
}

export function toPolicyAgency(row: AgencyEntity): Agency {
  return {
    id: row.id,
    name: row.name,
    jurisdiction: row.jurisdiction,
    kind: row.kind as Agency['kind'],
    groups: row.groups,
    accreditations: row.accreditations as Agency['accreditations'],
    acceptedPurposes: row.acceptedPurposes as Agency['acceptedPurposes'],
    retentionDays: row.retentionDays,
    suspended: row.status !== 'ACTIVE',
  };
}

export interface DirectorySnapshot {
  readonly agencies: readonly AgencyEntity[];
  readonly byId: ReadonlyMap<string, AgencyEntity>;
  /** Agencies that receive feeds, as the policy evaluator sees them. */
  readonly policyDirectory: Directory;
  readonly keys: KeyDirectory;
  readonly keyRows: readonly AgencyKeyEntity[];
  /** Enrolled officer keys (active and revoked): officer tokens and statements verify here. */
  readonly officers: OfficerDirectory;
  readonly policies: readonly PolicyDocument[];
}

export class DirectoryRepository {
  constructor(private readonly ds: DataSource) {}

  async snapshot(): Promise<DirectorySnapshot> {
    const [agencies, groups, keyRows, policies, officerRows] = await Promise.all([
      this.ds.getRepository(AgencyEntity).find({ order: { id: 'ASC' } }),
      this.ds.getRepository(JurisdictionGroupEntity).find({ order: { id: 'ASC' } }),
      this.ds.getRepository(AgencyKeyEntity).find({ order: { agencyId: 'ASC', kid: 'ASC' } }),
      this.ds
        .getRepository(PolicyVersionEntity)
        .find({ where: { status: 'approved' }, order: { jurisdiction: 'ASC' } }),
      this.ds
        .getRepository(OfficerKeyEntity)
        .find({ order: { agencyId: 'ASC', officerId: 'ASC', kid: 'ASC' } }),
    ]);
    return {
      agencies,
      byId: new Map(agencies.map((a) => [a.id, a])),
      policyDirectory: {
        agencies: agencies.filter((a) => a.receivesFeed).map(toPolicyAgency),
        groups: Object.fromEntries(groups.map((g) => [g.id, g.jurisdictions])),
      },
      keys: new KeyDirectory(keyRows.map(toAgencyKey)),
      keyRows,
      officers: new OfficerDirectory(officerRows.map(toOfficerEnrolment)),
      policies: policies.map((p) => p.document as unknown as PolicyDocument),
    };
  }
}
