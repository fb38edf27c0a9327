/**
 * Console sessions in PostgreSQL (console_session), keyed by the SHA-256 of the
 * session token (the token itself is never stored): opened, read, given the
 * officer's signed justification, closed, and ended at once when the officer's
 * enrolment is revoked.
 */
import type { DataSource, EntityManager } from 'typeorm';

export interface NewConsoleSession {
  readonly tokenHash: string;
  readonly agencyId: string;
  readonly officerId: string;
  readonly officerKid: string | null;
  readonly roles: readonly string[];
  readonly expiresAt: Date;
}

/** A session as stored; the justification parts are all set or all null. */
export interface ConsoleSessionRow {
  readonly agencyId: string;
  readonly officerId: string;
  readonly officerKid: string | null;
  readonly roles: string[];
  readonly expiresAt: Date;
  readonly justification: string | null;
  readonly justificationSeq: number | null;
  readonly justificationHash: string | null;
}

/** The recorded audit.read statement a session's audit reads rest on. */
export interface SessionJustification {
  readonly text: string;
  readonly seq: number;
  readonly hash: string;
}

interface ConsoleSessionSql {
  agency_id: string;
  officer_id: string;
  officer_kid: string | null;
  roles: string[];
  expires_at: Date;
  justification: string | null;
  justification_seq: string | null;
  justification_hash: string | null;
}

export class ConsoleSessionRepository {
  /** `db` is the DataSource, or a transaction's EntityManager to write within it. */
  constructor(private readonly db: DataSource | EntityManager) {}

  /** Stores the new session, then drops every expired one. */
  async open(session: NewConsoleSession): Promise<void> {
    await this.db.query(
      `INSERT INTO console_session (token_hash, agency_id, officer_id, officer_kid, roles, expires_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
      [
        session.tokenHash,
        session.agencyId,
        session.officerId,
        session.officerKid,
        JSON.stringify(session.roles),
        session.expiresAt,
      ],
    );
    await this.db.query(`DELETE FROM console_session WHERE expires_at < now()`);
  }

  /** The session of this token hash, expired or not; undefined when unknown. */
  async byTokenHash(tokenHash: string): Promise<ConsoleSessionRow | undefined> {
    const rows: ConsoleSessionSql[] = await this.db.query(
      `SELECT agency_id, officer_id, officer_kid, roles, expires_at,
              justification, justification_seq, justification_hash
         FROM console_session WHERE token_hash = $1`,
      [tokenHash],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      agencyId: r.agency_id,
      officerId: r.officer_id,
      officerKid: r.officer_kid,
      roles: r.roles,
      expiresAt: r.expires_at,
      justification: r.justification,
      justificationSeq: r.justification_seq === null ? null : Number(r.justification_seq),
      justificationHash: r.justification_hash,
    };
  }

  async attachJustification(tokenHash: string, justification: SessionJustification): Promise<void> {
    await this.db.query(
      `UPDATE console_session SET justification = $2, justification_seq = $3, justification_hash = $4
        WHERE token_hash = $1`,
      [tokenHash, justification.text, justification.seq, justification.hash],
    );
  }

  async close(tokenHash: string): Promise<void> {
    await this.db.query(`DELETE FROM console_session WHERE token_hash = $1`, [tokenHash]);
  }

  /** Ends every session of the officer (their enrolment was revoked). */
  async endOfficerSessions(agencyId: string, officerId: string): Promise<void> {
    await this.db.query(`DELETE FROM console_session WHERE agency_id = $1 AND officer_id = $2`, [
      agencyId,
      officerId,
    ]);
  }
}
