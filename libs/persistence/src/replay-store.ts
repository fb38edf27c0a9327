/** Replay protection that survives restarts: a (issuer, jti) pair is accepted once. */
import type { DataSource } from 'typeorm';

interface SeenRow {
  readonly issuer: string;
  readonly jti: string;
  readonly source: string;
}

export class ReplayStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * True when the pair is new (now recorded) or was first recorded from the same
   * `source` (a re-delivery after a crash); false when it is a replay.
   */
  async remember(issuer: string, jti: string, expiresAt: Date, source = ''): Promise<boolean> {
    const replays = await this.rememberMany([{ issuer, jti, expiresAt, source }]);
    return replays.size === 0;
  }

  /**
   * Batch form (the policy worker checks a slice at once). Returns the entries that are replays, as
   * `issuer jti source` strings: an entry is a replay when the pair was first
   * recorded from another source, or appears earlier in the same batch from
   * another source. The first occurrence itself is never a replay.
   *
   * One statement (one round trip, arrays as four parameters): it inserts each
   * pair's first occurrence and returns, per pair, where it was first seen:
   * the inserted rows, and the rows that were already there in the
   * statement's snapshot. A pair that another worker inserted after that
   * snapshot is in neither; it is read again in a second statement, which sees
   * the other worker's committed row.
   */
  async rememberMany(
    entries: readonly { issuer: string; jti: string; expiresAt: Date; source: string }[],
  ): Promise<Set<string>> {
    if (entries.length === 0) return new Set();
    const rows: SeenRow[] = await this.ds.query(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[])
           WITH ORDINALITY AS t(issuer, jti, expires_at, source, n)
       ), first AS (
         SELECT DISTINCT ON (issuer, jti) issuer, jti, expires_at, source
         FROM input ORDER BY issuer, jti, n
       ), inserted AS (
         INSERT INTO seen_token (issuer, jti, expires_at, source)
         SELECT issuer, jti, expires_at, source FROM first
         ON CONFLICT DO NOTHING
         RETURNING issuer, jti, source
       )
       SELECT issuer, jti, source FROM inserted
       UNION ALL
       SELECT s.issuer, s.jti, s.source
       FROM seen_token s JOIN first f ON s.issuer = f.issuer AND s.jti = f.jti`,
      [
        entries.map((e) => e.issuer),
        entries.map((e) => e.jti),
        entries.map((e) => e.expiresAt),
        entries.map((e) => e.source),
      ],
    );
    const firstSource = new Map(rows.map((r) => [`${r.issuer} ${r.jti}`, r.source]));
    const unseen = entries.filter((e) => !firstSource.has(`${e.issuer} ${e.jti}`));
    if (unseen.length > 0) {
      const late: SeenRow[] = await this.ds.query(
        `SELECT s.issuer, s.jti, s.source FROM seen_token s
         JOIN unnest($1::text[], $2::text[]) AS u(issuer, jti)
           ON s.issuer = u.issuer AND s.jti = u.jti`,
        [unseen.map((e) => e.issuer), unseen.map((e) => e.jti)],
      );
      for (const r of late) firstSource.set(`${r.issuer} ${r.jti}`, r.source);
    }
    const replays = new Set<string>();
    for (const e of entries) {
      const key = `${e.issuer} ${e.jti}`;
      if (firstSource.get(key) !== e.source) replays.add(`${key} ${e.source}`);
    }
    return replays;
  }

  async forgetExpired(now: Date): Promise<number> {
    const result: [unknown[], number] = await this.ds.query(
      `DELETE FROM seen_token WHERE expires_at < $1`,
      [now],
    );
    return result[1];
  }
}
