/**
 * A throwaway directory for one bench run: its own database (liaison_bench_<id>,
 * migrated with the hub's migrations, dropped at the end) holding 4 publisher
 * agencies (NL, DE, FR, RO; no feed of their own), 200 recipient agencies
 * bench-a001..bench-a200 in group BENCH, and one approved policy per publisher
 * jurisdiction that shares every message type with BENCH (withholding financial
 * identifiers, so some deliveries are redacted as in real traffic). Fan-out F is
 * set by letting only the first F recipients receive feeds. Recipients have no
 * encryption key: feeds are plaintext (JWE cost is in the crypto micro-benchmarks).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { generateAgencyKeys, type GeneratedAgencyKeys } from '@liaison/crypto';
import { runMigrations } from '@liaison/persistence';
import { policyDocumentVersion, type PolicyDocument } from '@liaison/policy';
import { ROOT } from './common';
import type { Publisher } from './presign';

export const PUBLISHER_JURISDICTIONS = ['NL', 'DE', 'FR', 'RO'] as const;
export const MAX_RECIPIENTS = 200;
export const RECIPIENT_JURISDICTIONS = [
  'AT',
  'BE',
  'CZ',
  'DK',
  'ES',
  'FI',
  'IE',
  'IT',
  'PL',
  'PT',
  'SE',
];
export const PURPOSES = ['INVESTIGATION', 'VICTIM_SUPPORT', 'BORDER_CONTROL', 'RESEARCH'];
const BENCH_DIR = path.join(ROOT, '.local/bench');

export const recipientId = (i: number): string => `bench-a${String(i + 1).padStart(3, '0')}`;

export interface BenchKeys {
  readonly publishers: Publisher[];
  /** Signing keys of the recipients (for gateway tokens). */
  readonly recipients: Record<string, GeneratedAgencyKeys>;
}

