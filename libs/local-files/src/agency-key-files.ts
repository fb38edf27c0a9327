/**
 * An agency's own key store on its own machine (the CLI's `--keys` folder): its
 * private signing and encryption keys. The hub never reads these; the demo and
 * the tests play the agencies and keep theirs under .local/demo-agencies/.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  createJwsSigner,
  generateAgencyKeys,
  type GeneratedAgencyKeys,
  type JwsSigner,
} from '@liaison/crypto';
import { readJsonInput } from './input-file';

/** A key file is a few KiB; a parse error must never quote its private key. */
const KEY_FILE_LIMITS = { maxBytes: 1024 * 1024 };

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
  return readJsonInput(agencyKeyFilePath(dir, agencyId), KEY_FILE_LIMITS) as AgencyKeyFile;
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

/**
 * An officer's own key on their own machine: the private half of the key their
 * agency enrolled for them. Officer tokens and signed statements use it; the
 * agency key never signs for an officer.
 */
export interface OfficerKeyFile {
  readonly agencyId: string;
  readonly officerId: string;
  readonly signing: GeneratedAgencyKeys;
}

export function officerKeyFilePath(dir: string, agencyId: string, officerId: string): string {
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(officerId) || officerId.includes('..'))
    throw new Error(`not an officer id: ${officerId}`);
  return agencyKeyFilePath(dir, agencyId).replace(
    /\.keys\.json$/,
    `.officer.${officerId}.keys.json`,
  );
}

export function readOfficerKeyFile(
  dir: string,
  agencyId: string,
  officerId: string,
): OfficerKeyFile {
  return readJsonInput(
    officerKeyFilePath(dir, agencyId, officerId),
    KEY_FILE_LIMITS,
  ) as OfficerKeyFile;
}

export function readOrCreateOfficerKeyFile(
  dir: string,
  agencyId: string,
  officerId: string,
): OfficerKeyFile {
  const file = officerKeyFilePath(dir, agencyId, officerId);
  if (existsSync(file)) return readOfficerKeyFile(dir, agencyId, officerId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys: OfficerKeyFile = { agencyId, officerId, signing: generateAgencyKeys('EdDSA') };
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return keys;
}

export function officerSigner(keys: OfficerKeyFile): JwsSigner {
  const alg = keys.signing.alg === 'ES256' ? 'ES256' : 'EdDSA';
  return createJwsSigner({ privateJwk: keys.signing.privateJwk, kid: keys.signing.kid, alg });
}
