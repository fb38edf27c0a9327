/**
 * Test support: the example messages of schemas/examples signed as their
 * originator would (every disclosable field a disclosure), with a key directory
 * that knows the originators, and the hub's and a recipient's verify options.
 */
import { messageClaimShape, messageKindOfClaims, type MessageKind } from '@liaison/contracts';
import { loadExamples } from '../../../contracts/src/testing/examples';
import {
  KeyDirectory,
  createJwsSigner,
  generateAgencyKeys,
  issueSdJwt,
  type AgencyKey,
  type JwsSigner,
  type SignerKey,
  type PresentationVerifyOptions,
  type SdJwtVerifyOptions,
} from '@liaison/crypto';
import { disclosablePathsOf } from '../message-analysis';

export const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
export const NOW_SEC = NOW_MS / 1000;

export interface ExampleSigners {
  readonly directory: KeyDirectory;
  /** For crafting tokens by hand (libs/crypto/src/testing/sd-jwt-crafting.ts). */
  signerOf(agencyId: string): JwsSigner;
  /** For issueSdJwt. */
  signerKeyOf(agencyId: string): SignerKey;
}

/** One EdDSA key per agency. */
export function exampleSigners(agencies: readonly string[]): ExampleSigners {
  const keys = new Map<string, { signer: JwsSigner; signerKey: SignerKey; record: AgencyKey }>();
  for (const agencyId of agencies) {
    const generated = generateAgencyKeys('EdDSA');
    const signerKey: SignerKey = {
      privateJwk: generated.privateJwk,
      kid: generated.kid,
      alg: 'EdDSA',
    };
    keys.set(agencyId, {
      signer: createJwsSigner(signerKey),
      signerKey,
      record: {
        agencyId,
        kid: generated.kid,
        use: 'sig',
        alg: 'EdDSA',
        publicJwk: generated.publicJwk,
        notBefore: NOW_SEC - 86_400,
        status: 'active',
      },
    });
  }
  const entry = (agencyId: string) => {
    const found = keys.get(agencyId);
    if (!found) throw new Error(`no test key for ${agencyId}`);
    return found;
  };
  return {
    directory: new KeyDirectory([...keys.values()].map((k) => k.record)),
    signerOf: (agencyId) => entry(agencyId).signer,
    signerKeyOf: (agencyId) => entry(agencyId).signerKey,
  };
}

/** The claims an originator signs for a message (as apps/cli message-signing does). */
export function claimsOf(
  json: Readonly<Record<string, unknown>>,
  kind: MessageKind,
): Record<string, unknown> {
  return {
    ...structuredClone(json),
    jti: json.messageId,
    iss: json.originatorAgency,
    iat: NOW_SEC - 5,
    exp: NOW_SEC + 3600,
    liaison_kind: kind,
  };
}

/** Issues `claims` with the disclosable paths of the kind (or the ones given). */
export function signClaims(
  signers: ExampleSigners,
  kind: MessageKind,
  claims: Readonly<Record<string, unknown>>,
  disclosablePaths: readonly string[] = disclosablePathsOf(kind),
): Promise<string> {
  return issueSdJwt({
    claims,
    disclosablePaths,
    signer: signers.signerKeyOf(String(claims.iss)),
  });
}

export function hubVerifyOptions(directory: KeyDirectory, kind: MessageKind): SdJwtVerifyOptions {
  return {
    directory,
    shape: messageClaimShape(kind),
    now: () => NOW_MS,
    maxTokenBytes: 1 << 20,
    clockSkewSec: 60,
  };
}

export function recipientVerifyOptions(directory: KeyDirectory): PresentationVerifyOptions {
  return {
    directory,
    shape: (payload) => messageClaimShape(messageKindOfClaims(payload)),
    now: () => NOW_MS,
  };
}

export { loadExamples };
