/**
 * Directory changes: register an agency (with its public keys and its own feed
 * topic), add a key, revoke a key. Each change runs through withWorldChange (the
 * whole world compiled with the change, in its transaction: refused with the
 * reason and nothing stored if it does not compile), is logged (ALTERATION) in
 * that transaction and announced on hub.directory.v1 so workers reload.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { Kafka } from '@liaison/kafka';
import { KID_PATTERN, KeyDirectory, type Jwks, type PublicJwk } from '@liaison/crypto';
import { DomainError, isDomainError } from '@liaison/errors';
import { ensureTopics, feedTopic, feedTopicSpec } from '@liaison/kafka';
import {
  DirectoryRepository,
  appendLeLog,
  type NewAgency,
  type NewAgencyKey,
} from '@liaison/persistence';
import { ACCREDITATIONS, AGENCY_KINDS, PURPOSES } from '@liaison/policy';
import type { HubConfig } from '@liaison/config';
import { topicLayoutOf, withWorldChange, type World } from '@liaison/runtime';
import type { AuthContext } from '../auth/auth-context';
import type { DirectoryCache } from '../directory-cache';
import { announceAgency } from './directory-announcement';
import { CONFIG, DATA_SOURCE, DIRECTORY_CACHE, KAFKA } from '../tokens';

export interface AgencyRegistration {
  id: string;
  name: string;
  jurisdiction: string;
  kind: string;
  accreditations?: string[];
  acceptedPurposes: string[];
  retentionDays: number;
  groups?: string[];
  jwks: Jwks;
}

export interface KeyRegistration {
  jwk: Record<string, unknown>;
  /** When the key stops verifying (RFC 3339, in the future); none: until revoked. */
  notAfter?: string;
}

/** An RFC 3339 date-time with its offset, e.g. 2027-06-30T00:00:00Z. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * When a new key stops verifying (exclusive): absent, or a date-time in the
 * future. What is given is kept or refused, never dropped.
 */
export function keyNotAfter(value: unknown, now = new Date()): Date | undefined {
  if (value === undefined) return undefined;
  const at = typeof value === 'string' && DATE_TIME.test(value) ? new Date(value) : undefined;
  if (!at || Number.isNaN(at.getTime()))
    throw invalid('notAfter', 'an RFC 3339 date-time with its offset, e.g. 2027-06-30T00:00:00Z');
  if (at.getTime() <= now.getTime()) throw invalid('notAfter', 'must be in the future');
  return at;
}

function invalid(field: string, rule: string): DomainError {
  return new DomainError('directory.invalid', `${field}: ${rule}`, 'invalid-input', { field });
}

function checkKeys(agencyId: string, jwks: unknown): Jwks {
  if (
    typeof jwks !== 'object' ||
    jwks === null ||
    !Array.isArray((jwks as Jwks).keys) ||
    (jwks as Jwks).keys.length === 0
  ) {
    throw invalid('jwks', 'must be { "keys": [ ... ] } with at least one key');
  }
  try {
    // Validates kid, alg/use pairing and key material the same way verification will.
    KeyDirectory.fromJwks(agencyId, jwks as Jwks);
  } catch (error) {
    if (isDomainError(error))
      throw new DomainError('directory.bad-jwks', error.message, 'invalid-input');
    throw error;
  }
  for (const k of (jwks as Jwks).keys)
    if ('d' in k) throw invalid('jwks', 'must hold public keys only (found "d")');
  return jwks as Jwks;
}

/** A checked key as stored: ECDH-ES+A256KW keys encrypt, every other alg signs. */
function newKey(agencyId: string, key: PublicJwk, notAfter: Date | null): NewAgencyKey {
  // checkKeys has made sure of both; this only tells the compiler.
  if (typeof key.kid !== 'string' || typeof key.alg !== 'string')
    throw invalid('jwks', 'every key needs "kid" and "alg"');
  return {
    agencyId,
    kid: key.kid,
    use: key.alg === 'ECDH-ES+A256KW' ? 'enc' : 'sig',
    alg: key.alg,
    publicJwk: key,
    notAfter,
  };
}

