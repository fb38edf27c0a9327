/** Who is calling, as established by the auth guard from a verified token. */
import type { Request } from 'express';
import type { OfficerRole } from '@liaison/crypto';

/** The roles a token can carry (agency tokens: publisher/subscriber only). */
export type Role = OfficerRole;

export interface AuthContext {
  readonly agencyId: string;
  readonly jurisdiction: string;
  /** Null for an agency (system) token. */
  readonly officerId: string | null;
  /** The officer's enrolled key the token (or the session's token) was signed with. */
  readonly officerKid: string | null;
  readonly roles: ReadonlySet<Role>;
  readonly kind: 'agency' | 'officer';
  /**
   * A console session only: the signed justification attached to it (null
   * until the officer attaches one). Absent for a token.
   */
  readonly consoleJustification?: SignedJustification | null;
}

/** An audit read's justification: the officer's words, verified and kept in the statement log. */
export interface SignedJustification {
  readonly text: string;
  /** The statement's receipt in the officer statement log. */
  readonly seq: number;
  readonly hash: string;
}

export interface AuthenticatedRequest extends Request {
  auth: AuthContext;
  /** Set by the auth guard on audit reads (@AuditRead) once the justification is verified. */
  justification?: SignedJustification;
}
