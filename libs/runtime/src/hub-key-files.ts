/**
 * The hub's own signing key lives in a file outside the database (HUB_KEYS_DIR),
 * generated on first use; only its public part is ever published (JWKS).
 * Custodial keys of agencies that let the hub sign on their behalf live beside it.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  createJwsSigner,
  generateAgencyKeys,
  type GeneratedAgencyKeys,
  type JwsSigner,
  type PrivateJwk,
  type PublicJwk,
} from '@liaison/crypto';
import { readJsonInput } from './input-file';

export interface StoredKeyPair {
  readonly kid: string;
  readonly alg: 'EdDSA' | 'ES256';
  readonly privateJwk: PrivateJwk;
  readonly publicJwk: PublicJwk;
}

/** A parse error names the file, never the private key in it. */
function readKeyPair(file: string): StoredKeyPair {
  return readJsonInput(file, { maxBytes: 1024 * 1024 }) as StoredKeyPair;
}

function readOrCreate(file: string): StoredKeyPair {
  if (existsSync(file)) return readKeyPair(file);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const keys: GeneratedAgencyKeys = generateAgencyKeys('EdDSA');
  const stored: StoredKeyPair = {
    kid: keys.kid,
    alg: 'EdDSA',
    privateJwk: keys.privateJwk,
    publicJwk: keys.publicJwk,
  };
  writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return stored;
}

export class HubKeyFiles {
  constructor(private readonly dir: string) {}

  hubSigningKey(): StoredKeyPair {
    return readOrCreate(path.join(this.dir, 'hub-signing.json'));
  }

  hubSigner(): JwsSigner {
    const key = this.hubSigningKey();
    return createJwsSigner({ privateJwk: key.privateJwk, kid: key.kid, alg: key.alg });
  }

  /** Custodial key of an agency that delegated signing to the hub, or undefined. */
  custodialKey(agencyId: string): StoredKeyPair | undefined {
    const file = path.join(this.dir, 'custodial', `${agencyId}.json`);
    return existsSync(file) ? readKeyPair(file) : undefined;
  }

  createCustodialKey(agencyId: string): StoredKeyPair {
    return readOrCreate(path.join(this.dir, 'custodial', `${agencyId}.json`));
  }
}
