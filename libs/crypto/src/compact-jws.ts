/**
 * Compact JWS on node:crypto: the one path every Liaison signature goes through
 * (SD-JWT issuer JWTs, agency and officer tokens, receipts, checkpoints).
 * jose is ~1.8x slower for Ed25519 verify than a cached KeyObject (see
 * bench/micro/crypto.bench.ts), and at hub rates signature checks dominate.
 *
 * Verification order: strict syntax, `crit` refused, `alg` none/unknown refused
 * before any key lookup, key chosen by the caller (from the directory, never from
 * the header's jwk/jku/x5u/x5c), header alg must equal the key's registered alg,
 * fixed signature length, then the signature itself.
 */
import { sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { decodeBase64UrlStrict, encodeBase64Url } from './base64url';
import { jwsRefused, type VerificationScope } from './crypto-error';
import { importPrivateJwk, isSignatureAlg, type PrivateJwk, type SignatureAlg } from './jwk';
import { type VerificationKey } from './key-directory';
import { asJsonObject, isDuplicateMemberError, parseStrictJsonBytes } from './strict-json';

export type JoseHeader = Readonly<Record<string, unknown>> & { readonly alg: SignatureAlg };

export interface ParsedJws {
  readonly header: JoseHeader;
  readonly payloadBytes: Buffer;
  readonly signingInput: string;
  readonly signature: Buffer;
}

const SIGNATURE_BYTES: Record<SignatureAlg, number> = { EdDSA: 64, ES256: 64 };

/**
 * A header or payload as a null-prototype JSON object, or undefined when it is
 * not one. Duplicate member names are refused outright (`<scope>.duplicate-member`):
 * JSON.parse keeps the last `iss`, another reader may keep the first.
 */
function parseJsonObject(
  bytes: Buffer,
  scope: VerificationScope,
  part: 'header' | 'payload',
): Record<string, unknown> | undefined {
  try {
    return asJsonObject(parseStrictJsonBytes(bytes));
  } catch (error) {
    if (isDuplicateMemberError(error)) {
      throw jwsRefused(
        scope,
        'duplicate-member',
        `JWS ${part} has a duplicate member name`,
        (error as { details?: Readonly<Record<string, unknown>> }).details,
      );
    }
    return undefined;
  }
}

/** Parses a compact JWS and refuses unusable headers before any key is touched. */
export function parseCompactJws(compact: string, scope: VerificationScope): ParsedJws {
  if (typeof compact !== 'string') throw jwsRefused(scope, 'malformed', 'JWS is not a string');
  const first = compact.indexOf('.');
  const second = compact.indexOf('.', first + 1);
  if (first <= 0 || second < 0 || compact.indexOf('.', second + 1) !== -1) {
    throw jwsRefused(scope, 'malformed', 'not a three-part compact JWS');
  }
  const headerBytes = decodeBase64UrlStrict(compact.slice(0, first));
  const payloadBytes = decodeBase64UrlStrict(compact.slice(first + 1, second));
  const signature = decodeBase64UrlStrict(compact.slice(second + 1));
  if (headerBytes === undefined || payloadBytes === undefined || signature === undefined) {
    throw jwsRefused(scope, 'malformed', 'JWS part is not canonical base64url');
  }
  if (payloadBytes.length === 0) throw jwsRefused(scope, 'malformed', 'empty JWS payload');
  const header = parseJsonObject(headerBytes, scope, 'header');
  if (header === undefined) throw jwsRefused(scope, 'malformed', 'JWS header is not a JSON object');
  const alg = header.alg;
  if (typeof alg !== 'string') throw jwsRefused(scope, 'malformed', 'JWS header has no alg');
  if (alg.toLowerCase() === 'none') throw jwsRefused(scope, 'alg-none', 'alg none is refused');
  if (!isSignatureAlg(alg)) {
    throw jwsRefused(scope, 'alg-refused', `alg ${alg} is not accepted`, { alg });
  }
  // No extension is understood, so any critical one must fail (RFC 7515 §4.1.11).
  if (header.crit !== undefined)
    throw jwsRefused(scope, 'crit-unsupported', 'crit is not supported');
  return {
    header: header as JoseHeader,
    payloadBytes,
    signingInput: compact.slice(0, second),
    signature,
  };
}

/** Checks a parsed JWS against the key the caller selected. */
export function verifyParsedJws(
  parsed: ParsedJws,
  key: VerificationKey,
  scope: VerificationScope,
): void {
  if (key.use !== 'sig') throw jwsRefused(scope, 'wrong-key-use', 'key is not a signature key');
  if (parsed.header.alg !== key.alg) {
    throw jwsRefused(
      scope,
      'alg-mismatch',
      `header alg ${parsed.header.alg} is not the key's ${key.alg}`,
      {
        alg: parsed.header.alg,
        keyAlg: key.alg,
      },
    );
  }
  if (
    !verifySignatureBytes(
      key.alg,
      key.keyObject,
      Buffer.from(parsed.signingInput),
      parsed.signature,
    )
  ) {
    throw jwsRefused(scope, 'bad-signature', 'signature does not verify', { kid: key.kid });
  }
}

/**
 * The raw primitive: Ed25519 (RFC 8032) or ECDSA P-256/SHA-256 with the JWS
 * r||s encoding. Length is fixed per algorithm; anything else is refused.
 */
export function verifySignatureBytes(
  alg: SignatureAlg,
  keyObject: KeyObject,
  data: Buffer,
  signature: Buffer,
): boolean {
  if (signature.length !== SIGNATURE_BYTES[alg]) return false;
  try {
    return alg === 'EdDSA'
      ? nodeVerify(null, data, keyObject, signature)
      : nodeVerify('sha256', data, { key: keyObject, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

/**
 * Parses and verifies in one go. `selectKey` sees the unverified header and
 * payload bytes (to read kid and, for JWTs, iss/iat) and returns the registered
 * key or throws; the header can never supply the key itself.
 */
export function verifyCompactJws(
  compact: string,
  selectKey: (header: JoseHeader, payloadBytes: Buffer) => VerificationKey,
  scope: VerificationScope,
): ParsedJws {
  const parsed = parseCompactJws(compact, scope);
  verifyParsedJws(parsed, selectKey(parsed.header, parsed.payloadBytes), scope);
  return parsed;
}

/** A signing key imported once: what issuers, token clients and the hub sign with. */
export interface JwsSigner {
  readonly alg: SignatureAlg;
  readonly kid: string;
  sign(signingInput: string): Buffer;
}

export interface SignerKey {
  readonly privateJwk: PrivateJwk;
  readonly kid: string;
  readonly alg: SignatureAlg;
}

export function createJwsSigner(key: SignerKey): JwsSigner {
  const keyObject = importPrivateJwk(key.privateJwk, key.alg);
  const alg = key.alg;
  return {
    alg,
    kid: key.kid,
    sign: (signingInput: string): Buffer =>
      alg === 'EdDSA'
        ? nodeSign(null, Buffer.from(signingInput), keyObject)
        : nodeSign('sha256', Buffer.from(signingInput), {
            key: keyObject,
            dsaEncoding: 'ieee-p1363',
          }),
  };
}

/** Signs `payload` (JSON) with header `{ ...extraHeader, alg, kid }`. */
export function signCompactJws(
  payload: unknown,
  signer: JwsSigner,
  extraHeader: Readonly<Record<string, unknown>> = {},
): string {
  const header = { ...extraHeader, alg: signer.alg, kid: signer.kid };
  const signingInput = `${encodeBase64Url(Buffer.from(JSON.stringify(header)))}.${encodeBase64Url(
    Buffer.from(JSON.stringify(payload)),
  )}`;
  return `${signingInput}.${encodeBase64Url(signer.sign(signingInput))}`;
}

/** Decodes a verified payload as a JSON object or refuses it. */
export function jsonPayloadOf(
  parsed: ParsedJws,
  scope: VerificationScope,
): Record<string, unknown> {
  const payload = parseJsonObject(parsed.payloadBytes, scope, 'payload');
  if (payload === undefined)
    throw jwsRefused(scope, 'malformed', 'JWS payload is not a JSON object');
  return payload;
}

/**
 * The payload as a JSON object before verification (to find iss/iat), or
 * undefined; a duplicate member name is refused here, before any key is chosen.
 */
export function peekJsonPayload(
  payloadBytes: Buffer,
  scope: VerificationScope,
): Record<string, unknown> | undefined {
  return parseJsonObject(payloadBytes, scope, 'payload');
}
