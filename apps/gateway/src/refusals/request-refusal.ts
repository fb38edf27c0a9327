/**
 * What a refused request tells about itself, as a Refusal: the agency the hub
 * verified (the guard's req.auth), else the one the bearer token claims
 * (unverified, and only if it names a registered agency: a made-up name would
 * otherwise open a window of its own), the bearer token's kid, and the kid and
 * message id of a signed message in the body. Nothing else of the body is read.
 */
import type { Request } from 'express';
import type { ClientErrorAnswer } from '@liaison/runtime';
import { peekUnverifiedToken } from '@liaison/crypto';
import type { Refusal } from '@liaison/persistence';
import type { AuthContext } from '../auth/auth-context';

const BEARER = /^Bearer ([A-Za-z0-9_\-.~+/=]+)$/;

function bodyMessage(body: unknown): { kid: string | null; messageId: string | null } {
  if (typeof body === 'string') {
    const peeked = peekUnverifiedToken(body);
    return { kid: peeked.kid, messageId: peeked.messageId };
  }
  // Custodial JSON: the message (or { message }) object; only its id is read.
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const outer = body as Record<string, unknown>;
    const inner = Object.hasOwn(outer, 'message') ? outer.message : undefined;
    const message =
      typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : outer;
    const id = Object.hasOwn(message, 'messageId') ? message.messageId : undefined;
    return { kid: null, messageId: typeof id === 'string' ? id : null };
  }
  return { kid: null, messageId: null };
}

function routeOf(req: Request): string {
  const route = (req as { route?: { path?: unknown } }).route;
  const pattern = typeof route?.path === 'string' ? route.path : 'unmatched';
  return `${req.method} ${pattern}`.slice(0, 200);
}

export function refusalOfRequest(
  req: Request,
  answer: ClientErrorAnswer,
  correlationId: string | undefined,
  isRegistered: (agencyId: string) => boolean,
  now: Date,
): Refusal {
  const auth = (req as Request & { auth?: AuthContext }).auth;
  const authorization = req.headers.authorization;
  const bearer = typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined;
  const token = peekUnverifiedToken(bearer);
  const claimed = token.issuer !== null && isRegistered(token.issuer) ? token.issuer : null;
  const message = bodyMessage(req.body);
  const headerId = req.headers['x-correlation-id'];
  return {
    stage: 'gateway',
    reasonCode: answer.code,
    status: answer.status,
    agency: auth ? auth.agencyId : claimed,
    attribution: auth ? 'verified' : claimed !== null ? 'claimed' : 'unknown',
    keyId: token.kid,
    messageKeyId: message.kid,
    messageId: message.messageId,
    correlationId: correlationId ?? (typeof headerId === 'string' ? headerId : null),
    source: routeOf(req),
    refusedAt: now.toISOString(),
  };
}
