/**
 * Error construction for libs/crypto. Every refusal is a DomainError with a
 * stable code; verification failures are scoped by what was being verified
 * (`sdjwt.bad-signature`, `token.bad-signature`, `receipt.bad-signature`, ...)
 * so that logs, HTTP answers and DLQ reasons say which check failed where.
 */
import { DomainError, type ErrorCategory } from '@liaison/errors';

/** What a compact JWS was being verified as; prefixes the error code. */
export type VerificationScope = 'sdjwt' | 'token' | 'receipt' | 'checkpoint' | 'jws' | 'statement';

/** Reasons a compact JWS (or its key) is refused, shared by every scope. */
export type JwsRefusal =
  | 'malformed'
  | 'duplicate-member'
  | 'too-large'
  | 'bad-typ'
  | 'alg-none'
  | 'alg-refused'
  | 'alg-mismatch'
  | 'crit-unsupported'
  | 'unknown-kid'
  | 'revoked-key'
  | 'wrong-key-use'
  | 'key-not-valid-at-iat'
  | 'bad-signature';

const categoryOf: Record<JwsRefusal, ErrorCategory> = {
  malformed: 'invalid-input',
  'duplicate-member': 'invalid-input',
  'too-large': 'too-large',
  'bad-typ': 'invalid-input',
  'alg-none': 'unauthenticated',
  'alg-refused': 'unauthenticated',
  'alg-mismatch': 'unauthenticated',
  'crit-unsupported': 'invalid-input',
  'unknown-kid': 'unauthenticated',
  'revoked-key': 'unauthenticated',
  'wrong-key-use': 'unauthenticated',
  'key-not-valid-at-iat': 'unauthenticated',
  'bad-signature': 'unauthenticated',
};

export function jwsRefused(
  scope: VerificationScope,
  reason: JwsRefusal,
  message: string,
  details?: Readonly<Record<string, unknown>>,
): DomainError {
  return new DomainError(`${scope}.${reason}`, message, categoryOf[reason], details);
}

export function cryptoError(
  code: string,
  message: string,
  category: ErrorCategory = 'invalid-input',
  details?: Readonly<Record<string, unknown>>,
): DomainError {
  return new DomainError(code, message, category, details);
}
