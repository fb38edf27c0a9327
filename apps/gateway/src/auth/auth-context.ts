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
}

export interface AuthenticatedRequest extends Request {
  auth: AuthContext;
}
