/**
 * The one place errors become HTTP answers: a DomainError keeps its code and
 * message with the status of its category; anything else is a 500 with an error
 * id that is also logged, never a stack trace to the caller. Every 4xx answer is
 * also shown to the optional refusal observer (the gateway records it in the
 * law-enforcement log), whatever its code.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { httpStatusOf, isDomainError } from '@liaison/errors';
import type { Logger } from '@liaison/observability';

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

/** A client error the filter answered: its status and code. */
export interface ClientErrorAnswer {
  readonly status: number;
  readonly code: string;
}

/** Told of every 4xx answer; must not throw (a throw is logged and ignored). */
export type RefusalObserver = (request: Request, answer: ClientErrorAnswer) => void;

/** An error answer in a protocol's own form (e.g. the TAXII error object). */
export interface RenderedError {
  readonly contentType: string;
  readonly body: unknown;
}

/**
 * Renders an error answer for the routes of a protocol with its own error form;
 * undefined for every other route (answered as `{ error }`).
 */
export type ErrorRenderer = (
  request: Request,
  status: number,
  error: { readonly code: string } & Readonly<Record<string, unknown>>,
) => RenderedError | undefined;

interface Answer {
  readonly status: number;
  readonly error: { readonly code: string } & Readonly<Record<string, unknown>>;
}

@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  constructor(
    private readonly log: Logger,
    private readonly onRefusal?: RefusalObserver,
    private readonly render?: ErrorRenderer,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    if (res.headersSent) return;
    const answer = this.answerOf(error);
    if (answer.status >= 400 && answer.status < 500 && this.onRefusal) {
      try {
        this.onRefusal(http.getRequest<Request>(), {
          status: answer.status,
          code: answer.error.code,
        });
      } catch (observerError) {
        this.log.error({ err: observerError }, 'refusal observer failed');
      }
    }
    const rendered = this.render?.(http.getRequest<Request>(), answer.status, answer.error);
    if (rendered) {
      res
        .status(answer.status)
        .setHeader('Content-Type', rendered.contentType)
        .send(Buffer.from(JSON.stringify(rendered.body), 'utf8'));
      return;
    }
    res.status(answer.status).json({ error: answer.error });
  }

  private answerOf(error: unknown): Answer {
    if (isDomainError(error)) {
      return { status: httpStatusOf(error.category), error: error.toJSON() };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return { status, error: { code: `http.${status}`, message: error.message } };
    }
    const bp = error as BodyParserError;
    if (bp && typeof bp.status === 'number' && bp.status >= 400 && bp.status < 500) {
      const code =
        bp.type === 'entity.too.large' ? 'request.too-large' : `request.${bp.type ?? 'invalid'}`;
      return { status: bp.status, error: { code, message: bp.message ?? 'bad request' } };
    }
    const errorId = randomUUID();
    this.log.error({ err: error, errorId }, 'unhandled error');
    return { status: 500, error: { code: 'internal', message: 'internal error', errorId } };
  }
}
