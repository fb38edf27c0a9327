/**
 * The world the policy engine compiles: the directory (agencies, groups, keys)
 * and the approved policies, built and compiled as one value. Two rules keep one
 * bad administrative change from stopping the hub for everyone
 * (docs/threat-model.md, "A bad administrative change cannot stop the hub"):
 *
 * - every write that changes the world goes through `withWorldChange`: the
 *   change, then the whole world as it would be, compiled INSIDE the same
 *   transaction; a world that does not compile rolls the change back and is
 *   answered with the reason (4xx), so nothing of it is stored;
 * - every loader keeps the last world that compiled (see last-good-world.ts),
 *   for rows that bypass the API.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError, isDomainError } from '@liaison/errors';
import type { LinkWorld } from '@liaison/links';
import { agencyGroups, compilePolicies, type CompiledPolicySet } from '@liaison/policy';
import { DirectoryRepository, type DirectoryRows } from '@liaison/persistence';
import { directorySnapshotOf, type DirectorySnapshot } from './directory-snapshot';
import { ALL_KNOWN_PATHS } from '@liaison/messages';

export interface World extends DirectorySnapshot {
  readonly compiled: CompiledPolicySet;
}

/**
 * Pure: builds and compiles the world from its rows. Every refusal is a
 * DomainError with the problem's own code (e.g. policy.unknown-group); anything
 * unexpected a malformed row causes becomes `world.invalid` instead of a crash.
 */
export function compileWorld(rows: DirectoryRows): World {
  try {
    const snapshot = directorySnapshotOf(rows);
    const compiled = compilePolicies(snapshot.policies, snapshot.policyDirectory, ALL_KNOWN_PATHS);
    return { ...snapshot, compiled };
  } catch (error) {
    if (isDomainError(error)) throw error;
    throw new DomainError(
      'world.invalid',
      `the stored directory and policies do not compile: ${
        error instanceof Error ? error.message : String(error)
      }`,
      'invalid-input',
    );
  }
}

/** The world as the link reveal question sees it: parties and each jurisdiction's links rules. */
export function linkWorldOf(world: World): LinkWorld {
  const groups = world.policyDirectory.groups;
  return {
    parties: new Map(
      world.policyDirectory.agencies.map((a) => [
        a.id,
        {
          id: a.id,
          jurisdiction: a.jurisdiction,
          groups: [...agencyGroups(a, groups)],
          kind: a.kind,
          suspended: a.suspended,
        },
      ]),
    ),
    rules: new Map(world.policies.map((d) => [d.jurisdiction, d.links ?? []])),
  };
}

export async function loadWorld(db: DataSource | EntityManager): Promise<World> {
  return compileWorld(await new DirectoryRepository(db).rows());
}

/**
 * Runs `change` in a transaction, then compiles the whole world as the change
 * leaves it, in the same transaction, before commit. If it does not compile the
 * transaction rolls back and the refusal keeps the problem's code and category
 * (so 4xx with the reason); nothing of the change is stored. Changes take one
 * transaction-scoped advisory lock, so two changes that are each valid alone
 * cannot together commit a world that does not compile.
 */
export async function withWorldChange<T>(
  ds: DataSource,
  change: (tx: EntityManager) => Promise<T>,
): Promise<{ result: T; world: World }> {
  return ds.transaction(async (tx) => {
    await new DirectoryRepository(tx).lockForWorldChange();
    const result = await change(tx);
    let world: World;
    try {
      world = await loadWorld(tx);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      throw new DomainError(
        error.code,
        `change refused, nothing saved: the world would not compile: ${error.message}`,
        error.category === 'unavailable' ? 'invalid-input' : error.category,
        { ...error.details, refusedBy: 'world-validation' },
      );
    }
    return { result, world };
  });
}
