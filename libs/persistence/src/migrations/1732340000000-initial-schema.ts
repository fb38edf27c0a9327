/**
 * The hub's schema. The share ledger and the law-enforcement log are append-only:
 * the application role has no UPDATE/DELETE/TRUNCATE on them and a trigger refuses
 * those statements for everyone else too.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1732340000000 implements MigrationInterface {
  name = 'InitialSchema1732340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'liaison_app') THEN
          CREATE ROLE liaison_app NOLOGIN;
        END IF;
      END $$;
    `);
    await q.query(`
      CREATE TABLE agency (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
        name text NOT NULL,
        jurisdiction text NOT NULL,
        kind text NOT NULL,
        status text NOT NULL DEFAULT 'ACTIVE',
        accreditations jsonb NOT NULL DEFAULT '[]',
        accepted_purposes jsonb NOT NULL DEFAULT '[]',
        retention_days integer NOT NULL DEFAULT 365,
        groups jsonb NOT NULL DEFAULT '[]',
        custodial boolean NOT NULL DEFAULT false,
        -- roles its officers may hold; oversight and admin only where granted
        grantable_roles jsonb NOT NULL DEFAULT '["publisher","subscriber","liaison","policy-author","policy-approver"]',
        receives_feed boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE agency_key (
        agency_id text NOT NULL REFERENCES agency(id),
        kid text NOT NULL CHECK (kid ~ '^[A-Za-z0-9._-]{1,64}$'),
        use text NOT NULL CHECK (use IN ('sig','enc')),
        alg text NOT NULL,
        public_jwk jsonb NOT NULL CHECK (NOT (public_jwk ? 'd')),
        not_before timestamptz NOT NULL DEFAULT now(),
        not_after timestamptz,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','retired','revoked')),
        revoked_at timestamptz,
        PRIMARY KEY (agency_id, kid)
      );
      CREATE TABLE jurisdiction_group (
        id text PRIMARY KEY,
        jurisdictions jsonb NOT NULL
      );
      CREATE TABLE policy_version (
        id uuid PRIMARY KEY,
        jurisdiction text NOT NULL,
        version text NOT NULL,
        document jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('draft','approved','rejected','superseded')),
        author_officer text NOT NULL,
        author_agency text NOT NULL,
        approver_officer text,
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz
      );
      CREATE UNIQUE INDEX policy_version_one_active ON policy_version (jurisdiction) WHERE status = 'approved';
      CREATE TABLE seen_token (
        issuer text NOT NULL,
        jti text NOT NULL,
        expires_at timestamptz NOT NULL,
        -- where it was first seen (e.g. a Kafka partition:offset): seeing it again
        -- from the same place is a re-delivery after a crash, not a replay
        source text NOT NULL DEFAULT '',
        PRIMARY KEY (issuer, jti)
      );
      CREATE TABLE submission (
        message_id uuid PRIMARY KEY,
        originator_agency text NOT NULL,
        kind text NOT NULL,
        message_type text NOT NULL,
        case_ref text,
        idempotency_key text,
        custodial boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'ACCEPTED',
        received_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        UNIQUE (originator_agency, idempotency_key)
      );
      CREATE TABLE share_ledger (
        seq bigint PRIMARY KEY,
        leaf_hash text NOT NULL,
        message_id uuid NOT NULL,
        kind text NOT NULL,
        message_type text NOT NULL,
        case_ref text,
        originator_agency text NOT NULL,
        originator_jurisdiction text NOT NULL,
        recipient_agency text NOT NULL,
        recipient_jurisdiction text NOT NULL,
        decision text NOT NULL CHECK (decision IN ('FULL','REDACTED','DENIED')),
        rules jsonb NOT NULL,
        disclosed_paths jsonb NOT NULL,
        withheld jsonb NOT NULL,
        policy_version text NOT NULL,
        presentation_digest text,
        custodial boolean NOT NULL,
        decided_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (message_id, recipient_agency)
      );
      CREATE INDEX share_ledger_originator ON share_ledger (originator_agency, seq);
      CREATE INDEX share_ledger_recipient ON share_ledger (recipient_agency, seq);
      CREATE INDEX share_ledger_case ON share_ledger (case_ref);
      CREATE TABLE ledger_checkpoint (
        tree_size bigint PRIMARY KEY,
        root_hash text NOT NULL,
        jws text NOT NULL,
        issued_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE message_content (
        message_id uuid PRIMARY KEY,
        sd_jwt text NOT NULL,
        retain_until timestamptz NOT NULL
      );
      CREATE TABLE delivery_content (
        message_id uuid NOT NULL,
        recipient_agency text NOT NULL,
        presentation text NOT NULL,
        retain_until timestamptz NOT NULL,
        PRIMARY KEY (message_id, recipient_agency)
      );
      CREATE INDEX delivery_content_retention ON delivery_content (retain_until);
      CREATE TABLE feed_entry (
        id bigserial PRIMARY KEY,
        agency_id text NOT NULL,
        message_id uuid NOT NULL,
        kafka_offset bigint NOT NULL,
        delivery jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (agency_id, kafka_offset)
      );
      CREATE INDEX feed_entry_agency ON feed_entry (agency_id, id);
      CREATE TABLE case_event (
        message_id uuid PRIMARY KEY,
        originator_agency text NOT NULL,
        jurisdiction text NOT NULL,
        case_ref text,
        notice_type text NOT NULL,
        outcome text,
        occurred_at timestamptz NOT NULL
      );
      CREATE TABLE le_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL CHECK (action IN ('COLLECTION','ALTERATION','CONSULTATION','DISCLOSURE','COMBINATION','ERASURE')),
        subject text NOT NULL,
        justification text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX le_log_at ON le_log (at);
    `);
    await q.query(`
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER share_ledger_append_only BEFORE UPDATE OR DELETE ON share_ledger
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER share_ledger_no_truncate BEFORE TRUNCATE ON share_ledger
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER le_log_append_only BEFORE UPDATE OR DELETE ON le_log
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER le_log_no_truncate BEFORE TRUNCATE ON le_log
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
      CREATE TRIGGER checkpoint_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoint
        FOR EACH ROW EXECUTE FUNCTION refuse_change();
    `);
    await q.query(`
      GRANT SELECT, INSERT, UPDATE ON agency, agency_key, jurisdiction_group, policy_version, submission TO liaison_app;
      GRANT SELECT, INSERT, DELETE ON seen_token, message_content, delivery_content TO liaison_app;
      GRANT SELECT, INSERT ON share_ledger, ledger_checkpoint, le_log, feed_entry, case_event TO liaison_app;
      GRANT USAGE ON SEQUENCE feed_entry_id_seq, le_log_id_seq TO liaison_app;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE IF EXISTS le_log, case_event, feed_entry, delivery_content, message_content,
        ledger_checkpoint, share_ledger, submission, seen_token, policy_version,
        jurisdiction_group, agency_key, agency CASCADE;
      DROP FUNCTION IF EXISTS refuse_change();
    `);
  }
}
