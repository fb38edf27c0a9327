/**
 * JSON request bodies through the one strict parser (libs/crypto strict-json):
 * every object has a null prototype, so a `__proto__` member is an ordinary own
 * property that can never reach Object.prototype; a member given twice is
 * refused (`json.duplicate-member`) instead of silently keeping the last; the
 * body must be an object or an array. Errors go to the global filter, which
 * answers 400 with the code and records the refusal.
 */
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { parseStrictJsonBytes } from '@liaison/crypto';
import { DomainError } from '@liaison/errors';

/** The parsed body of raw JSON bytes: an object or an array, with null-prototype objects. */
export function strictJsonBodyOf(bytes: Buffer): unknown {
  const value = parseStrictJsonBytes(bytes);
  if (typeof value !== 'object' || value === null) {
    throw new DomainError(
      'json.malformed',
      'a JSON request body must be an object or an array',
      'invalid-input',
    );
  }
  return value;
}

/** Reads `application/json` bodies up to `limit` bytes and parses them strictly. */
export function strictJsonBody(limit: number): RequestHandler[] {
  return [
    express.raw({ limit, type: 'application/json' }),
    (req: Request, _res: Response, next: NextFunction) => {
      const raw: unknown = req.body;
      if (!Buffer.isBuffer(raw)) return next();
      try {
        req.body = strictJsonBodyOf(raw);
        next();
      } catch (error) {
        next(error);
      }
    },
  ];
}
