/**
 * Console sessions. A browser cannot sign officer tokens (the officer's key
 * stays with the officer's CLI), and officer tokens are single-use; so the
 * console exchanges one freshly minted officer token for a 30-minute session
 * token. Only the token's SHA-256 is stored; the session carries exactly the
 * officer's roles and the enrolled key that signed the token, and the
 * authenticator ends it as soon as that enrolment is revoked. Its audit reads
 * rest on the officer's signed justification attached to it (an audit.read
 * statement, recorded in the officer statement log): the browser never holds
 * the officer's key.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '@liaison/errors';
import type { AuthContext, Role, SignedJustification } from './auth-context';

export const SESSION_PREFIX = 'lsess_';
const SESSION_MINUTES = 30;

const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export class ConsoleSessions {
  constructor(private readonly ds: DataSource) {}

  async open(auth: AuthContext): Promise<{ sessionToken: string; expiresAt: string }> {
    if (auth.kind !== 'officer' || !auth.officerId) {
      throw new DomainError(
        'session.officer-only',
        'a console session needs an officer token',
        'forbidden',
      );
    }
    const token = `${SESSION_PREFIX}${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + SESSION_MINUTES * 60_000);
    await this.ds.query(
      `INSERT INTO console_session (token_hash, agency_id, officer_id, officer_kid, roles, expires_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
      [
        hashOf(token),
        auth.agencyId,
        auth.officerId,
        auth.officerKid,
        JSON.stringify([...auth.roles]),
        expiresAt,
      ],
    );
    await this.ds.query(`DELETE FROM console_session WHERE expires_at < now()`);
    return { sessionToken: token, expiresAt: expiresAt.toISOString() };
  }

  async resolve(
    token: string,
    jurisdictionOf: (agencyId: string) => string | undefined,
  ): Promise<AuthContext> {
    const rows: {
      agency_id: string;
      officer_id: string;
      officer_kid: string | null;
      roles: Role[];
      expires_at: Date;
      justification: string | null;
      justification_seq: string | null;
      justification_hash: string | null;
    }[] = await this.ds.query(
      `SELECT agency_id, officer_id, officer_kid, roles, expires_at,
              justification, justification_seq, justification_hash
         FROM console_session WHERE token_hash = $1`,
      [hashOf(token)],
    );
    const row = rows[0];
    if (!row || row.expires_at.getTime() < Date.now()) {
      throw new DomainError(
        'session.expired',
        'console session unknown or expired: log in again',
        'unauthenticated',
      );
    }
    const jurisdiction = jurisdictionOf(row.agency_id);
    if (!jurisdiction)
      throw new DomainError(
        'auth.agency-inactive',
        `agency ${row.agency_id} is not active`,
        'forbidden',
      );
    return {
      agencyId: row.agency_id,
      jurisdiction,
      officerId: row.officer_id,
      officerKid: row.officer_kid,
      roles: new Set(row.roles),
      kind: 'officer',
      consoleJustification:
        row.justification !== null && row.justification_seq !== null && row.justification_hash
          ? {
              text: row.justification,
              seq: Number(row.justification_seq),
              hash: row.justification_hash,
            }
          : null,
    };
  }

  /** Attaches a recorded justification to the session (inside the statement's transaction). */
  async attachJustification(
    tx: EntityManager,
    token: string,
    justification: SignedJustification,
  ): Promise<void> {
    await tx.query(
      `UPDATE console_session SET justification = $2, justification_seq = $3, justification_hash = $4
        WHERE token_hash = $1`,
      [hashOf(token), justification.text, justification.seq, justification.hash],
    );
  }

  async close(token: string): Promise<void> {
    await this.ds.query(`DELETE FROM console_session WHERE token_hash = $1`, [hashOf(token)]);
  }
}
