/**
 * Reads the claims an SD-JWT (or a presentation) shows, for the audit views
 * ("what the originator sent" next to "what this recipient saw"). It does NOT
 * verify the signature: the hub verified the token before deciding, and the
 * ledger's presentation digest binds what was stored. Disclosures whose digest
 * is not referenced are ignored; digests with no disclosure stay hidden.
 * JSON is read with the strict parser and the claims are rebuilt into
 * null-prototype objects, so no stored name can reach Object.prototype.
 */
import { hash } from 'node:crypto';
import { FORBIDDEN_CLAIM_NAMES, parseStrictJson } from '@liaison/crypto';

export interface SdJwtClaimsView {
  /** Plain JSON as the holder of this token sees it (`_sd`, `_sd_alg`, `...` removed). */
  readonly claims: Record<string, unknown>;
  /** How many digest slots had no disclosure (withheld fields or decoys). */
  readonly hiddenSlots: number;
}

function base64UrlJson(text: string): unknown {
  return parseStrictJson(Buffer.from(text, 'base64url').toString('utf8'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readSdJwtClaims(compact: string): SdJwtClaimsView {
  const parts = compact.split('~');
  const issuerJwt = parts[0] ?? '';
  const payloadPart = issuerJwt.split('.')[1];
  if (payloadPart === undefined) throw new Error('not an SD-JWT: no issuer JWT payload');
  const payload = base64UrlJson(payloadPart);
  if (!isRecord(payload)) throw new Error('SD-JWT payload is not an object');
  const byDigest = new Map<string, unknown[]>();
  for (const encoded of parts.slice(1)) {
    if (encoded.length === 0) continue;
    const decoded = base64UrlJson(encoded);
    if (!Array.isArray(decoded)) continue;
    byDigest.set(hash('sha256', encoded, 'base64url'), decoded);
  }
  let hiddenSlots = 0;
  const walk = (value: unknown, depth: number): unknown => {
    if (depth > 64) throw new Error('SD-JWT nesting too deep');
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const item of value) {
        if (isRecord(item) && Object.keys(item).length === 1 && typeof item['...'] === 'string') {
          const disclosure = byDigest.get(item['...']);
          if (disclosure && disclosure.length === 2) out.push(walk(disclosure[1], depth + 1));
          else hiddenSlots += 1;
        } else {
          out.push(walk(item, depth + 1));
        }
      }
      return out;
    }
    if (!isRecord(value)) return value;
    const out = Object.create(null) as Record<string, unknown>;
    for (const [key, member] of Object.entries(value)) {
      if (key === '_sd' || key === '_sd_alg' || FORBIDDEN_CLAIM_NAMES.has(key)) continue;
      out[key] = walk(member, depth + 1);
    }
    const digests = Array.isArray(value._sd) ? value._sd : [];
    for (const digest of digests) {
      const disclosure = typeof digest === 'string' ? byDigest.get(digest) : undefined;
      if (
        disclosure &&
        disclosure.length === 3 &&
        typeof disclosure[1] === 'string' &&
        !FORBIDDEN_CLAIM_NAMES.has(disclosure[1])
      ) {
        out[disclosure[1]] = walk(disclosure[2], depth + 1);
      } else {
        hiddenSlots += 1;
      }
    }
    return out;
  };
  return { claims: walk(payload, 0) as Record<string, unknown>, hiddenSlots };
}

/** `issuerJwt~` followed by each selected disclosure and `~`, indices ascending. */
export function presentationFromDisclosures(
  issuerJwt: string,
  disclosures: readonly string[],
  indices: readonly number[],
): string {
  let out = `${issuerJwt}~`;
  for (const index of [...indices].sort((a, b) => a - b)) {
    const disclosure = disclosures[index];
    if (disclosure === undefined) throw new RangeError(`no disclosure ${index}`);
    out += `${disclosure}~`;
  }
  return out;
}

/**
 * A presentation rebuilt from the originator's whole token (`jwt~d0~...~dn~`,
 * as message_content keeps it) and the disclosure indices it was made of.
 */
export function presentationFromToken(sdJwt: string, indices: readonly number[]): string {
  const [issuerJwt = '', ...rest] = sdJwt.split('~');
  if (issuerJwt === '' || rest[rest.length - 1] !== '') {
    throw new RangeError('not an SD-JWT without key binding');
  }
  return presentationFromDisclosures(issuerJwt, rest.slice(0, -1), indices);
}
