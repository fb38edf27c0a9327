/**
 * The one place errors become HTTP answers: a DomainError keeps its code and
 * message with the status of its category; anything else is a 500 with an error
 * id that is also logged, never a stack trace to the caller.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { httpStatusOf, isDomainError } from '@liaison/errors';
import type { Logger } from '@liaison/observability';

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  constructor(private readonly log: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (isDomainError(error)) {
      res.status(httpStatusOf(error.category)).json({ error: error.toJSON() });
      return;
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      res.status(status).json({ error: { code: `http.${status}`, message: error.message } });
      return;
    }
    const bp = error as BodyParserError;
    if (bp && typeof bp.status === 'number' && bp.status >= 400 && bp.status < 500) {
      const code =
        bp.type === 'entity.too.large' ? 'request.too-large' : `request.${bp.type ?? 'invalid'}`;
      res.status(bp.status).json({ error: { code, message: bp.message ?? 'bad request' } });
      return;
    }
    const errorId = randomUUID();
    this.log.error({ err: error, errorId }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'internal error', errorId } });
  }
}
