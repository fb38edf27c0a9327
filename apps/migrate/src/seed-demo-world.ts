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
import { DirectoryRepository, PolicyRepository } from '@liaison/persistence';
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

/** Who the seeded officers and policies say enrolled and wrote them. */
const SEED_ACTOR = 'seed';

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
    const stored = new DirectoryRepository(tx);
    for (const [id, jurisdictions] of Object.entries(directory.groups)) {
      await stored.upsertGroup(id, jurisdictions);
    }
    for (const a of directory.agencies) {
      await stored.insertAgencyIfAbsent(
        {
          id: a.id,
          name: a.name,
          jurisdiction: a.jurisdiction,
          kind: a.kind,
          accreditations: a.accreditations,
          acceptedPurposes: a.acceptedPurposes,
          retentionDays: a.retentionDays,
          groups: a.groups ?? [],
        },
        operators.custodial.includes(a.id),
      );
    }
    for (const o of operators.operators) await stored.insertOperatorIfAbsent(o);
    // Custodial agencies: the hub holds a signing key on their behalf (file, not database);
    // its public half is registered like any agency key.
    for (const id of operators.custodial) {
      const key = new HubKeyFiles(options.hubKeysDir).createCustodialKey(id);
      await stored.insertActiveKeyIfAbsent({
        agencyId: id,
        kid: key.kid,
        use: 'sig',
        alg: key.alg,
        publicJwk: key.publicJwk,
      });
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
        await stored.insertActiveKeyIfAbsent({
          agencyId: id,
          kid: k.kid,
          use: k.alg === 'ECDH-ES+A256KW' ? 'enc' : 'sig',
          alg: k.alg,
          publicJwk: k.publicJwk,
        });
      }
    }
    // The demo's officers, each with a key of their own (the private half in the
    // agency's key folder, as the officer's own machine would hold it).
    for (const o of officers.officers) {
      const keys = readOrCreateOfficerKeyFile(options.agencyKeysDir, o.agency, o.officer);
      const k = keys.signing;
      await stored.revokeOfficerKeysExcept(o.agency, o.officer, k.kid, SEED_ACTOR);
      await stored.enrolOrUpdateRoles({
        agencyId: o.agency,
        officerId: o.officer,
        kid: k.kid,
        alg: k.alg,
        publicJwk: k.publicJwk,
        roles: o.roles,
        enrolledBy: SEED_ACTOR,
      });
    }
    const policies = new PolicyRepository(tx);
    for (const doc of documents) {
      const version = policyDocumentVersion(doc);
      if ((await policies.approvedVersion(doc.jurisdiction)) === version) continue;
      await policies.replaceApproved({
        id: randomUUID(),
        jurisdiction: doc.jurisdiction,
        version,
        document: doc,
        authorOfficer: SEED_ACTOR,
        authorAgency: 'hub-ops',
        approverOfficer: 'seed-bootstrap',
      });
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
    const keyRows = await new DirectoryRepository(ds).activeAgencyKeys();
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
                .filter((k) => k.agencyId === a.id)
                .map((k) => ({
                  kid: k.kid,
                  alg: k.alg as 'EdDSA',
                  publicJwk: k.publicJwk as never,
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
