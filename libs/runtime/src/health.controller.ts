/**
 * Liveness, readiness (dependencies checked with a deadline) and Prometheus metrics.
 * No OpenAPI decorations: the workers never load @nestjs/swagger; the gateway keeps
 * these routes out of its document with its own subclass (gateway-health.controller.ts).
 */
import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { type HealthCheck, type HubMetrics, runHealthChecks } from '@liaison/observability';
import { Public } from './public-route';

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
export const METRICS = Symbol('METRICS');

@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(HEALTH_CHECKS) private readonly checks: readonly HealthCheck[],
    @Inject(METRICS) private readonly metrics: HubMetrics,
  ) {}

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() res: Response): Promise<void> {
    const report = await runHealthChecks(this.checks);
    // Degraded is still ready for traffic; the body says what is degraded and why.
    res.status(report.status === 'unavailable' ? 503 : 200).json(report);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async render(): Promise<string> {
    return this.metrics.render();
  }
}
