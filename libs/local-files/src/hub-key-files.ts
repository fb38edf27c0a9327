/**
 * The hub's own signing key lives in a file outside the database (HUB_KEYS_DIR),
 * generated on first use; only its public part is ever published (JWKS).
 * Custodial keys of agencies that let the hub sign on their behalf live beside it,
 * and so does the link key file (the secrets of the link pseudonyms, by epoch).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  createJwsSigner,
  generateAgencyKeys,
  type GeneratedAgencyKeys,
  type JwsSigner,
  type PrivateJwk,
  type PublicJwk,
} from '@liaison/crypto';
import {
  LINK_KEY_BYTES,
  newLinkKeyFile,
  parseLinkKeyFile,
  serialiseLinkKeyFile,
  type LinkKeyRing,
} from '@liaison/links';
import { readJsonInput } from './input-file';

export const LINK_KEY_FILE = 'link-keys.json';

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

  /**
   * The link keys in force now, from `link-keys.json`; a first epoch is drawn and
   * written (0600, never overwriting a file another process wrote first) when the
   * file does not exist yet. A file that does not parse stops the caller.
   */
  linkKeyRing(nowMs = Date.now()): LinkKeyRing {
    const file = path.join(this.dir, LINK_KEY_FILE);
    if (!existsSync(file)) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const text = serialiseLinkKeyFile(newLinkKeyFile(randomBytes(LINK_KEY_BYTES), nowMs));
      try {
        writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
      }
    }
    return parseLinkKeyFile(readFileSync(file, 'utf8'), nowMs);
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
