/**
 * Who may read the audit, and how much: default deny. A liaison officer reads
 * their own agency's rows (sent, and received unless denied) with content;
 * oversight reads every agency's metadata, never content. Every read needs a
 * justification (X-Justification), which goes into the CONSULTATION log entry.
 */
import { DomainError } from '@liaison/errors';
import type { AuthContext } from '../auth/auth-context';

export type AuditMode = 'liaison' | 'oversight';

export interface AuditReader {
  readonly agencyId: string;
  readonly mode: AuditMode;
  /** `agency/officer` as written in the law-enforcement log. */
  readonly actor: string;
  readonly justification: string;
}

const MAX_JUSTIFICATION = 500;

export function auditReaderOf(
  auth: AuthContext | undefined,
  justificationHeader: string | string[] | undefined,
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
  const justification = typeof justificationHeader === 'string' ? justificationHeader.trim() : '';
  if (justification.length === 0 || justification.length > MAX_JUSTIFICATION) {
    throw new DomainError(
      'audit.justification-required',
      `every audit read needs an X-Justification header of 1 to ${MAX_JUSTIFICATION} characters`,
      'invalid-input',
      { field: 'X-Justification' },
    );
  }
  return {
    agencyId: auth.agencyId,
    mode,
    actor: `${auth.agencyId}/${auth.officerId ?? 'agency'}`,
    justification,
  };
}
