/**
 * The gateway's view of the world (agencies, keys, policies), re-read from
 * PostgreSQL at most every `ttlMs`, and at once after the gateway itself changes
 * it, so a revoked key stops verifying within a second everywhere. If the stored
 * world stops compiling, the last one that compiled keeps being served
 * (LastGoodWorld: degraded on /health/ready, logged, counted); with none at all
 * every request that needs it gets 503 `world.unavailable`.
 */
import type { DataSource } from 'typeorm';
import type { HealthCheck, HubMetrics, Logger } from '@liaison/observability';
import { DirectoryRepository, LastGoodWorld, compileWorld, type World } from '@liaison/runtime';

export type GatewayDirectory = World;

export class DirectoryCache {
  private readonly world: LastGoodWorld<GatewayDirectory>;

  constructor(
    ds: DataSource,
    observe: { log: Logger; metrics: HubMetrics },
    private readonly ttlMs = 1000,
  ) {
    this.world = new LastGoodWorld({
      read: async () => {
        const rows = await new DirectoryRepository(ds).rows();
        return () => compileWorld(rows);
      },
      log: observe.log,
      metrics: observe.metrics,
      describe: (w) => ({ worldVersion: w.compiled.worldVersion }),
    });
  }

  async get(): Promise<GatewayDirectory> {
    if (Date.now() - this.world.lastAttemptAt >= this.ttlMs) await this.world.reload('ttl');
    return this.world.require();
  }

  async refresh(): Promise<GatewayDirectory> {
    await this.world.reload('refresh');
    return this.world.require();
  }

  healthCheck(): HealthCheck {
    return this.world.healthCheck(() => this.get());
  }
}
