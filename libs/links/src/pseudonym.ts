/**
 * Keyed pseudonyms of selectors: HMAC-SHA-256 under the hub's link key, so the
 * link index holds no selector in clear and cannot be enumerated without the key.
 * Each kind gets its own subkey (HMAC of the kind's label under the epoch secret):
 * the same string as a phone and as a handle gives unrelated pseudonyms, and a
 * pseudonym of one kind can never be replayed as another.
 * Pseudonyms of different epochs are unrelated; an index row records its epoch.
 */
import { createHmac } from 'node:crypto';
import { encodeBase64Url } from '@liaison/crypto';
import type { Selector, SelectorKind } from './selector';

/** One epoch of the hub link key: a 32-byte secret. */
export interface LinkKey {
  readonly epoch: number;
  readonly secret: Uint8Array;
}

export interface Pseudonym {
  readonly epoch: number;
  readonly kind: SelectorKind;
  /** base64url of HMAC-SHA-256(subkey(kind), canonical value): 43 characters. */
  readonly pseudonym: string;
}

/** Versioned label of each kind's subkey: changing the construction means a new label. */
const SUBKEY_LABEL = 'liaison/link-pseudonym/v1/';

const subkeys = new WeakMap<LinkKey, Map<SelectorKind, Buffer>>();

function subkeyOf(key: LinkKey, kind: SelectorKind): Buffer {
  let perKind = subkeys.get(key);
  if (perKind === undefined) {
    perKind = new Map();
    subkeys.set(key, perKind);
  }
  let subkey = perKind.get(kind);
  if (subkey === undefined) {
    subkey = createHmac('sha256', key.secret)
      .update(SUBKEY_LABEL + kind, 'utf8')
      .digest();
    perKind.set(kind, subkey);
  }
  return subkey;
}

export function pseudonymOf(key: LinkKey, selector: Pick<Selector, 'kind' | 'value'>): Pseudonym {
  const mac = createHmac('sha256', subkeyOf(key, selector.kind))
    .update(selector.value, 'utf8')
    .digest();
  return { epoch: key.epoch, kind: selector.kind, pseudonym: encodeBase64Url(mac) };
}

/** Pseudonyms of selectors under each of `keys` (one key to write, every epoch in force to match). */
export function pseudonymsOf(
  keys: readonly LinkKey[],
  selectors: readonly Pick<Selector, 'kind' | 'value'>[],
): Pseudonym[] {
  const out: Pseudonym[] = [];
  for (const key of keys) for (const selector of selectors) out.push(pseudonymOf(key, selector));
  return out;
}
