/**
 * The gateway's view of the directory (agencies, keys, policies), re-read from
 * PostgreSQL at most every `ttlMs`, and at once after the gateway itself changes
 * it, so a revoked key stops verifying within a second everywhere.
 */
import type { DataSource } from 'typeorm';
import { compilePolicies, type CompiledPolicySet } from '@liaison/policy';
import { ALL_KNOWN_PATHS, DirectoryRepository, type DirectorySnapshot } from '@liaison/runtime';

export interface GatewayDirectory extends DirectorySnapshot {
  readonly compiled: CompiledPolicySet;
}

export class DirectoryCache {
  private current: GatewayDirectory | undefined;
  private loadedAt = 0;
  private loading: Promise<GatewayDirectory> | undefined;

  constructor(
    private readonly ds: DataSource,
    private readonly ttlMs = 1000,
  ) {}

  async get(): Promise<GatewayDirectory> {
    if (this.current && Date.now() - this.loadedAt < this.ttlMs) return this.current;
    return this.refresh();
  }

  refresh(): Promise<GatewayDirectory> {
    this.loading ??= (async () => {
      try {
        const snapshot = await new DirectoryRepository(this.ds).snapshot();
        const compiled = compilePolicies(
          snapshot.policies,
          snapshot.policyDirectory,
          ALL_KNOWN_PATHS,
        );
        this.current = { ...snapshot, compiled };
        this.loadedAt = Date.now();
        return this.current;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
