/**
 * The directory aggregate in PostgreSQL: agencies, their public keys, officers'
 * enrolled keys, the jurisdiction groups and the approved policies the world is
 * built from. Reads return the stored rows as they are (libs/runtime builds and
 * compiles the world from them); writes are the directory changes the gateway
 * makes and the demo world's idempotent loading. Give it a transaction's EntityManager to read what that transaction
 * wrote, or to make several writes commit together.
 */
import type { DataSource, EntityManager } from 'typeorm';
import {
  AgencyEntity,
  AgencyKeyEntity,
  JurisdictionGroupEntity,
  OfficerKeyEntity,
  PolicyVersionEntity,
} from './entities';

/** The stored rows the world is built from, as read. */
export interface DirectoryRows {
  readonly agencies: readonly AgencyEntity[];
  readonly groups: readonly JurisdictionGroupEntity[];
  readonly keyRows: readonly AgencyKeyEntity[];
  readonly policies: readonly PolicyVersionEntity[];
  readonly officerRows: readonly OfficerKeyEntity[];
}

/** A new agency, as registered. */
export interface NewAgency {
  readonly id: string;
  readonly name: string;
  readonly jurisdiction: string;
  readonly kind: string;
  readonly accreditations: readonly string[];
  readonly acceptedPurposes: readonly string[];
  readonly retentionDays: number;
  readonly groups: readonly string[];
}

/** A new public key of an agency, active from now. */
export interface NewAgencyKey {
  readonly agencyId: string;
  readonly kid: string;
  readonly use: 'sig' | 'enc';
  readonly alg: string;
  readonly publicJwk: object;
  /** When it stops verifying (exclusive); null: until revoked. */
  readonly notAfter: Date | null;
}

/** A new officer key, enrolled with its roles. */
export interface NewOfficerKey {
  readonly agencyId: string;
  readonly officerId: string;
  readonly kid: string;
  readonly alg: string;
  readonly publicJwk: object;
  readonly roles: readonly string[];
  readonly enrolledBy: string;
}

/** A hub operator agency: it enrols officers with these roles and receives no feed. */
export interface NewOperator {
  readonly id: string;
  readonly name: string;
  readonly jurisdiction: string;
  readonly grantableRoles: readonly string[];
}

/** An active public key of an agency, as the directory events publish it. */
export interface ActiveAgencyKey {
  readonly agencyId: string;
  readonly kid: string;
  readonly alg: string;
  readonly publicJwk: object;
}

/** An officer enrolment as the officer administration reads it. */
export interface OfficerKeyRow {
  readonly agencyId: string;
  readonly officerId: string;
  readonly kid: string;
  readonly roles: string[];
  readonly status: 'active' | 'revoked';
  readonly enrolledAt: Date;
  readonly enrolledBy: string;
  readonly revokedAt: Date | null;
}

/** What an officer enrolment needs to know of the agency. */
export interface EnrollingAgency {
  readonly status: string;
  readonly grantableRoles: string[];
}

interface OfficerKeySql {
  agency_id: string;
  officer_id: string;
  kid: string;
  roles: string[];
  status: 'active' | 'revoked';
  enrolled_at: Date;
  enrolled_by: string;
  revoked_at: Date | null;
}

/** One key for every world change: they run one after another, never interleaved. */
const WORLD_CHANGE_LOCK = 0x4c49_4157; // "LIAW"

const OFFICER_KEY_COLUMNS =
  'agency_id, officer_id, kid, roles, status, enrolled_at, enrolled_by, revoked_at';

function officerKeyRowOf(r: OfficerKeySql): OfficerKeyRow {
  return {
    agencyId: r.agency_id,
    officerId: r.officer_id,
    kid: r.kid,
    roles: r.roles,
    status: r.status,
    enrolledAt: r.enrolled_at,
    enrolledBy: r.enrolled_by,
    revokedAt: r.revoked_at,
  };
}

/** A member agency's row (ACTIVE), as the admin API and the demo seed insert it. */
const AGENCY_INSERT = `INSERT INTO agency (id, name, jurisdiction, kind, accreditations,
                         accepted_purposes, retention_days, groups, custodial)
  VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8::jsonb, $9)`;

function agencyParams(agency: NewAgency, custodial: boolean): unknown[] {
  return [
    agency.id,
    agency.name,
    agency.jurisdiction,
    agency.kind,
    JSON.stringify(agency.accreditations),
    JSON.stringify(agency.acceptedPurposes),
    agency.retentionDays,
    JSON.stringify(agency.groups),
    custodial,
  ];
}

export class DirectoryRepository {
  /** `db` is the DataSource, or a transaction's EntityManager. */
  constructor(private readonly db: DataSource | EntityManager) {}

