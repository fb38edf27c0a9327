/**
 * What a refused request says about itself, read WITHOUT verifying it: the
 * `kid` of a compact JWS (or of an SD-JWT's issuer JWT), its issuer and its
 * message id. Only for attributing a refusal; never for a decision. Reads own
 * string members only, from bounded input, and never throws.
 */
import { parseStrictJsonBytes } from './strict-json';
const MAX_HEADER_CHARS = 2048;
const MAX_PAYLOAD_CHARS = 1024 * 1024;

export interface UnverifiedToken {
  readonly kid: string | null;
  /** `iss`, the agency the token claims to come from. */
  readonly issuer: string | null;
  /** `messageId`, else `jti`, as written (the caller checks its shape). */
  readonly messageId: string | null;
}

const NOTHING: UnverifiedToken = { kid: null, issuer: null, messageId: null };

function jsonObject(segment: string, maxChars: number): Record<string, unknown> | null {
  if (segment.length === 0 || segment.length > maxChars || !/^[A-Za-z0-9_-]+$/.test(segment))
    return null;
  try {
    const value: unknown = parseStrictJsonBytes(Buffer.from(segment, 'base64url'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function ownString(object: Record<string, unknown> | null, name: string): string | null {
  if (object === null || !Object.hasOwn(object, name)) return null;
  const value = object[name];
  return typeof value === 'string' ? value : null;
}

/** Peeks at a compact JWS or SD-JWT (`<jws>~<disclosure>~...`); never throws. */
export function peekUnverifiedToken(text: unknown): UnverifiedToken {
  if (typeof text !== 'string') return NOTHING;
  const jwsEnd = text.indexOf('~');
  const jws = (jwsEnd === -1 ? text : text.slice(0, jwsEnd)).trim();
  const first = jws.indexOf('.');
  if (first <= 0) return NOTHING;
  const second = jws.indexOf('.', first + 1);
  const header = jsonObject(jws.slice(0, first), MAX_HEADER_CHARS);
  const payload =
    second === -1 ? null : jsonObject(jws.slice(first + 1, second), MAX_PAYLOAD_CHARS);
  return {
    kid: ownString(header, 'kid'),
    issuer: ownString(payload, 'iss'),
    messageId: ownString(payload, 'messageId') ?? ownString(payload, 'jti'),
  };
}
