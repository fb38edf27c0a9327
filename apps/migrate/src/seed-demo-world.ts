/**
 * Loads the demo world from deploy/seed/: agencies, groups, operator agencies,
 * enrolled officers (a key each),
 * each agency's public keys (the private halves stay in the agency's own key
 * folder), the approved policy of every jurisdiction, and the Kafka topics.
 * Idempotent: re-running changes nothing that is already in place.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { codecFor } from '@liaison/contracts';
import { renderJwks } from '@liaison/crypto';
import {
  Topic,
  ensureTopics,
  feedTopicSpec,
  fixedTopicSpecs,
  whileTopicsSettle,
  type TopicLayout,
} from '@liaison/kafka';
import type { Kafka } from '@liaison/kafka';
import {
  compilePolicies,
  parseDirectory,
  parsePolicyDocument,
  policyDocumentVersion,
  type PolicyDocument,
} from '@liaison/policy';
import { ALL_KNOWN_PATHS } from '@liaison/messages';
import {
  HubKeyFiles,
  readOrCreateAgencyKeyFile,
  readOrCreateOfficerKeyFile,
} from '@liaison/local-files';
import { withWorldChange } from '@liaison/runtime';

interface OperatorSeed {
  readonly operators: readonly {
    id: string;
    name: string;
    jurisdiction: string;
    grantableRoles: string[];
  }[];
  readonly encryptedFeeds: readonly string[];
  readonly custodial: readonly string[];
}

interface OfficerSeed {
  readonly officers: readonly { agency: string; officer: string; roles: string[] }[];
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

export interface SeedResult {
  readonly agencies: number;
  readonly policies: number;
  readonly topicsCreated: number;
}

export async function seedDemoWorld(
  ds: DataSource,
  kafka: Kafka,
  options: { seedDir: string; agencyKeysDir: string; hubKeysDir: string; layout: TopicLayout },
): Promise<SeedResult> {
  const directory = parseDirectory(
    readJson(path.join(options.seedDir, 'directory.json')),
    readJson(path.join(options.seedDir, 'groups.json')),
  );
  const operators = readJson(path.join(options.seedDir, 'operators.json')) as OperatorSeed;
  const officers = readJson(path.join(options.seedDir, 'officers.json')) as OfficerSeed;
  const documents: PolicyDocument[] = readdirSync(path.join(options.seedDir, 'policies'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => parsePolicyDocument(readJson(path.join(options.seedDir, 'policies', f))));
  // Refuse an invalid world before writing anything.
  compilePolicies(documents, directory, ALL_KNOWN_PATHS);

  // Through the same check as every admin change: the whole stored world, compiled in the transaction.
  await withWorldChange(ds, async (tx) => {
    for (const [id, jurisdictions] of Object.entries(directory.groups)) {
      await tx.query(
        `INSERT INTO jurisdiction_group (id, jurisdictions) VALUES ($1, $2::jsonb)
         ON CONFLICT (id) DO UPDATE SET jurisdictions = EXCLUDED.jurisdictions`,
        [id, JSON.stringify(jurisdictions)],
      );
    }
    for (const a of directory.agencies) {
      await tx.query(
        `INSERT INTO agency (id, name, jurisdiction, kind, accreditations, accepted_purposes, retention_days, groups, custodial)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8::jsonb, $9) ON CONFLICT (id) DO NOTHING`,
        [
          a.id,
          a.name,
          a.jurisdiction,
          a.kind,
          JSON.stringify(a.accreditations),
          JSON.stringify(a.acceptedPurposes),
          a.retentionDays,
          JSON.stringify(a.groups ?? []),
          operators.custodial.includes(a.id),
        ],
      );
    }
    for (const o of operators.operators) {
      await tx.query(
        `INSERT INTO agency (id, name, jurisdiction, kind, grantable_roles, receives_feed)
         VALUES ($1, $2, $3, 'HUB_OPERATOR', $4::jsonb, false) ON CONFLICT (id) DO NOTHING`,
        [o.id, o.name, o.jurisdiction, JSON.stringify(o.grantableRoles)],
      );
    }
    // Custodial agencies: the hub holds a signing key on their behalf (file, not database);
    // its public half is registered like any agency key.
    for (const id of operators.custodial) {
      const key = new HubKeyFiles(options.hubKeysDir).createCustodialKey(id);
      await tx.query(
        `INSERT INTO agency_key (agency_id, kid, use, alg, public_jwk, not_before, status)
         VALUES ($1, $2, 'sig', $3, $4::jsonb, now() - interval '1 day', 'active') ON CONFLICT DO NOTHING`,
        [id, key.kid, key.alg, JSON.stringify(key.publicJwk)],
      );
    }
    // The hub link key (file, never the database): created here for the demo world
    // so the worker finds it; the worker also creates it on first use.
    new HubKeyFiles(options.hubKeysDir).linkKeyRing();
    const all = [...directory.agencies.map((a) => a.id), ...operators.operators.map((o) => o.id)];
    for (const id of all) {
      const keys = readOrCreateAgencyKeyFile(options.agencyKeysDir, id);
      const register = [
        keys.signing,
        ...(operators.encryptedFeeds.includes(id) ? [keys.encryption] : []),
      ];
      for (const k of register) {
        await tx.query(
          `INSERT INTO agency_key (agency_id, kid, use, alg, public_jwk, not_before, status)
           VALUES ($1, $2, $3, $4, $5::jsonb, now() - interval '1 day', 'active') ON CONFLICT DO NOTHING`,
          [
            id,
            k.kid,
            k.alg === 'ECDH-ES+A256KW' ? 'enc' : 'sig',
            k.alg,
            JSON.stringify(k.publicJwk),
          ],
        );
      }
    }
    // The demo's officers, each with a key of their own (the private half in the
    // agency's key folder, as the officer's own machine would hold it).
    for (const o of officers.officers) {
      const keys = readOrCreateOfficerKeyFile(options.agencyKeysDir, o.agency, o.officer);
      const k = keys.signing;
      await tx.query(
        `UPDATE officer_key SET status = 'revoked', revoked_at = now(), revoked_by = 'seed'
          WHERE agency_id = $1 AND officer_id = $2 AND status = 'active' AND kid <> $3`,
        [o.agency, o.officer, k.kid],
      );
      await tx.query(
        `INSERT INTO officer_key (agency_id, kid, officer_id, alg, public_jwk, roles, enrolled_by)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, 'seed')
         ON CONFLICT (agency_id, kid) DO UPDATE SET roles = EXCLUDED.roles
           WHERE officer_key.status = 'active'`,
        [o.agency, k.kid, o.officer, k.alg, JSON.stringify(k.publicJwk), JSON.stringify(o.roles)],
      );
    }
    for (const doc of documents) {
      const version = policyDocumentVersion(doc);
      const current: { version: string }[] = await tx.query(
        `SELECT version FROM policy_version WHERE jurisdiction = $1 AND status = 'approved'`,
        [doc.jurisdiction],
      );
      if (current[0]?.version === version) continue;
      await tx.query(
        `UPDATE policy_version SET status = 'superseded' WHERE jurisdiction = $1 AND status = 'approved'`,
        [doc.jurisdiction],
      );
      await tx.query(
        `INSERT INTO policy_version (id, jurisdiction, version, document, status, author_officer, author_agency, approver_officer, decided_at)
         VALUES ($1, $2, $3, $4::jsonb, 'approved', 'seed', 'hub-ops', 'seed-bootstrap', now())`,
        [randomUUID(), doc.jurisdiction, version, JSON.stringify(doc)],
      );
    }
  });

  // ensureTopics already waits out a broker that is still settling.
  const created = await ensureTopics(
    kafka,
    [
      ...fixedTopicSpecs(options.layout),
      ...directory.agencies.map((a) => feedTopicSpec(a.id, a.retentionDays, options.layout)),
    ],
    options.layout.replicationFactor,
  );

  // Tell running workers (hot reload) what the directory and policies now are.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const send = (record: Parameters<typeof producer.send>[0]): Promise<unknown> =>
    whileTopicsSettle(() => producer.send(record));

  try {
    const directoryCodec = codecFor('DirectoryEvent');
    const policyCodec = codecFor('PolicyEvent');
    const now = new Date().toISOString();
    const keyRows: {
      agency_id: string;
      kid: string;
      alg: string;
      public_jwk: Record<string, unknown>;
    }[] = await ds.query(
      `SELECT agency_id, kid, alg, public_jwk FROM agency_key WHERE status = 'active'`,
    );
    await send({
      topic: Topic.directory,
      messages: directory.agencies.map((a) => ({
        key: a.id,
        value: directoryCodec.encode({
          agencyId: a.id,
          name: a.name,
          jurisdiction: a.jurisdiction,
          kind: a.kind,
          jwks: JSON.stringify(
            renderJwks(
              keyRows
                .filter((k) => k.agency_id === a.id)
                .map((k) => ({
                  kid: k.kid,
                  alg: k.alg as 'EdDSA',
                  publicJwk: k.public_jwk as never,
                })),
            ),
          ),
          status: 'ACTIVE',
          updatedAt: now,
        }),
      })),
    });
    await send({
      topic: Topic.policies,
      messages: documents.map((d) => ({
        key: d.jurisdiction,
        value: policyCodec.encode({
          jurisdiction: d.jurisdiction,
          version: policyDocumentVersion(d),
          document: JSON.stringify(d),
          approvedBy: 'seed-bootstrap',
          approvedAt: now,
        }),
      })),
    });
  } finally {
    await producer.disconnect();
  }
  return {
    agencies: directory.agencies.length,
    policies: documents.length,
    topicsCreated: created.length,
  };
}
