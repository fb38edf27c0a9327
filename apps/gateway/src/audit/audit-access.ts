/**
 * Who may read the audit, and how much: default deny. A liaison officer reads
 * their own agency's rows (sent, and received unless denied) with content;
 * oversight reads every agency's metadata, never content. Every read needs a
 * justification signed by the reading officer and verified by the gateway's
 * guard (statements/audit-justification.ts); it goes into the CONSULTATION log
 * entry with its statement receipt.
 */
import { DomainError } from '@liaison/errors';
import type { AuthContext, SignedJustification } from '../auth/auth-context';

export type AuditMode = 'liaison' | 'oversight';

export interface AuditReader {
  readonly agencyId: string;
  readonly mode: AuditMode;
  /** `agency/officer` as written in the law-enforcement log. */
  readonly actor: string;
  readonly justification: string;
  /** The justification's receipt in the officer statement log. */
  readonly statement: { readonly seq: number; readonly hash: string };
}

export function auditReaderOf(
  auth: AuthContext | undefined,
  justification: SignedJustification | undefined,
): AuditReader {
  if (!auth) throw new DomainError('audit.unauthenticated', 'sign in first', 'unauthenticated');
  const mode: AuditMode | null = auth.roles.has('liaison')
    ? 'liaison'
    : auth.roles.has('oversight')
      ? 'oversight'
      : null;
  if (mode === null) {
    throw new DomainError(
      'audit.forbidden',
      'audit records are only for liaison officers (own agency) and oversight (metadata)',
      'forbidden',
    );
  }
  // Default deny: no verified, recorded justification, no read.
  if (justification === undefined) {
    throw new DomainError(
      'audit.justification-required',
      'every audit read needs X-Justification: an audit.read statement signed by your enrolled key',
      'invalid-input',
      { field: 'X-Justification' },
    );
  }
  return {
    agencyId: auth.agencyId,
    mode,
    actor: `${auth.agencyId}/${auth.officerId ?? 'agency'}`,
    justification: justification.text,
    statement: { seq: justification.seq, hash: justification.hash },
  };
}
