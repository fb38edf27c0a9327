/** Replay protection that survives restarts: a (issuer, jti) pair is accepted once. */
import type { DataSource } from 'typeorm';

export class ReplayStore {
  constructor(private readonly ds: DataSource) {}

  /** True when the pair was new and is now recorded; false when it was seen before. */
  async remember(issuer: string, jti: string, expiresAt: Date): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `INSERT INTO seen_token (issuer, jti, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING jti`,
      [issuer, jti, expiresAt],
    );
    return rows.length === 1;
  }

  async forgetExpired(now: Date): Promise<number> {
    const result: [unknown[], number] = await this.ds.query(
      `DELETE FROM seen_token WHERE expires_at < $1`,
      [now],
    );
    return result[1];
  }
}
