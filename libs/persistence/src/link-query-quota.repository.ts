/**
 * The query quota counters in PostgreSQL (link_query_quota): one row per
 * agency window and per officer window, taken FOR UPDATE inside the query's
 * transaction (agency row first, then officer row, always in that order), so
 * concurrent queries of one officer or one agency, on one gateway or several,
 * are counted one after another and a limit holds across restarts. The
 * writes run on the query's transaction (its EntityManager); the audit app
 * purges the windows oversight no longer reads.
 */
import type { QuotaScope, QuotaUse, QuotaWindow } from '@liaison/links';
import { selectRows } from './sql-conditions';
import { returnedRows, type SqlRunner } from './sql-runner';

interface QuotaRowSql {
  scope: QuotaScope;
  holder: string;
  agency_id: string;
  window_start: Date;
  window_end: Date;
  quota: number;
  used: number;
  refused: number;
  last_refused_at: Date | null;
}

/** A quota window as oversight reads it. */
export interface QuotaWindowView {
  readonly scope: QuotaScope;
  /** The agency, or `agency/officer`. */
  readonly holder: string;
  readonly agency: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly limit: number;
  readonly used: number;
  readonly refused: number;
  readonly lastRefusedAt: string | null;
}

/**
 * Creates the windows' rows if needed and locks them for the transaction
 * (the limit as configured now), returning how much of each is used.
 */
export async function lockQuotaWindows(
  tx: SqlRunner,
  agency: string,
  windows: readonly QuotaWindow[],
): Promise<QuotaUse[]> {
  const uses: QuotaUse[] = [];
  for (const window of windows) {
    const rows = await selectRows<{ used: number }>(
      tx,
      `INSERT INTO link_query_quota (scope, holder, window_start, window_end, agency_id, quota)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (scope, holder, window_start) DO UPDATE SET quota = EXCLUDED.quota
       RETURNING used`,
      [
        window.scope,
        window.holder,
        new Date(window.start),
        new Date(window.end),
        agency,
        window.limit,
      ],
    );
    uses.push({ window, used: rows[0]?.used ?? 0 });
  }
  return uses;
}

export async function countAdmitted(tx: SqlRunner, windows: readonly QuotaWindow[]): Promise<void> {
  for (const w of windows) {
    await tx.query(
      `UPDATE link_query_quota SET used = used + 1
        WHERE scope = $1 AND holder = $2 AND window_start = $3`,
      [w.scope, w.holder, new Date(w.start)],
    );
  }
}

export async function countRefused(
  tx: SqlRunner,
  windows: readonly QuotaWindow[],
  at: Date,
): Promise<void> {
  for (const w of windows) {
    await tx.query(
      `UPDATE link_query_quota SET refused = refused + 1, last_refused_at = $4
        WHERE scope = $1 AND holder = $2 AND window_start = $3`,
      [w.scope, w.holder, new Date(w.start), at],
    );
  }
}

/** Windows that ended after `from` (an agency's only when `agency` is given), breaches first. */
export async function quotaWindows(
  db: SqlRunner,
  from: Date,
  agency: string | undefined,
  limit: number,
): Promise<QuotaWindowView[]> {
  const rows = await selectRows<QuotaRowSql>(
    db,
    `SELECT scope, holder, agency_id, window_start, window_end, quota, used, refused, last_refused_at
       FROM link_query_quota
      WHERE window_end > $1 AND ($2::text IS NULL OR agency_id = $2)
      ORDER BY (refused > 0) DESC, window_start DESC, scope, holder
      LIMIT $3`,
    [from, agency ?? null, limit],
  );
  return rows.map((r) => ({
    scope: r.scope,
    holder: r.holder,
    agency: r.agency_id,
    windowStart: r.window_start.toISOString(),
    windowEnd: r.window_end.toISOString(),
    limit: r.quota,
    used: r.used,
    refused: r.refused,
    lastRefusedAt: r.last_refused_at === null ? null : r.last_refused_at.toISOString(),
  }));
}

/**
 * Deletes up to `limit` windows that ended before `endedBefore`; returns
 * whether each had refused a query (a breach), one entry per window deleted.
 */
export async function purgeQuotaWindows(
  db: SqlRunner,
  endedBefore: Date,
  limit: number,
): Promise<{ refused: number }[]> {
  return returnedRows<{ refused: number }>(
    await db.query(
      `DELETE FROM link_query_quota WHERE ctid IN (
         SELECT ctid FROM link_query_quota WHERE window_end < $1 LIMIT $2)
       RETURNING refused`,
      [endedBefore.toISOString(), limit],
    ),
  );
}
