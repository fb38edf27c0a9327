/** Replay protection that survives restarts: a (issuer, jti) pair is accepted once. */
import type { DataSource } from 'typeorm';

export class ReplayStore {
  constructor(private readonly ds: DataSource) {}

  /**
   * True when the pair is new (now recorded) or was first recorded from the same
   * `source` (a re-delivery after a crash); false when it is a replay.
   */
  async remember(issuer: string, jti: string, expiresAt: Date, source = ''): Promise<boolean> {
    const rows: { source: string }[] = await this.ds.query(
      `WITH ins AS (
         INSERT INTO seen_token (issuer, jti, expires_at, source) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING source)
       SELECT source FROM ins
       UNION ALL SELECT source FROM seen_token WHERE issuer = $1 AND jti = $2
       LIMIT 1`,
      [issuer, jti, expiresAt, source],
    );
    return rows.length === 1 && rows[0]?.source === source;
  }

  /**
   * Batch form for the policy worker. Returns the entries that are replays, as
   * `issuer jti source` strings: an entry is a replay when the pair was first
   * recorded from another source, or appears earlier in the same batch from
   * another source. The first occurrence itself is never a replay.
   */
  async rememberMany(
    entries: readonly { issuer: string; jti: string; expiresAt: Date; source: string }[],
  ): Promise<Set<string>> {
    if (entries.length === 0) return new Set();
    const params: unknown[] = [];
    const values = entries.map((e, i) => {
      params.push(e.issuer, e.jti, e.expiresAt, e.source);
      return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}::timestamptz, $${i * 4 + 4})`;
    });
    await this.ds.query(
      `INSERT INTO seen_token (issuer, jti, expires_at, source) VALUES ${values.join(', ')} ON CONFLICT DO NOTHING`,
      params,
    );
    const rows: { issuer: string; jti: string; source: string }[] = await this.ds.query(
      `SELECT issuer, jti, source FROM seen_token WHERE (issuer, jti) IN (${entries
        .map((_, i) => `($${i * 2 + 1}, $${i * 2 + 2})`)
        .join(', ')})`,
      entries.flatMap((e) => [e.issuer, e.jti]),
    );
    const firstSource = new Map(rows.map((r) => [`${r.issuer} ${r.jti}`, r.source]));
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