/** Bench agencies' keys, kept under .local/bench so pre-signed messages can be reused. */
export function benchKeys(): BenchKeys {
  mkdirSync(BENCH_DIR, { recursive: true, mode: 0o700 });
  const file = path.join(BENCH_DIR, 'agencies.keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as BenchKeys;
  const keys: BenchKeys = {
    publishers: PUBLISHER_JURISDICTIONS.map((j) => ({
      agencyId: `bench-pub-${j.toLowerCase()}`,
      signing: generateAgencyKeys('EdDSA'),
    })),
    recipients: Object.fromEntries(
      Array.from({ length: MAX_RECIPIENTS }, (_, i) => [
        recipientId(i),
        generateAgencyKeys('EdDSA'),
      ]),
    ),
  };
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

export function benchDir(): string {
  mkdirSync(BENCH_DIR, { recursive: true, mode: 0o700 });
  return BENCH_DIR;
}

function adminUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function policyFor(jurisdiction: string): PolicyDocument {
  return {
    jurisdiction,
    outbound: [
      {
        id: `${jurisdiction}-BENCH-01`,
        effect: 'share',
        to: { groups: ['BENCH'] },
        messageTypes: '*',
        maxTlp: 'AMBER',
        maxHandlingCode: 'H2',
        purposes: [...PURPOSES] as PolicyDocument['outbound'][number]['purposes'],
        withhold: ['financialIdentifiers[]'],
        releaseVictimIdentity: true,
        releaseMinorIdentity: false,
        description: 'Bench: everything to the bench group, no financial identifiers.',
      },
    ],
  };
}

export class BenchWorld {
  readonly url: string;

  private constructor(
    private readonly baseUrl: string,
    readonly database: string,
  ) {
    this.url = adminUrl(baseUrl, database);
  }

  static async create(baseUrl: string, runId: string, keys: BenchKeys): Promise<BenchWorld> {
    const world = new BenchWorld(baseUrl, `liaison_bench_${runId.replace(/[^a-z0-9_]/g, '_')}`);
    const admin = new Client({ connectionString: adminUrl(baseUrl, 'postgres') });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${world.database}"`);
      await admin.query(`CREATE DATABASE "${world.database}"`);
    } finally {
      await admin.end();
    }
    await runMigrations(world.url);
    await world.seed(keys);
    return world;
  }

  private async seed(keys: BenchKeys): Promise<void> {
    const db = new Client({ connectionString: this.url });
    await db.connect();
    try {
      await db.query('BEGIN');
      const groupMembers = [...PUBLISHER_JURISDICTIONS, ...RECIPIENT_JURISDICTIONS];
      await db.query(
        `INSERT INTO jurisdiction_group (id, jurisdictions) VALUES ('BENCH', $1::jsonb)`,
        [JSON.stringify(groupMembers)],
      );
      const insertAgency = `INSERT INTO agency (id, name, jurisdiction, kind, accreditations, accepted_purposes, retention_days, groups, receives_feed)
        VALUES ($1, $2, $3, 'LAW_ENFORCEMENT', $4::jsonb, $5::jsonb, 365, '["BENCH"]'::jsonb, $6)`;
      const insertKey = `INSERT INTO agency_key (agency_id, kid, use, alg, public_jwk, not_before, status)
        VALUES ($1, $2, 'sig', $3, $4::jsonb, now() - interval '1 day', 'active')`;
      const accreditations = JSON.stringify([
        'VICTIM_SUPPORT',
        'MINOR_PROTECTION',
        'DATA_PROTECTION_LED',
      ]);
      for (const [i, p] of keys.publishers.entries()) {
        const j = PUBLISHER_JURISDICTIONS[i] ?? 'NL';
        await db.query(insertAgency, [
          p.agencyId,
          `Bench publisher ${j}`,
          j,
          accreditations,
          JSON.stringify(PURPOSES),
          false,
        ]);
        await db.query(insertKey, [
          p.agencyId,
          p.signing.kid,
          p.signing.alg,
          JSON.stringify(p.signing.publicJwk),
        ]);
      }
      for (let i = 0; i < MAX_RECIPIENTS; i++) {
        const id = recipientId(i);
        const j = RECIPIENT_JURISDICTIONS[i % RECIPIENT_JURISDICTIONS.length] ?? 'AT';
        await db.query(insertAgency, [
          id,
          `Bench recipient ${i + 1}`,
          j,
          accreditations,
          JSON.stringify(PURPOSES),
          true,
        ]);
        const k = keys.recipients[id];
        if (k) await db.query(insertKey, [id, k.kid, k.alg, JSON.stringify(k.publicJwk)]);
      }
      for (const j of PUBLISHER_JURISDICTIONS) {
        const doc = policyFor(j);
        await db.query(
          `INSERT INTO policy_version (id, jurisdiction, version, document, status, author_officer, author_agency, approver_officer, decided_at)
           VALUES ($1, $2, $3, $4::jsonb, 'approved', 'bench', 'bench', 'bench', now())`,
          [randomUUID(), j, policyDocumentVersion(doc), JSON.stringify(doc)],
        );
      }
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await db.end();
    }
  }

  /** Only the first `fanOut` recipients receive feeds (read by a worker at start-up). */
  async setFanOut(fanOut: number): Promise<void> {
    await this.query(`UPDATE agency SET receives_feed = (id <= $1) WHERE id LIKE 'bench-a%'`, [
      recipientId(fanOut - 1),
    ]);
  }

  /** Forgets seen message ids, so the same pre-signed messages can be published again. */
  async forgetReplays(): Promise<void> {
    await this.query('TRUNCATE seen_token');
  }

  async query(sql: string, params: unknown[] = []): Promise<unknown[]> {
    const db = new Client({ connectionString: this.url });
    await db.connect();
    try {
      return (await db.query(sql, params)).rows as unknown[];
    } finally {
      await db.end();
    }
  }

  async drop(): Promise<void> {
    const admin = new Client({ connectionString: adminUrl(this.baseUrl, 'postgres') });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${this.database}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
}
