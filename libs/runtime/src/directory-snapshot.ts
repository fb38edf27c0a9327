/**
 * Turns the directory's stored rows (agencies, groups, registered public keys,
 * officer keys, approved policies; read by @liaison/persistence's
 * DirectoryRepository) into the pure values libs/policy and libs/crypto work
 * with. Reading (I/O) and building (pure, may refuse a malformed row) are apart,
 * so a loader can tell "the database did not answer" from "the stored world
 * does not compile".
 */
import {
  KeyDirectory,
  OfficerDirectory,
  type AgencyKey,
  type KeyAlg,
  type OfficerEnrolment,
  type PublicJwk,
  type SignatureAlg,
} from '@liaison/crypto';
import { DomainError } from '@liaison/errors';
import type {
  AgencyEntity,
  AgencyKeyEntity,
  DirectoryRows,
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
    roles: stringList(row.roles, `officer ${row.agencyId}/${row.officerId}`, 'roles'),
    status: row.status,
    enrolledAt: seconds(row.enrolledAt),
    ...(row.revokedAt ? { revokedAt: seconds(row.revokedAt) } : {}),
  };
}

/** A jsonb column that must hold a list of strings; anything else names the row. */
function stringList(value: unknown, where: string, field: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new DomainError(
      'directory.invalid-row',
      `${where}: ${field} must be a list of strings`,
      'invalid-input',
      { row: where, field },
    );
  }
  return value as string[];
}

export function toPolicyAgency(row: AgencyEntity): Agency {
  const where = `agency ${row.id}`;
  return {
    id: row.id,
    name: row.name,
    jurisdiction: row.jurisdiction,
    kind: row.kind as Agency['kind'],
    groups: stringList(row.groups, where, 'groups'),
    accreditations: stringList(
      row.accreditations,
      where,
      'accreditations',
    ) as Agency['accreditations'],
    acceptedPurposes: stringList(
      row.acceptedPurposes,
      where,
      'acceptedPurposes',
    ) as Agency['acceptedPurposes'],
    retentionDays: row.retentionDays,
    suspended: row.status !== 'ACTIVE',
  };
}

function toPolicyDocument(row: PolicyVersionEntity): PolicyDocument {
  const doc = row.document as unknown as PolicyDocument | null;
  if (
    typeof doc !== 'object' ||
    doc === null ||
    !Array.isArray(doc.outbound) ||
    doc.jurisdiction !== row.jurisdiction
  ) {
    throw new DomainError(
      'directory.invalid-row',
      `policy ${row.id} (${row.jurisdiction}): document must be that jurisdiction's, with a list of outbound rules`,
      'invalid-input',
      { row: `policy ${row.id}`, field: 'document' },
    );
  }
  return doc;
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

/** Pure: rows to values. Throws a DomainError naming the first malformed row. */
export function directorySnapshotOf(rows: DirectoryRows): DirectorySnapshot {
  return {
    agencies: rows.agencies,
    byId: new Map(rows.agencies.map((a) => [a.id, a])),
    policyDirectory: {
      agencies: rows.agencies.filter((a) => a.receivesFeed).map(toPolicyAgency),
      groups: Object.fromEntries(
        rows.groups.map((g) => [
          g.id,
          stringList(g.jurisdictions, `group ${g.id}`, 'jurisdictions'),
        ]),
      ),
    },
    keys: new KeyDirectory(rows.keyRows.map(toAgencyKey)),
    keyRows: rows.keyRows,
    officers: new OfficerDirectory(rows.officerRows.map(toOfficerEnrolment)),
    policies: rows.policies.map(toPolicyDocument),
  };
}
