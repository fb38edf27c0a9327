/** Who is calling, as established by the auth guard from a verified token. */
import type { Request } from 'express';

export type Role =
  | 'publisher'
  | 'subscriber'
  | 'liaison'
  | 'policy-author'
  | 'policy-approver'
  | 'oversight'
  | 'admin';

export interface AuthContext {
  readonly agencyId: string;
  readonly jurisdiction: string;
  /** Null for an agency (system) token. */
  readonly officerId: string | null;
  readonly roles: ReadonlySet<Role>;
  readonly kind: 'agency' | 'officer';
}

export interface AuthenticatedRequest extends Request {
  auth: AuthContext;
}
