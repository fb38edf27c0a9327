/** The worker's Nest module: health and metrics over HTTP, hot reload over Kafka. */
import { Module, type DynamicModule } from '@nestjs/common';
import type { HealthCheck, HubMetrics } from '@liaison/observability';
import { HEALTH_CHECKS, HealthController, METRICS } from '@liaison/runtime';
import {
  PolicyReloadController,
  SNAPSHOT_RELOADER,
  type SnapshotReloader,
} from './policy-reload.controller';

@Module({})
export class WorkerHealthModule {
  static with(
    checks: readonly HealthCheck[],
    metrics: HubMetrics,
    reloader: SnapshotReloader,
  ): DynamicModule {
    return {
      module: WorkerHealthModule,
      controllers: [HealthController, PolicyReloadController],
      providers: [
        { provide: HEALTH_CHECKS, useValue: checks },
        { provide: METRICS, useValue: metrics },
        { provide: SNAPSHOT_RELOADER, useValue: reloader },
      ],
    };
  }
}
