/**
 * Readiness: each dependency check runs with a deadline, so a dead broker or
 * database is reported within seconds instead of hanging the probe.
 */
export interface HealthCheck {
  readonly name: string;
  readonly check: () => Promise<void>;
}

export interface HealthReport {
  readonly status: 'ok' | 'unavailable';
  readonly checks: Record<string, { status: 'up' | 'down'; error?: string; ms: number }>;
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
    checks.map(async (c) => {
      const start = Date.now();
      try {
        await withDeadline(c.check(), deadlineMs);
        return [c.name, { status: 'up' as const, ms: Date.now() - start }] as const;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return [
          c.name,
          { status: 'down' as const, error: message, ms: Date.now() - start },
        ] as const;
      }
    }),
  );
  const report: HealthReport['checks'] = Object.fromEntries(results) as HealthReport['checks'];
  return {
    status: results.every(([, r]) => r.status === 'up') ? 'ok' : 'unavailable',
    checks: report,
  };
}