  /** One query after another: inside a transaction they share its one connection. */
  async rows(): Promise<DirectoryRows> {
    const agencies = await this.db.getRepository(AgencyEntity).find({ order: { id: 'ASC' } });
    const groups = await this.db
      .getRepository(JurisdictionGroupEntity)
      .find({ order: { id: 'ASC' } });
    const keyRows = await this.db
      .getRepository(AgencyKeyEntity)
      .find({ order: { agencyId: 'ASC', kid: 'ASC' } });
    const policies = await this.db
      .getRepository(PolicyVersionEntity)
      .find({ where: { status: 'approved' }, order: { jurisdiction: 'ASC' } });
    const officerRows = await this.db
      .getRepository(OfficerKeyEntity)
      .find({ order: { agencyId: 'ASC', officerId: 'ASC', kid: 'ASC' } });
    return { agencies, groups, keyRows, policies, officerRows };
  }

  /**
   * Takes the world-change lock until the transaction ends: changes to the
   * directory or the policies run one after another, never interleaved.
   */
  async lockForWorldChange(): Promise<void> {
    await this.db.query('SELECT pg_advisory_xact_lock($1)', [WORLD_CHANGE_LOCK]);
  }

  async agencyExists(agencyId: string): Promise<boolean> {
    return this.db.getRepository(AgencyEntity).existsBy({ id: agencyId });
  }

  /** The agency's status and grantable roles, share-locked until the transaction ends. */
  async lockAgencyForEnrolment(agencyId: string): Promise<EnrollingAgency | undefined> {
    const rows: { status: string; grantable_roles: string[] }[] = await this.db.query(
      `SELECT status, grantable_roles FROM agency WHERE id = $1 FOR SHARE`,
      [agencyId],
    );
    const row = rows[0];
    return row && { status: row.status, grantableRoles: row.grantable_roles };
  }

  /** Inserts the agency (ACTIVE) and its keys. */
  async insertAgency(agency: NewAgency, keys: readonly NewAgencyKey[]): Promise<void> {
    await this.db.query(AGENCY_INSERT, agencyParams(agency, false));
    for (const key of keys) await this.insertAgencyKey(key);
  }

  async agencyKeyExists(agencyId: string, kid: string): Promise<boolean> {
    return this.db.getRepository(AgencyKeyEntity).existsBy({ agencyId, kid });
  }

  async insertAgencyKey(key: NewAgencyKey): Promise<void> {
    await this.db.query(
      `INSERT INTO agency_key (agency_id, kid, use, alg, public_jwk, not_after, status)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, 'active')`,
      [key.agencyId, key.kid, key.use, key.alg, JSON.stringify(key.publicJwk), key.notAfter],
    );
  }

  /** Revokes an active or retired key; false when there is none to revoke. */
  async revokeAgencyKey(agencyId: string, kid: string, at: Date): Promise<boolean> {
    const result: [unknown[], number] = await this.db.query(
      `UPDATE agency_key SET status = 'revoked', revoked_at = $3
        WHERE agency_id = $1 AND kid = $2 AND status <> 'revoked'`,
      [agencyId, kid, at],
    );
    return result[1] > 0;
  }

