/**
 * Signed checkpoints of the share ledger: a hub JWS (EdDSA) over the tree size
 * and root hash, so anyone holding one can check the ledger offline.
 */
import {
  jsonPayloadOf,
  parseCompactJws,
  signCompactJws,
  verifyParsedJws,
  type JwsSigner,
} from './compact-jws';
import { cryptoError, jwsRefused } from './crypto-error';
import { type PublicJwk } from './jwk';
import { type VerificationKey } from './key-directory';
import { nowSeconds, type Clock } from './time-claims';
import { isVerificationKey, verificationKeyFromJwk } from './verification-key';

export const CHECKPOINT_TYP = 'liaison-checkpoint+jws';

export interface Checkpoint {
  readonly treeSize: number;
  /** Lowercase hex SHA-256. */
  readonly rootHash: string;
}

export interface SignedCheckpoint extends Checkpoint {
  readonly iat: number;
}

const HEX_HASH = /^[0-9a-f]{64}$/;

function checkCheckpoint(value: Readonly<Record<string, unknown>>): boolean {
  return (
    Number.isSafeInteger(value.treeSize) &&
    (value.treeSize as number) >= 0 &&
    typeof value.rootHash === 'string' &&
    HEX_HASH.test(value.rootHash)
  );
}

export function signCheckpoint(checkpoint: Checkpoint, signer: JwsSigner, now: Clock): string {
  if (!checkCheckpoint({ ...checkpoint })) {
    throw cryptoError(
      'checkpoint.malformed',
      'treeSize must be a safe integer, rootHash hex SHA-256',
      'invalid-input',
    );
  }
  if (signer.alg !== 'EdDSA')
    throw cryptoError('checkpoint.hub-alg', 'the hub signs with EdDSA', 'invalid-input');
  const payload: SignedCheckpoint = {
    treeSize: checkpoint.treeSize,
    rootHash: checkpoint.rootHash,
    iat: nowSeconds(now),
  };
  return signCompactJws(payload, signer, { typ: CHECKPOINT_TYP });
}

export function verifyCheckpoint(
  jws: string,
  hubKey: PublicJwk | VerificationKey,
): SignedCheckpoint {
  const key = isVerificationKey(hubKey) ? hubKey : verificationKeyFromJwk(hubKey, 'EdDSA');
  const parsed = parseCompactJws(jws, 'checkpoint');
  if (parsed.header.typ !== CHECKPOINT_TYP) {
    throw jwsRefused('checkpoint', 'bad-typ', `typ must be ${CHECKPOINT_TYP}`);
  }
  verifyParsedJws(parsed, key, 'checkpoint');
  const payload = jsonPayloadOf(parsed, 'checkpoint');
  if (!checkCheckpoint(payload) || typeof payload.iat !== 'number') {
    throw jwsRefused('checkpoint', 'malformed', 'checkpoint payload malformed');
  }
  return {
    treeSize: payload.treeSize as number,
    rootHash: payload.rootHash as string,
    iat: payload.iat,
  };
}
