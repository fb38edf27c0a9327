/**
 * What the worker decides with: the compiled policy set, the key directory and
 * each recipient's jurisdiction and encryption key, loaded from PostgreSQL and
 * swapped atomically when a policy or directory event arrives (hot reload).
 */
import type { DataSource } from 'typeorm';
import type { KeyDirectory, PublicJwk } from '@liaison/crypto';
import { compilePolicies, type CompiledPolicySet } from '@liaison/policy';
import { ALL_KNOWN_PATHS, DirectoryRepository } from '@liaison/runtime';

export interface RecipientProfile {
  readonly jurisdiction: string;
  readonly retentionDays: number;
  readonly encryptionKey: PublicJwk | undefined;
}

export interface PolicySnapshot {
  readonly policies: CompiledPolicySet;
  readonly keys: KeyDirectory;
  readonly jurisdictionOf: ReadonlyMap<string, string>;
  readonly recipients: ReadonlyMap<string, RecipientProfile>;
  readonly loadedAt: Date;
}

export async function loadPolicySnapshot(ds: DataSource): Promise<PolicySnapshot> {
  const snap = await new DirectoryRepository(ds).snapshot();
  const policies = compilePolicies(snap.policies, snap.policyDirectory, ALL_KNOWN_PATHS);
  const encKeys = new Map<string, PublicJwk>();
  for (const k of snap.keyRows) {
    if (k.use === 'enc' && k.status === 'active')
      encKeys.set(k.agencyId, k.publicJwk as unknown as PublicJwk);
  }
  return {
    policies,
    keys: snap.keys,
    jurisdictionOf: new Map(snap.agencies.map((a) => [a.id, a.jurisdiction])),
    recipients: new Map(
      snap.agencies.map((a) => [
        a.id,
        {
          jurisdiction: a.jurisdiction,
          retentionDays: a.retentionDays,
          encryptionKey: encKeys.get(a.id),
        },
      ]),
    ),
    loadedAt: new Date(),
  };
}
