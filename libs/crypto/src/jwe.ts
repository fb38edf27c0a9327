/**
 * Presentations encrypted to a recipient agency: compact JWE,
 * ECDH-ES+A256KW key agreement and A256GCM content encryption, through jose.
 * Decryption accepts exactly that pair: PBES2 (password-based; attacker-chosen
 * iteration counts burn CPU), `zip` (decompression bombs, and compression
 * leaks content length) and every other algorithm are refused before jose
 * touches the ciphertext.
 */
import type { KeyObject } from 'node:crypto';
import {
  CompactEncrypt,
  compactDecrypt,
  decodeProtectedHeader,
  type CompactJWEHeaderParameters,
} from 'jose';
import { cryptoError } from './crypto-error';
import { importPrivateJwk, importPublicJwk, type PrivateJwk, type PublicJwk } from './jwk';

export const JWE_ALG = 'ECDH-ES+A256KW';
export const JWE_ENC = 'A256GCM';
export const JWE_CTY = 'sd+jwt';

export interface JweOptions {
  /** Refuse larger inputs (default 1 MiB). */
  readonly maxBytes?: number;
}

const importedKeys = new WeakMap<PublicJwk, KeyObject>();

export async function encryptFor(
  presentation: string,
  recipientEncJwk: PublicJwk,
): Promise<string> {
  // Validate as a registered encryption key (curve, no private part, use enc);
  // imported once per JWK object, as the worker encrypts to the same key repeatedly.
  let keyObject = importedKeys.get(recipientEncJwk);
  if (!keyObject) {
    keyObject = importPublicJwk(recipientEncJwk, JWE_ALG);
    importedKeys.set(recipientEncJwk, keyObject);
  }
  const header: CompactJWEHeaderParameters = { alg: JWE_ALG, enc: JWE_ENC, cty: JWE_CTY };
  if (typeof recipientEncJwk.kid === 'string') header.kid = recipientEncJwk.kid;
  return new CompactEncrypt(Buffer.from(presentation, 'utf8'))
    .setProtectedHeader(header)
    .encrypt(keyObject);
}

function refused(code: string, message: string): Error {
  return cryptoError(code, message, 'invalid-input');
}

export async function decryptPresentation(
  jwe: string,
  recipientPrivateJwk: PrivateJwk,
  options: JweOptions = {},
): Promise<string> {
  const maxBytes = options.maxBytes ?? 1_048_576;
  if (typeof jwe !== 'string' || jwe.length > maxBytes) {
    throw cryptoError('jwe.too-large', `JWE exceeds ${maxBytes} bytes`, 'too-large');
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwe);
  } catch {
    throw refused('jwe.malformed', 'JWE protected header does not decode');
  }
  const alg = header.alg;
  if (typeof alg === 'string' && alg.startsWith('PBES2'))
    throw refused('jwe.pbes2-refused', 'PBES2 is refused');
  if (header.zip !== undefined) throw refused('jwe.zip-refused', 'compressed JWE is refused');
  if (alg !== JWE_ALG || header.enc !== JWE_ENC) {
    throw refused('jwe.alg-refused', `only ${JWE_ALG} with ${JWE_ENC} is accepted`);
  }
  if (header.crit !== undefined) throw refused('jwe.crit-unsupported', 'crit is not supported');
  const key = importPrivateJwk(recipientPrivateJwk, JWE_ALG);
  try {
    const { plaintext } = await compactDecrypt(jwe, key, {
      keyManagementAlgorithms: [JWE_ALG],
      contentEncryptionAlgorithms: [JWE_ENC],
    });
    return Buffer.from(plaintext).toString('utf8');
  } catch {
    throw cryptoError(
      'jwe.decrypt-failed',
      'JWE does not decrypt with this key',
      'unauthenticated',
    );
  }
}
