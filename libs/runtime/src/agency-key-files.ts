/**
 * An agency's own key store on its own machine (the CLI's `--keys` folder): its
 * private signing and encryption keys. The hub never reads these; the demo and
 * the tests play the agencies and keep theirs under .local/demo-agencies/.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  createJwsSigner,
  generateAgencyKeys,
  type GeneratedAgencyKeys,
  type JwsSigner,
} from '@liaison/crypto';

export interface AgencyKeyFile {
  readonly agencyId: string;
  readonly signing: GeneratedAgencyKeys;
  readonly encryption: GeneratedAgencyKeys;
}

export function agencyKeyFilePath(dir: string, agencyId: string): string {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(agencyId)) throw new Error(`not an agency id: ${agencyId}`);
  return path.join(dir, `${agencyId}.keys.json`);
}

export function readAgencyKeyFile(dir: string, agencyId: string): AgencyKeyFile {
  return JSON.parse(readFileSync(agencyKeyFilePath(dir, agencyId), 'utf8')) as AgencyKeyFile;
}

export function readOrCreateAgencyKeyFile(
  dir: string,
  agencyId: string,
  alg: 'EdDSA' | 'ES256' = 'EdDSA',
): AgencyKeyFile {
  const file = agencyKeyFilePath(dir, agencyId);
  if (existsSync(file)) return readAgencyKeyFile(dir, agencyId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys: AgencyKeyFile = {
    agencyId,
    signing: generateAgencyKeys(alg),
    encryption: generateAgencyKeys('ECDH-ES+A256KW'),
  };
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return keys;
}

export function agencySigner(keys: AgencyKeyFile): JwsSigner {
  const alg = keys.signing.alg === 'ES256' ? 'ES256' : 'EdDSA';
  return createJwsSigner({ privateJwk: keys.signing.privateJwk, kid: keys.signing.kid, alg });
}
