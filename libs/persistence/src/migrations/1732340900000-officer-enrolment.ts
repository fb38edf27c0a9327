/**
 * Officers are people: each officer holds an enrolled key of their own
 * (officer_key), with the roles the enrolment grants. Console sessions remember
 * the key they were opened with, so revoking it ends them at once. Policy drafts
 * and decisions name the keys and the signed statements they rest on; the
 * statements themselves live in officer_statement, an append-only hash chain
 * (docs/adr/0009-officer-keys-and-signed-statements.md).
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OfficerEnrolment1732340900000 implements MigrationInterface {
  name = 'OfficerEnrolment1732340900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE officer_key (
        agency_id text NOT NULL REFERENCES agency(id),
        kid text NOT NULL CHECK (kid ~ '^[A-Za-z0-9._-]{1,64}$'),
        officer_id text NOT NULL CHECK (officer_id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
        alg text NOT NULL CHECK (alg IN ('EdDSA','ES256')),
        public_jwk jsonb NOT NULL CHECK (NOT (public_jwk ? 'd')),
        roles jsonb NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','revoked')),
        enrolled_at timestamptz NOT NULL DEFAULT now(),
        enrolled_by text NOT NULL,
        revoked_at timestamptz,
        revoked_by text,
        PRIMARY KEY (agency_id, kid)
      );
      -- One person, one current key.
      CREATE UNIQUE INDEX officer_key_one_active ON officer_key (agency_id, officer_id) WHERE status = 'active';
      ALTER TABLE console_session ADD COLUMN officer_kid text;
      ALTER TABLE policy_version
        ADD COLUMN author_kid text,
        ADD COLUMN decider_officer text,
        ADD COLUMN decider_kid text,
        ADD COLUMN decision_reason text,
        ADD COLUMN draft_statement bigint,
        ADD COLUMN decision_statement bigint;
      -- Agencies may name an officer administrator who enrols their officers.
      ALTER TABLE agency ALTER COLUMN grantable_roles
        SET DEFAULT '["publisher","subscriber","liaison","policy-author","policy-approver","officer-admin"]';
      UPDATE agency SET grantable_roles = grantable_roles || '["officer-admin"]'::jsonb
        WHERE receives_feed AND NOT grantable_roles ? 'officer-admin';
      GRANT SELECT, INSERT, UPDATE ON officer_key TO liaison_app;
    `);
    await q.query(`
      CREATE TABLE officer_statement (
        seq bigint PRIMARY KEY,
        agency_id text NOT NULL,
        officer_id text NOT NULL,
        kid text NOT NULL,
        act text NOT NULL,
        subject text NOT NULL,
        jti text NOT NULL,
        jws text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (agency_id, jti)
      );
      CREATE INDEX officer_statement_subject ON officer_statement (subject, seq);
      CREATE TRIGGER officer_statement_append_only BEFORE UPDATE OR DELETE ON officer_statement
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER officer_statement_no_truncate BEFORE TRUNCATE ON officer_statement
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
      GRANT SELECT, INSERT ON officer_statement TO liaison_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS officer_statement, officer_key;
      ALTER TABLE console_session DROP COLUMN IF EXISTS officer_kid;
      ALTER TABLE policy_version
        DROP COLUMN IF EXISTS author_kid, DROP COLUMN IF EXISTS decider_officer,
        DROP COLUMN IF EXISTS decider_kid,
        DROP COLUMN IF EXISTS decision_reason, DROP COLUMN IF EXISTS draft_statement,
        DROP COLUMN IF EXISTS decision_statement;
    `);
  }
}
