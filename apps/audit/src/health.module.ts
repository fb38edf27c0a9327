/** The audit service's small HTTP surface: health and metrics only. */
import { Module, type DynamicModule } from '@nestjs/common';
import type { HealthCheck, HubMetrics } from '@liaison/observability';
import { HEALTH_CHECKS, HealthController, METRICS } from '@liaison/runtime';

@Module({})
export class AuditHealthModule {
  static with(checks: readonly HealthCheck[], metrics: HubMetrics): DynamicModule {
    return {
      module: AuditHealthModule,
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_CHECKS, useValue: checks },
        { provide: METRICS, useValue: metrics },
      ],
    };
  }
}
