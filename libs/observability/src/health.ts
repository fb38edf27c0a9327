/**
 * Readiness: each dependency check runs with a deadline, so a dead broker or
 * database is reported within seconds instead of hanging the probe. A check may
 * also answer "degraded" with a reason: the app still serves traffic (ready),
 * but visibly not as it should (e.g. it serves the last world that compiled
 * because the stored one does not).
 */
export interface HealthDegradation {
  readonly degraded: string;
}

export interface HealthCheck {
  readonly name: string;
  /** Resolves (up), resolves with a degradation (degraded, still ready) or rejects (down). */
  readonly check: () => Promise<void | HealthDegradation>;
}

export interface CheckResult {
  readonly status: 'up' | 'degraded' | 'down';
  readonly error?: string;
  readonly reason?: string;
  readonly ms: number;
}

export interface HealthReport {
  /** ok and degraded are ready for traffic; unavailable is not. */
  readonly status: 'ok' | 'degraded' | 'unavailable';
  readonly checks: Record<string, CheckResult>;
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function runHealthChecks(
  checks: readonly HealthCheck[],
  deadlineMs = 3000,
): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async (c): Promise<readonly [string, CheckResult]> => {
      const start = Date.now();
      try {
        const outcome = await withDeadline(c.check(), deadlineMs);
        if (outcome && typeof outcome.degraded === 'string') {
          return [c.name, { status: 'degraded', reason: outcome.degraded, ms: Date.now() - start }];
        }
        return [c.name, { status: 'up', ms: Date.now() - start }];
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return [c.name, { status: 'down', error: message, ms: Date.now() - start }];
      }
    }),
  );
  const report: HealthReport['checks'] = Object.fromEntries(results);
  const statuses = results.map(([, r]) => r.status);
  return {
    status: statuses.includes('down')
      ? 'unavailable'
      : statuses.includes('degraded')
        ? 'degraded'
        : 'ok',
    checks: report,
  };
}
