/**
 * The gateway's view of the world (agencies, keys, officers, policies), loaded
 * at boot and reloaded when it changes: at once after this gateway's own
 * change, and on every world event on Kafka (`listenForWorldChanges`), so a key
 * or officer revoked through any gateway stops verifying on all of them within
 * the event's latency. If the stored world stops compiling, the last one that
 * compiled keeps being served (LastGoodWorld: degraded on /health/ready,
 * logged, counted, re-read every WORLD_RETRY_MS until fixed); with none at all
 * every request that needs it gets 503 `world.unavailable`.
 */
import type { DataSource } from 'typeorm';
import type { HealthCheck, HubMetrics, Logger } from '@liaison/observability';
import { DirectoryRepository } from '@liaison/persistence';
import { LastGoodWorld, WORLD_RETRY_MS, compileWorld, type World } from '@liaison/runtime';

export type GatewayDirectory = World;

export class DirectoryCache {
  private readonly world: LastGoodWorld<GatewayDirectory>;

  constructor(ds: DataSource, observe: { log: Logger; metrics: HubMetrics }) {
    this.world = new LastGoodWorld({
      read: async () => {
        const rows = await new DirectoryRepository(ds).rows();
        return () => compileWorld(rows);
      },
      log: observe.log,
      metrics: observe.metrics,
      describe: (w) => ({ worldVersion: w.compiled.worldVersion }),
    });
    this.world.retryWhileStale(WORLD_RETRY_MS);
  }

  /** The world being served (503 `world.unavailable` while none ever compiled). */
  get(): Promise<GatewayDirectory> {
    return Promise.resolve(this.world.require());
  }

  /** Reloads now: after this gateway's own change, on a world event, at boot. */
  async refresh(reason = 'refresh'): Promise<GatewayDirectory> {
    await this.world.reload(reason);
    return this.world.require();
  }

  healthCheck(): HealthCheck {
    return this.world.healthCheck();
  }

  stop(): void {
    this.world.stop();
  }
}
