/**
 * What the worker decides with: the compiled policy set, the key directory and
 * each recipient's jurisdiction and encryption key, built from the world loaded
 * from PostgreSQL and swapped atomically when a policy or directory event
 * arrives (hot reload). The last snapshot that compiled is kept if the stored
 * world does not compile (see worldOfWorker and LastGoodWorld).
 */
import type { DataSource } from 'typeorm';
import type { KeyDirectory, PublicJwk } from '@liaison/crypto';
import type { HubMetrics, Logger } from '@liaison/observability';
import type { RecipientProfile } from '@liaison/fanout';
import type { CompiledPolicySet } from '@liaison/policy';
import { DirectoryRepository } from '@liaison/persistence';
import { LastGoodWorld, compileWorld, loadWorld, type World } from '@liaison/runtime';

export type { RecipientProfile };

export interface PolicySnapshot {
  readonly policies: CompiledPolicySet;
  readonly keys: KeyDirectory;
  readonly jurisdictionOf: ReadonlyMap<string, string>;
  readonly recipients: ReadonlyMap<string, RecipientProfile>;
  readonly loadedAt: Date;
}

/** Pure: the worker's view of a compiled world. */
export function policySnapshotOf(world: World): PolicySnapshot {
  const encKeys = new Map<string, PublicJwk>();
  for (const k of world.keyRows) {
    if (k.use === 'enc' && k.status === 'active')
      encKeys.set(k.agencyId, k.publicJwk as unknown as PublicJwk);
  }
  return {
    policies: world.compiled,
    keys: world.keys,
    jurisdictionOf: new Map(world.agencies.map((a) => [a.id, a.jurisdiction])),
    recipients: new Map(
      world.agencies.map((a) => [
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

/** Loads once, refusing a world that does not compile (benchmarks, tools). */
export async function loadPolicySnapshot(ds: DataSource): Promise<PolicySnapshot> {
  return policySnapshotOf(await loadWorld(ds));
}

/** The worker's loader: the last snapshot that compiled, reloaded on events. */
export function worldOfWorker(
  ds: DataSource,
  observe: { log: Logger; metrics: HubMetrics },
): LastGoodWorld<PolicySnapshot> {
  return new LastGoodWorld<PolicySnapshot>({
    read: async () => {
      const rows = await new DirectoryRepository(ds).rows();
      return () => policySnapshotOf(compileWorld(rows));
    },
    log: observe.log,
    metrics: observe.metrics,
    describe: (s) => ({ worldVersion: s.policies.worldVersion }),
  });
}
