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
});
