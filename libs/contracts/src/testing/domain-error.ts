/** Test support: the DomainError a call throws. */
import { DomainError } from '@liaison/errors';

/** The DomainError `fn` throws; fails the test if it throws anything else or nothing. */
export function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}
