/**
 * Crypto wallet addresses, per chain. Base58 addresses (Bitcoin legacy, Litecoin,
 * Tron) are case-sensitive and checked with their Base58Check checksum; bech32 and
 * bech32m addresses are case-insensitive (lower-cased, mixed case refused) and
 * checked with their BCH checksum; EVM addresses (Ethereum and the chains sharing
 * its address space) are hex and case-insensitive, so they are lower-cased and one
 * address on Ethereum and BSC is one selector. The chain comes from the
 * identifier's institution ("BTC", "USDT-TRC20") or, when absent, from the format.
 */
import { createHash } from 'node:crypto';
import { canonical, skip, type Canonical } from './selector';

export type WalletChain = 'BTC' | 'LTC' | 'EVM' | 'TRON';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Base58Check payload (version byte included), or undefined if malformed or the checksum fails. */
export function base58CheckPayload(text: string): Uint8Array | undefined {
  let value = 0n;
  for (const ch of text) {
    const digit = BASE58.indexOf(ch);
    if (digit < 0) return undefined;
    value = value * 58n + BigInt(digit);
  }
  const bytes: number[] = [];
  while (value > 0n) {
    bytes.unshift(Number(value & 0xffn));
    value >>= 8n;
  }
  for (const ch of text) {
    if (ch !== '1') break;
    bytes.unshift(0);
  }
  if (bytes.length < 5) return undefined;
  const all = Uint8Array.from(bytes);
  const payload = all.subarray(0, all.length - 4);
  const check = sha256(sha256(payload)).subarray(0, 4);
  return Buffer.from(all.subarray(all.length - 4)).equals(check) ? payload : undefined;
}

function polymod(values: readonly number[]): number {
  const generators = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= generators[i] as number;
  }
  return chk >>> 0;
}

/** A valid segwit address of the given human-readable part, lower-cased; else undefined. */
export function segwitAddress(text: string, hrp: string): string | undefined {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) return undefined;
  const lower = text.toLowerCase();
  if (!lower.startsWith(`${hrp}1`) || lower.length > 90) return undefined;
  const data: number[] = [];
  for (const ch of lower.slice(hrp.length + 1)) {
    const v = BECH32.indexOf(ch);
    if (v < 0) return undefined;
    data.push(v);
  }
  if (data.length < 7) return undefined;
  const expanded = [...hrp].map((c) => c.charCodeAt(0) >> 5);
  expanded.push(0, ...[...hrp].map((c) => c.charCodeAt(0) & 31));
  const check = polymod([...expanded, ...data]);
  const version = data[0] as number;
  // BIP 173 (bech32) for witness version 0, BIP 350 (bech32m) for versions 1-16.
  const expected = version === 0 ? 1 : 0x2bc830a3;
  if (version > 16 || check !== expected) return undefined;
  const program = (data.length - 7) * 5;
  const programBytes = Math.floor(program / 8);
  if (programBytes < 2 || programBytes > 40) return undefined;
  if (version === 0 && programBytes !== 20 && programBytes !== 32) return undefined;
  return lower;
}

const CHAIN_NAMES: ReadonlyArray<readonly [RegExp, WalletChain]> = [
  [/trc20|tron|trx/, 'TRON'],
  [/erc20|bep20|ethereum|^eth|^bsc|^bnb|polygon|matic|arbitrum|optimism|^base$|^evm/, 'EVM'],
  [/litecoin|^ltc/, 'LTC'],
  [/bitcoin|^btc|^xbt/, 'BTC'],
];

/**
 * The chain an institution names, if it names one we know. Patterns are anchored
 * where a short name could hide in an exchange's name ("Coinbase" is no chain).
 */
export function chainOf(institution: string | null | undefined): WalletChain | undefined {
  if (institution == null) return undefined;
  const key = institution.toLowerCase().replace(/[^a-z0-9]/g, '');
  return CHAIN_NAMES.find(([pattern]) => pattern.test(key))?.[1];
}

function inferredChain(text: string): WalletChain | undefined {
  if (/^0x[0-9a-fA-F]{40}$/.test(text)) return 'EVM';
  if (/^bc1/i.test(text) || /^[13]/.test(text)) return 'BTC';
  if (/^ltc1/i.test(text) || /^[LM]/.test(text)) return 'LTC';
  if (/^T/.test(text)) return 'TRON';
  return undefined;
}

function base58Address(text: string, versions: readonly number[]): string | undefined {
  const payload = base58CheckPayload(text);
  return payload !== undefined && payload.length === 21 && versions.includes(payload[0] as number)
    ? text
    : undefined;
}

function addressOn(chain: WalletChain, text: string): string | undefined {
  switch (chain) {
    case 'EVM':
      return /^0x[0-9a-fA-F]{40}$/.test(text) ? text.toLowerCase() : undefined;
    case 'BTC':
      return /^bc1/i.test(text) ? segwitAddress(text, 'bc') : base58Address(text, [0x00, 0x05]);
    case 'LTC':
      return /^ltc1/i.test(text)
        ? segwitAddress(text, 'ltc')
        : base58Address(text, [0x30, 0x32, 0x05]);
    case 'TRON':
      return base58Address(text, [0x41]);
  }
}

export function canonicalWallet(raw: string, institution: string | null | undefined): Canonical {
  const text = raw.trim();
  if (text.length === 0) return skip('empty');
  if (text.length > 120) return skip('invalid-wallet');
  const chain = chainOf(institution) ?? inferredChain(text);
  if (chain === undefined) return skip('unknown-chain');
  const address = addressOn(chain, text);
  if (address === undefined) {
    const wellFormed = chain === 'EVM' ? false : /^[0-9A-Za-z]{25,90}$/.test(text);
    return skip(wellFormed ? 'wallet-checksum' : 'invalid-wallet');
  }
  return canonical(`${chain}:${address}`);
}
