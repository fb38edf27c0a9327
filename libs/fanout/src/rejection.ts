/**
 * Why an input is not fanned out: a reason code (a DomainError code, or one of
 * the worker's own `submission.*` codes) and a message, carried to the dead-letter
 * record with the message id when it could be read.
 */
import { isDomainError } from '@liaison/errors';

export class Rejection extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly messageId: string | null = null,
  ) {
    super(message);
    this.name = 'Rejection';
  }
}

/** Any thrown value as a Rejection: domain errors keep their code, the rest are unexpected. */
export function rejectionOf(error: unknown, messageId: string | null): Rejection {
  if (error instanceof Rejection) return error;
  if (isDomainError(error)) return new Rejection(error.code, error.message, messageId);
  return new Rejection(
    'worker.unexpected',
    error instanceof Error ? error.message : String(error),
    messageId,
  );
}
