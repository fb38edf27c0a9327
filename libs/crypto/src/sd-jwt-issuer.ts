/**
 * SD-JWT issuance, agency side (CLI/SDK): the claims are signed once by the
 * agency's key, every disclosable field becomes a salted-hash disclosure.
 * Built on @sd-jwt/core's SDJwtInstance with node:crypto underneath.
 *
 * Header `typ` is `sd+jwt`: a Liaison message is not a Verifiable Credential,
 * so `dc+sd-jwt` (SD-JWT VC, which implies `vct` and VC semantics) would be wrong.
 */
import { SDJwtInstance } from '@sd-jwt/core';
import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { type DisclosureFrame } from '@sd-jwt/types';
import { createJwsSigner, type SignerKey } from './compact-jws';
import { encodeBase64Url } from './base64url';
import { cryptoError } from './crypto-error';
import { disclosureFrameFor } from './disclosure-paths';

export const SD_JWT_TYP = 'sd+jwt';
export const SD_HASH_ALG = 'sha-256';

export interface SdJwtIssueRequest {
  /** The message as plain JSON; must carry jti, iss (= agency id), iat. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** Disclosable paths in the convention of disclosure-paths.ts. */
  readonly disclosablePaths: readonly string[];
  readonly signer: SignerKey;
  /** Extra protected header members; alg, typ and kid cannot be overridden. */
  readonly headerExtras?: Readonly<Record<string, unknown>>;
}

const PROTECTED_HEADER = new Set(['alg', 'typ', 'kid', 'crit', 'jwk', 'jku', 'x5u', 'x5c']);

export async function issueSdJwt(request: SdJwtIssueRequest): Promise<string> {
  const { claims } = request;
  if (
    typeof claims.iss !== 'string' ||
    typeof claims.jti !== 'string' ||
    typeof claims.iat !== 'number'
  ) {
    throw cryptoError('sdjwt.missing-claims', 'claims need iss, jti and iat', 'invalid-input');
  }
  for (const name of Object.keys(request.headerExtras ?? {})) {
    if (PROTECTED_HEADER.has(name)) {
      throw cryptoError('sdjwt.bad-header', `header member ${name} cannot be set`, 'invalid-input');
    }
  }
  const signer = createJwsSigner(request.signer);
  const instance = new SDJwtInstance<Record<string, unknown>>({
    signer: (data: string) => encodeBase64Url(signer.sign(data)),
    signAlg: signer.alg,
    hasher: digest,
    hashAlg: SD_HASH_ALG,
    saltGenerator: generateSalt,
  });
  // The library packs in place; give it a copy.
  const payload = structuredClone(claims) as Record<string, unknown>;
  const frame = disclosureFrameFor(payload, request.disclosablePaths);
  return instance.issue(payload, frame as DisclosureFrame<Record<string, unknown>>, {
    header: { ...request.headerExtras, typ: SD_JWT_TYP, kid: signer.kid },
  });
}