  /** Whether any holder (an officer or an agency) has a key of this kid. */
  async kidTaken(kid: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM officer_key WHERE kid = $1 UNION ALL SELECT 1 FROM agency_key WHERE kid = $1`,
      [kid],
    );
    return rows.length > 0;
  }

  /** The officers of an agency, active and revoked, by officer then enrolment time. */
  async officersOf(agencyId: string): Promise<OfficerKeyRow[]> {
    const rows: OfficerKeySql[] = await this.db.query(
      `SELECT ${OFFICER_KEY_COLUMNS}
         FROM officer_key WHERE agency_id = $1 ORDER BY officer_id, enrolled_at`,
      [agencyId],
    );
    return rows.map(officerKeyRowOf);
  }

  /** Enrols the key; undefined when the officer already has an active one. */
  async insertOfficerKey(key: NewOfficerKey): Promise<OfficerKeyRow | undefined> {
    const rows: OfficerKeySql[] = await this.db.query(
      `INSERT INTO officer_key (agency_id, kid, officer_id, alg, public_jwk, roles, enrolled_by)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)
       ON CONFLICT DO NOTHING
       RETURNING ${OFFICER_KEY_COLUMNS}`,
      [
        key.agencyId,
        key.kid,
        key.officerId,
        key.alg,
        JSON.stringify(key.publicJwk),
        JSON.stringify(key.roles),
        key.enrolledBy,
      ],
    );
    const row = rows[0];
    return row && officerKeyRowOf(row);
  }

  /** Revokes the officer's active key; undefined when there is none. */
  async revokeOfficerKey(
    agencyId: string,
    officerId: string,
    revokedBy: string,
  ): Promise<OfficerKeyRow | undefined> {
    const result: [OfficerKeySql[], number] = await this.db.query(
      `UPDATE officer_key SET status = 'revoked', revoked_at = now(), revoked_by = $3
        WHERE agency_id = $1 AND officer_id = $2 AND status = 'active'
        RETURNING ${OFFICER_KEY_COLUMNS}`,
      [agencyId, officerId, revokedBy],
    );
    const row = result[0][0];
    return row && officerKeyRowOf(row);
  }

  /** Creates the group, or sets its jurisdictions when it exists. */
  async upsertGroup(id: string, jurisdictions: readonly string[]): Promise<void> {
    await this.db.query(
      `INSERT INTO jurisdiction_group (id, jurisdictions) VALUES ($1, $2::jsonb)
       ON CONFLICT (id) DO UPDATE SET jurisdictions = EXCLUDED.jurisdictions`,
      [id, JSON.stringify(jurisdictions)],
    );
  }

  /** Inserts the agency (ACTIVE) unless one of its id exists, which is left as it is. */
  async insertAgencyIfAbsent(agency: NewAgency, custodial: boolean): Promise<void> {
    await this.db.query(
      `${AGENCY_INSERT} ON CONFLICT (id) DO NOTHING`,
      agencyParams(agency, custodial),
    );
  }

  /**
   * Inserts a hub operator agency (it grants officers these roles and
   * receives no feed) unless one of its id exists.
   */
  async insertOperatorIfAbsent(operator: NewOperator): Promise<void> {
    await this.db.query(
      `INSERT INTO agency (id, name, jurisdiction, kind, grantable_roles, receives_feed)
       VALUES ($1, $2, $3, 'HUB_OPERATOR', $4::jsonb, false) ON CONFLICT (id) DO NOTHING`,
      [operator.id, operator.name, operator.jurisdiction, JSON.stringify(operator.grantableRoles)],
    );
  }

  /**
   * Registers an agency key, active and valid since a day ago (so tokens
   * issued just now verify whatever the clocks' skew), unless the agency
   * already has a key of that kid.
   */
  async insertActiveKeyIfAbsent(key: Omit<NewAgencyKey, 'notAfter'>): Promise<void> {
    await this.db.query(
      `INSERT INTO agency_key (agency_id, kid, use, alg, public_jwk, not_before, status)
       VALUES ($1, $2, $3, $4, $5::jsonb, now() - interval '1 day', 'active') ON CONFLICT DO NOTHING`,
      [key.agencyId, key.kid, key.use, key.alg, JSON.stringify(key.publicJwk)],
    );
  }

  /** Every active agency key (any agency's), in no particular order. */
  async activeAgencyKeys(): Promise<ActiveAgencyKey[]> {
    const rows: { agency_id: string; kid: string; alg: string; public_jwk: object }[] =
      await this.db.query(
        `SELECT agency_id, kid, alg, public_jwk FROM agency_key WHERE status = 'active'`,
      );
    return rows.map((r) => ({
      agencyId: r.agency_id,
      kid: r.kid,
      alg: r.alg,
      publicJwk: r.public_jwk,
    }));
  }

  /** Revokes the officer's active keys other than `keep`, by `revokedBy`. */
  async revokeOfficerKeysExcept(
    agencyId: string,
    officerId: string,
    keep: string,
    revokedBy: string,
  ): Promise<void> {
    await this.db.query(
      `UPDATE officer_key SET status = 'revoked', revoked_at = now(), revoked_by = $4
        WHERE agency_id = $1 AND officer_id = $2 AND status = 'active' AND kid <> $3`,
      [agencyId, officerId, keep, revokedBy],
    );
  }

  /**
   * Enrols the key, or when the agency already holds that kid and it is
   * active, sets its roles to these (a revoked key stays revoked).
   */
  async enrolOrUpdateRoles(key: NewOfficerKey): Promise<void> {
    await this.db.query(
      `INSERT INTO officer_key (agency_id, kid, officer_id, alg, public_jwk, roles, enrolled_by)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)
       ON CONFLICT (agency_id, kid) DO UPDATE SET roles = EXCLUDED.roles
         WHERE officer_key.status = 'active'`,
      [
        key.agencyId,
        key.kid,
        key.officerId,
        key.alg,
        JSON.stringify(key.publicJwk),
        JSON.stringify(key.roles),
        key.enrolledBy,
      ],
    );
  }
}
