/**
 * A loader that keeps serving the last world that compiled. When the stored
 * world does not compile (a row written around the API), the app goes on with
 * the previous one: other agencies' traffic never stops, only the bad change
 * waits. The state is visible three ways: `/health/ready` answers degraded
 * with the reason (still ready), the log says it once per distinct reason, and
 * two metrics count it (`liaison_world_compile_failures_total{code}`,
 * `liaison_world_stale` 1/0). With no world that ever compiled (e.g. at boot)
 * there is nothing safe to serve: `require()` refuses with 503
 * `world.unavailable` and readiness is down, with the reason, until one does.
 * A database that does not answer is not a compile failure: the world is kept
 * as it is and the database check reports the outage.
 */
import type { Counter, Gauge } from 'prom-client';
import { DomainError, isDomainError } from '@liaison/errors';
import type { HealthCheck, HealthDegradation, HubMetrics, Logger } from '@liaison/observability';

/** How often an app with no world, or a stale one, re-reads the stored one. */
export const WORLD_RETRY_MS = 5000;

export interface LastGoodWorldOptions<T> {
  /**
   * Reads the stored rows (I/O; a failure keeps the current world unchanged) and
   * returns the pure step that builds and compiles them (a failure there is a
   * world that does not compile).
   */
  readonly read: () => Promise<() => T>;
  readonly log: Logger;
  readonly metrics: HubMetrics;
  /** Fields logged with a newly installed world (e.g. its policy version). */
  readonly describe?: (world: T) => Record<string, unknown>;
}

function reasonOf(error: unknown): { code: string; text: string } {
  if (isDomainError(error)) return { code: error.code, text: `${error.code}: ${error.message}` };
  const text = error instanceof Error ? error.message : String(error);
  return { code: 'world.invalid', text };
}

export class LastGoodWorld<T> {
  private world: T | undefined;
  private installedAt: Date | undefined;
  /** Why the stored world is not the one served; undefined while it is. */
  private refusal: string | undefined;
  /** The last read error while no world has been loaded (boot). */
  private unread: string | undefined;
  private loading: Promise<T | undefined> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly failures: Counter<string>;
  private readonly stale: Gauge<string>;
  /** Epoch ms of the last load attempt, for callers that reload on a TTL. */
  lastAttemptAt = 0;

  constructor(private readonly options: LastGoodWorldOptions<T>) {
    this.failures = options.metrics.counter(
      'liaison_world_compile_failures_total',
      'Loads of the stored directory and policies that did not compile (the last good world is kept)',
      ['code'],
    );
    this.stale = options.metrics.gauge(
      'liaison_world_stale',
      '1 while the stored directory and policies do not compile and the app serves the last world that did (or none)',
    );
    this.stale.set(0);
  }

  /** The world being served, if any. */
  get current(): T | undefined {
    return this.world;
  }

  /** Why the served world is not the stored one (undefined: it is). */
  get staleReason(): string | undefined {
    return this.refusal;
  }

  /** The world to serve, or 503 `world.unavailable` when none ever compiled. */
  require(): T {
    if (this.world !== undefined) return this.world;
    throw new DomainError(
      'world.unavailable',
      `no directory and policy set has compiled yet: ${this.refusal ?? this.unread ?? 'not loaded yet'}`,
      'unavailable',
    );
  }

  /** Reads and compiles the stored world; concurrent calls share one load. */
  reload(cause: string): Promise<T | undefined> {
    this.loading ??= this.load(cause).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(cause: string): Promise<T | undefined> {
    this.lastAttemptAt = Date.now();
    let compile: () => T;
    try {
      compile = await this.options.read();
    } catch (error) {
      this.unread = reasonOf(error).text;
      this.options.log.warn(
        { err: error, cause },
        'could not read the directory and policies; keeping the current world',
      );
      return this.world;
    }
    let compiled: T;
    try {
      compiled = compile();
    } catch (error) {
      const { code, text } = reasonOf(error);
      this.failures.inc({ code });
      this.stale.set(1);
      if (text !== this.refusal) {
        this.options.log.error(
          { err: error, cause, code, servingSince: this.installedAt?.toISOString() ?? null },
          this.world === undefined
            ? 'the stored directory and policies do not compile and no earlier world did: refusing traffic'
            : 'the stored directory and policies do not compile: serving the last world that did',
        );
      }
      this.refusal = text;
      return this.world;
    }
    if (this.refusal !== undefined) {
      this.options.log.info(
        { cause, was: this.refusal },
        'the stored directory and policies compile again',
      );
    }
    this.world = compiled;
    this.installedAt = new Date();
    this.refusal = undefined;
    this.unread = undefined;
    this.stale.set(0);
    this.options.log.debug({ cause, ...this.options.describe?.(compiled) }, 'world loaded');
    return compiled;
  }

  /** Until stopped, re-tries every `everyMs` while there is no world or it is stale. */
  retryWhileStale(everyMs: number): void {
    this.retryTimer ??= setInterval(() => {
      if (this.world === undefined || this.refusal !== undefined)
        void this.reload('retry while stale');
    }, everyMs);
    this.retryTimer.unref();
  }

  stop(): void {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = undefined;
  }

  /**
   * Readiness: down with the reason while there is no world; degraded with the
   * reason while the last good one is served; up otherwise. `refresh` runs first
   * (e.g. the gateway's TTL reload) so the report is current without traffic.
   */
  healthCheck(refresh?: () => Promise<unknown>): HealthCheck {
    return {
      name: 'world',
      check: async (): Promise<void | HealthDegradation> => {
        await refresh?.().catch(() => undefined);
        if (this.world === undefined) this.require();
        if (this.refusal !== undefined) {
          return {
            degraded: `serving the last directory and policies that compiled (loaded ${
              this.installedAt?.toISOString() ?? '?'
            }); the stored ones do not: ${this.refusal}`,
          };
        }
      },
    };
  }
}
