/** `liaison keys generate`: an agency's signing + encryption keys, kept locally; prints the public JWKS. */
import { renderJwks } from '@liaison/crypto';
import { readOrCreateAgencyKeyFile } from '@liaison/local-files';
import { DEFAULT_KEYS_DIR } from '../agency-identity';
import { print, type OutputOptions } from '../output';

export function keysGenerateCommand(
  agency: string,
  options: OutputOptions & { keys?: string; alg?: string },
): number {
  const alg = options.alg === 'ES256' ? 'ES256' : 'EdDSA';
  const keys = readOrCreateAgencyKeyFile(options.keys ?? DEFAULT_KEYS_DIR, agency, alg);
  const jwks = renderJwks([
    { kid: keys.signing.kid, alg: keys.signing.alg, publicJwk: keys.signing.publicJwk },
    { kid: keys.encryption.kid, alg: keys.encryption.alg, publicJwk: keys.encryption.publicJwk },
  ]);
  print({ json: true }, jwks);
  return 0;
}
