import { DomainError, isDomainError } from '@liaison/errors';
import { HubMetrics, createLogger, runHealthChecks } from '@liaison/observability';
import { LastGoodWorld } from './last-good-world';

/** A stored "world" the test edits: a number, or a row that does not compile, or no database. */
type Stored = { value: number } | { bad: string } | { unreachable: true };

function loader(metrics = new HubMetrics('test')) {
  let stored: Stored = { value: 1 };
  const world = new LastGoodWorld<number>({
    read: () => {
      const now = stored;
      if ('unreachable' in now) return Promise.reject(new Error('connection refused'));
      return Promise.resolve(() => {
        if ('bad' in now) throw new DomainError('policy.unknown-group', now.bad);
        return now.value;
      });
    },
    log: createLogger('test', 'silent'),
    metrics,
  });
  return { world, metrics, store: (s: Stored) => (stored = s) };
}

const metric = async (metrics: HubMetrics, name: string): Promise<string> =>
  (await metrics.render())
    .split('\n')
    .filter((l) => l.startsWith(name))
    .join('\n');

describe('LastGoodWorld', () => {
  it('keeps serving the last world that compiled, degraded with the reason, and recovers', async () => {
    const { world, metrics, store } = loader();
    expect(await world.reload('boot')).toBe(1);
    const health = world.healthCheck();
    expect((await runHealthChecks([health])).status).toBe('ok');

    store({ bad: 'Agency "x" is in unknown group "NOPE"' });
    expect(await world.reload('event')).toBe(1);
    expect(world.require()).toBe(1);
    const degraded = await runHealthChecks([health]);
    expect(degraded.status).toBe('degraded');
    expect(degraded.checks.world?.reason).toContain('policy.unknown-group');
    expect(degraded.checks.world?.reason).toContain('NOPE');
    expect(await metric(metrics, 'liaison_world_stale')).toContain(
      'liaison_world_stale{app="test"} 1',
    );
    expect(await metric(metrics, 'liaison_world_compile_failures_total')).toContain(
      'code="policy.unknown-group"',
    );

    store({ value: 2 });
    expect(await world.reload('fixed')).toBe(2);
    expect((await runHealthChecks([health])).status).toBe('ok');
    expect(await metric(metrics, 'liaison_world_stale')).toContain(
      'liaison_world_stale{app="test"} 0',
    );
  });

  it('with no world that ever compiled, refuses with 503 world.unavailable and is not ready', async () => {
    const { world, store } = loader();
    store({ bad: 'unknown group NOPE' });
    expect(await world.reload('boot')).toBeUndefined();
    let thrown: unknown;
    try {
      world.require();
    } catch (error) {
      thrown = error;
    }
    expect(isDomainError(thrown) && thrown.code === 'world.unavailable').toBe(true);
    expect((thrown as DomainError).category).toBe('unavailable');
    expect((thrown as DomainError).message).toContain('NOPE');
    const report = await runHealthChecks([world.healthCheck()]);
    expect(report.status).toBe('unavailable');
    expect(report.checks.world?.error).toContain('NOPE');
  });

  it('a database that does not answer keeps the world and is not a compile failure', async () => {
    const { world, metrics, store } = loader();
    await world.reload('boot');
    store({ unreachable: true });
    expect(await world.reload('event')).toBe(1);
    expect(world.staleReason).toBeUndefined();
    expect(await metric(metrics, 'liaison_world_compile_failures_total')).not.toContain('code=');
  });
});
