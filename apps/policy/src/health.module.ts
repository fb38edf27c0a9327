/** The worker's Nest module: health and metrics over HTTP (world changes: see world-changes.ts). */
import { Module, type DynamicModule } from '@nestjs/common';
import type { HealthCheck, HubMetrics } from '@liaison/observability';
import { HEALTH_CHECKS, HealthController, METRICS } from '@liaison/runtime';

@Module({})
export class WorkerHealthModule {
  static with(checks: readonly HealthCheck[], metrics: HubMetrics): DynamicModule {
    return {
      module: WorkerHealthModule,
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_CHECKS, useValue: checks },
        { provide: METRICS, useValue: metrics },
      ],
    };
  }
}
