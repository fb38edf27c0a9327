/**
 * Hit/no-hit query quotas: enumeration is the attack on a keyed index, so each
 * officer and each agency may ask only so many questions per window. Fixed
 * windows aligned on the epoch (an officer's hour, an agency's day by default)
 * are easy to state, to store as one counter row each and to show to
 * oversight. A query is admitted only when every window it falls in has room;
 * a refused query consumes nothing and is counted as a breach of the windows
 * that were full. Pure: the gateway keeps the counters in PostgreSQL.
 */

export type QuotaScope = 'AGENCY' | 'OFFICER';

/**
 * How long a quota window's counter row is kept after the window ends: the
 * span oversight reads by default, after which the retention purge erases it
 * (each refused query stays in the refusal log).
 */
export const QUOTA_WINDOW_KEPT_MS = 7 * 86_400_000;

export interface QuotaLimit {
  /** Queries admitted per window. */
  readonly limit: number;
  readonly windowMs: number;
}

export interface QueryQuotaLimits {
  readonly agency: QuotaLimit;
  readonly officer: QuotaLimit;
}

/** One counter: a scope's holder (`agency` or `agency/officer`) in one window. */
export interface QuotaWindow {
  readonly scope: QuotaScope;
  readonly holder: string;
  /** Epoch milliseconds, inclusive. */
  readonly start: number;
  /** Epoch milliseconds, exclusive. */
  readonly end: number;
  readonly limit: number;
}

export interface QuotaUse {
  readonly window: QuotaWindow;
  /** Queries already admitted in the window. */
  readonly used: number;
}

export type QuotaAdmission =
  | { readonly admitted: true }
  | {
      readonly admitted: false;
      /** The full windows, agency first. */
      readonly breached: readonly QuotaWindow[];
      /** Until the last full window ends. */
      readonly retryAfterMs: number;
    };

function windowOf(scope: QuotaScope, holder: string, limit: QuotaLimit, now: number): QuotaWindow {
  const start = Math.floor(now / limit.windowMs) * limit.windowMs;
  return { scope, holder, start, end: start + limit.windowMs, limit: limit.limit };
}

/** The windows a query by `officer` of `agency` at `now` counts against: agency first. */
export function quotaWindowsOf(
  limits: QueryQuotaLimits,
  asker: { readonly agency: string; readonly officer: string },
  now: number,
): readonly [QuotaWindow, QuotaWindow] {
  return [
    windowOf('AGENCY', asker.agency, limits.agency, now),
    windowOf('OFFICER', `${asker.agency}/${asker.officer}`, limits.officer, now),
  ];
}

export function admitQuery(uses: readonly QuotaUse[], now: number): QuotaAdmission {
  const breached = uses.filter((u) => u.used >= u.window.limit).map((u) => u.window);
  if (breached.length === 0) return { admitted: true };
  return {
    admitted: false,
    breached,
    retryAfterMs: Math.max(...breached.map((w) => w.end - now)),
  };
}