@Injectable()
export class DirectoryAdmin {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(CONFIG) private readonly config: HubConfig,
    @Inject(DIRECTORY_CACHE) private readonly directory: DirectoryCache,
  ) {}

  /** Announces the agency as the committed change left it (`world`, compiled in its transaction). */
  private async announce(agencyId: string, world: World): Promise<void> {
    await this.directory.refresh().catch(() => undefined);
    await announceAgency(this.kafka, world, agencyId);
  }

  async register(
    auth: AuthContext,
    body: AgencyRegistration,
  ): Promise<{ id: string; feedTopic: string }> {
    const b = (body ?? {}) as Partial<AgencyRegistration>;
    if (typeof b.id !== 'string' || !/^[a-z0-9][a-z0-9-]{1,62}$/.test(b.id))
      throw invalid('id', 'must match ^[a-z0-9][a-z0-9-]{1,62}$');
    if (typeof b.name !== 'string' || b.name.length < 2 || b.name.length > 200)
      throw invalid('name', '2-200 characters');
    if (typeof b.jurisdiction !== 'string' || !/^[A-Z]{2,3}$/.test(b.jurisdiction))
      throw invalid('jurisdiction', 'two or three capital letters');
    if (typeof b.kind !== 'string' || !(AGENCY_KINDS as readonly string[]).includes(b.kind))
      throw invalid('kind', `one of ${AGENCY_KINDS.join(', ')}`);
    const accreditations = b.accreditations ?? [];
    if (
      !Array.isArray(accreditations) ||
      accreditations.some((a) => !(ACCREDITATIONS as readonly string[]).includes(a))
    ) {
      throw invalid('accreditations', `each one of ${ACCREDITATIONS.join(', ')}`);
    }
    if (
      !Array.isArray(b.acceptedPurposes) ||
      b.acceptedPurposes.some((p) => !(PURPOSES as readonly string[]).includes(p))
    ) {
      throw invalid('acceptedPurposes', `each one of ${PURPOSES.join(', ')}`);
    }
    if (
      typeof b.retentionDays !== 'number' ||
      !Number.isInteger(b.retentionDays) ||
      b.retentionDays < 1 ||
      b.retentionDays > 36500
    ) {
      throw invalid('retentionDays', 'an integer in [1, 36500]');
    }
    const groups = b.groups ?? [];
    if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string'))
      throw invalid('groups', 'a list of group names');
    const jwks = checkKeys(b.id, b.jwks);
    const agency: NewAgency = {
      id: b.id,
      name: b.name,
      jurisdiction: b.jurisdiction,
      kind: b.kind,
      accreditations,
      acceptedPurposes: b.acceptedPurposes,
      retentionDays: b.retentionDays,
      groups,
    };
    const keys = jwks.keys.map((k) => newKey(agency.id, k, null));
    const { world } = await withWorldChange(this.ds, async (tx) => {
      const directory = new DirectoryRepository(tx);
      if (await directory.agencyExists(agency.id))
        throw new DomainError(
          'directory.agency-exists',
          `agency ${agency.id} is already registered`,
          'conflict',
        );
      await directory.insertAgency(agency, keys);
      await appendLeLog(tx, [
        {
          actor: `${auth.agencyId}/${auth.officerId ?? '-'}`,
          action: 'ALTERATION',
          subject: `agency:${agency.id}`,
          justification: 'agency registration',
          details: { kids: jwks.keys.map((k) => k.kid) },
        },
      ]);
    });
    const layout = topicLayoutOf(this.config);
    await ensureTopics(
      this.kafka,
      [feedTopicSpec(b.id, b.retentionDays, layout)],
      layout.replicationFactor,
    );
    await this.announce(b.id, world);
    return { id: b.id, feedTopic: feedTopic(b.id) };
  }

  async addKey(
    auth: AuthContext,
    agencyId: string,
    body: KeyRegistration,
  ): Promise<{ kid: string }> {
    const jwks = checkKeys(agencyId, { keys: [body?.jwk] });
    const key = jwks.keys[0];
    if (!key) throw invalid('jwk', 'required');
    const notAfter = keyNotAfter(body?.notAfter);
    const { world } = await withWorldChange(this.ds, async (tx) => {
      const directory = new DirectoryRepository(tx);
      if (!(await directory.agencyExists(agencyId)))
        throw new DomainError('directory.unknown-agency', `no agency ${agencyId}`, 'not-found');
      if (await directory.agencyKeyExists(agencyId, String(key.kid)))
        throw new DomainError(
          'key.duplicate-kid',
          `kid ${String(key.kid)} is already registered for ${agencyId}`,
          'conflict',
        );
      await directory.insertAgencyKey(newKey(agencyId, key, notAfter ?? null));
      await appendLeLog(tx, [
        {
          actor: `${auth.agencyId}/${auth.officerId ?? '-'}`,
          action: 'ALTERATION',
          subject: `agency:${agencyId}`,
          justification: 'key added',
          details: { kid: key.kid, notAfter: notAfter?.toISOString() ?? null },
        },
      ]);
    });
    await this.announce(agencyId, world);
    return { kid: String(key.kid) };
  }

  async revoke(
    auth: AuthContext,
    agencyId: string,
    kid: string,
  ): Promise<{ kid: string; revokedAt: string }> {
    if (!KID_PATTERN.test(kid))
      throw new DomainError('key.bad-kid', 'kid must match [A-Za-z0-9._-]{1,64}');
    const revokedAt = new Date();
    const { world } = await withWorldChange(this.ds, async (tx) => {
      if (!(await new DirectoryRepository(tx).revokeAgencyKey(agencyId, kid, revokedAt)))
        throw new DomainError(
          'key.unknown-kid',
          `no active key ${kid} for ${agencyId}`,
          'not-found',
        );
      await appendLeLog(tx, [
        {
          actor: `${auth.agencyId}/${auth.officerId ?? '-'}`,
          action: 'ALTERATION',
          subject: `agency:${agencyId}`,
          justification: 'key revoked',
          details: { kid },
        },
      ]);
    });
    await this.announce(agencyId, world);
    return { kid, revokedAt: revokedAt.toISOString() };
  }
}
