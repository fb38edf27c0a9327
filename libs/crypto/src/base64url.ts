/**
 * Strict base64url (RFC 7515 §2, no padding). Node's decoder silently skips
 * characters outside the alphabet and ignores non-zero trailing bits, so two
 * different strings could decode to the same bytes; the JWS layer must refuse
 * anything that is not the one canonical encoding of its bytes.
 */
const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Decodes canonical base64url; returns undefined for anything else. */
export function decodeBase64UrlStrict(text: string): Buffer | undefined {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  // Non-canonical trailing bits re-encode differently.
  return bytes.toString('base64url') === text ? bytes : undefined;
}

export function isBase64UrlText(text: string): boolean {
  return ALPHABET.test(text);
}
