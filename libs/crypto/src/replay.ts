/**
 * Replay protection without storage: the app owns the jti store and passes it
 * in. `seen` must record the jti and answer, atomically, whether it was
 * already there (e.g. INSERT ... ON CONFLICT DO NOTHING, keyed until `exp`).
 */
import { cryptoError } from './crypto-error';

export type JtiSeen = (jti: string, expiresAtSec: number) => Promise<boolean>;

const JTI_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export function assertWellFormedJti(jti: unknown, scope: 'token' | 'sdjwt'): asserts jti is string {
  if (typeof jti !== 'string' || !JTI_PATTERN.test(jti)) {
    throw cryptoError(
      `${scope}.bad-jti`,
      'jti missing or not of the form [A-Za-z0-9._:-]{1,128}',
      'invalid-input',
    );
  }
}

/** Throws `<scope>.replayed` if `seen` reports the jti as already used. */
export async function assertNotReplayed(
  jti: string,
  expiresAtSec: number,
  seen: JtiSeen,
  scope: 'token' | 'sdjwt' = 'token',
): Promise<void> {
  if (await seen(jti, expiresAtSec)) {
    throw cryptoError(`${scope}.replayed`, `jti ${jti} was already used`, 'conflict', { jti });
  }
}
