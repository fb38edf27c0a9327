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

/** The 6-bit value of a base64url character (the alphabet is checked first). */
function sextet(code: number): number {
  if (code >= 97) return code - 71; // a-z: 26..51
  if (code >= 65) return code === 95 ? 63 : code - 65; // A-Z: 0..25, '_': 63
  if (code >= 48) return code + 4; // 0-9: 52..61
  return 62; // '-'
}

/**
 * Decodes canonical base64url; returns undefined for anything else. The one
 * canonical encoding of some bytes has zero in the bits of its last character
 * that hold no byte: 4 of them when the length is 2 mod 4, 2 when it is 3 mod 4.
 */
export function decodeBase64UrlStrict(text: string): Buffer | undefined {
  const tail = text.length % 4;
  if (tail === 1 || !ALPHABET.test(text)) return undefined;
  if (tail !== 0) {
    const unused = tail === 2 ? 0x0f : 0x03;
    if ((sextet(text.charCodeAt(text.length - 1)) & unused) !== 0) return undefined;
  }
  return Buffer.from(text, 'base64url');
}

export function isBase64UrlText(text: string): boolean {
  return ALPHABET.test(text);
}
