import { runHealthChecks } from './health';

describe('runHealthChecks', () => {
  it('reports ok when every check passes', async () => {
    const report = await runHealthChecks([{ name: 'db', check: () => Promise.resolve() }]);
    expect(report.status).toBe('ok');
    expect(report.checks.db?.status).toBe('up');
  });

  it('reports a hanging dependency as down within the deadline', async () => {
    const started = Date.now();
    const report = await runHealthChecks(
      [
        { name: 'kafka', check: () => new Promise<void>(() => undefined) },
        { name: 'db', check: () => Promise.resolve() },
      ],
      100,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(report.status).toBe('unavailable');
    expect(report.checks.kafka).toMatchObject({ status: 'down', error: 'timed out after 100 ms' });
    expect(report.checks.db?.status).toBe('up');
  });

  it('reports a degraded check as ready but degraded, with its reason', async () => {
    const report = await runHealthChecks([
      { name: 'db', check: () => Promise.resolve() },
      { name: 'world', check: () => Promise.resolve({ degraded: 'stale: policy.unknown-group' }) },
    ]);
    expect(report.status).toBe('degraded');
    expect(report.checks.world).toMatchObject({
      status: 'degraded',
      reason: 'stale: policy.unknown-group',
    });
    expect(report.checks.db?.status).toBe('up');
  });

  it('a down check outweighs a degraded one', async () => {
    const report = await runHealthChecks([
      { name: 'world', check: () => Promise.resolve({ degraded: 'stale' }) },
      { name: 'db', check: () => Promise.reject(new Error('refused')) },
    ]);
    expect(report.status).toBe('unavailable');
  });
});
