/**
 * The hub link key file: the secrets of the link pseudonyms, kept beside the hub's
 * signing key (never in the database), one secret per epoch. The current epoch
 * writes index rows; older epochs stay usable for matching until their
 * `matchUntil`, so a rotation does not blind the index while it is re-keyed.
 * Parsing and rotation are pure here; reading and writing the file belong to the
 * app (the file's text in, the file's text out). Errors never quote a secret.
 *
 *   {
 *     "format": "liaison-link-keys/1",
 *     "currentEpoch": 2,
 *     "keys": [
 *       { "epoch": 2, "secret": "<base64url, 32 bytes>", "createdAt": "2026-12-01T00:00:00.000Z" },
 *       { "epoch": 1, "secret": "...", "createdAt": "...", "matchUntil": "2027-01-01T00:00:00.000Z" }
 *     ]
 *   }
 */
import { decodeBase64UrlStrict, encodeBase64Url, parseStrictJson } from '@liaison/crypto';
import { DomainError } from '@liaison/errors';
import type { LinkKey } from './pseudonym';

export const LINK_KEY_FILE_FORMAT = 'liaison-link-keys/1';
export const LINK_KEY_BYTES = 32;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface LinkKeyEntry {
  readonly epoch: number;
  /** base64url of LINK_KEY_BYTES random bytes. */
  readonly secret: string;
  readonly createdAt: string;
  /** Set once the epoch is retired: it may match until then, never write. */
  readonly matchUntil?: string;
}

export interface LinkKeyFile {
  readonly format: typeof LINK_KEY_FILE_FORMAT;
  readonly currentEpoch: number;
  readonly keys: readonly LinkKeyEntry[];
}

/** The keys in force at one instant: write with `current`, match with every one of `matching`. */
export interface LinkKeyRing {
  readonly current: LinkKey;
  /** The current key first, then retired keys still inside their window, newest first. */
  readonly matching: readonly LinkKey[];
}

export const LinkKeyErrorCode = {
  invalid: 'links.key-file-invalid',
  badSecret: 'links.key-secret-invalid',
} as const;

function invalid(problems: readonly string[]): DomainError {
  return new DomainError(
    LinkKeyErrorCode.invalid,
    `link key file invalid: ${problems.join('; ')}`,
    'invalid-input',
    { problems },
  );
}

function isEpoch(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

function isInstant(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

function entryProblems(entry: unknown, at: string): string[] {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return [`${at}: must be an object`];
  }
  const e = entry as Record<string, unknown>;
  const problems: string[] = [];
  const known = new Set(['epoch', 'secret', 'createdAt', 'matchUntil']);
  for (const name of Object.keys(e)) if (!known.has(name)) problems.push(`${at}.${name}: unknown`);
  if (!isEpoch(e.epoch)) problems.push(`${at}.epoch: must be an integer >= 1`);
  const secret = typeof e.secret === 'string' ? decodeBase64UrlStrict(e.secret) : undefined;
  if (secret?.length !== LINK_KEY_BYTES) {
    problems.push(`${at}.secret: must be base64url of ${LINK_KEY_BYTES} bytes`);
  }
  if (!isInstant(e.createdAt)) problems.push(`${at}.createdAt: must be an ISO-8601 UTC instant`);
  if (e.matchUntil !== undefined && !isInstant(e.matchUntil)) {
    problems.push(`${at}.matchUntil: must be an ISO-8601 UTC instant`);
  }
  return problems;
}

/** Checks a decoded key file; every problem at once. */
export function validateLinkKeyFile(value: unknown): LinkKeyFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(['must be a JSON object']);
  }
  const file = value as Record<string, unknown>;
  const problems: string[] = [];
  if (file.format !== LINK_KEY_FILE_FORMAT)
    problems.push(`format: must be ${LINK_KEY_FILE_FORMAT}`);
  if (!isEpoch(file.currentEpoch)) problems.push('currentEpoch: must be an integer >= 1');
  if (!Array.isArray(file.keys) || file.keys.length === 0) {
    problems.push('keys: must be a non-empty array');
  } else {
    const keys = file.keys as unknown[];
    keys.forEach((entry, i) => problems.push(...entryProblems(entry, `keys[${i}]`)));
    const epochs = keys.map((entry) => (entry as { epoch?: unknown }).epoch);
    if (new Set(epochs).size !== epochs.length) problems.push('keys: epochs must be distinct');
    const current = keys.find(
      (entry) => (entry as { epoch?: unknown }).epoch === file.currentEpoch,
    );
    if (current === undefined) problems.push('currentEpoch: no key has this epoch');
    else if ((current as { matchUntil?: unknown }).matchUntil !== undefined) {
      problems.push('currentEpoch: the current key cannot be retired');
    }
    if (
      isEpoch(file.currentEpoch) &&
      epochs.some((e) => isEpoch(e) && e > (file.currentEpoch as number))
    ) {
      problems.push('currentEpoch: must be the newest epoch');
    }
  }
  for (const name of Object.keys(file)) {
    if (!['format', 'currentEpoch', 'keys'].includes(name)) problems.push(`${name}: unknown`);
  }
  if (problems.length > 0) throw invalid(problems);
  return file as unknown as LinkKeyFile;
}

function keyOf(entry: LinkKeyEntry): LinkKey {
  return { epoch: entry.epoch, secret: decodeBase64UrlStrict(entry.secret) as Uint8Array };
}

/** The keys of a validated file in force at `nowMs`. */
export function linkKeyRing(file: LinkKeyFile, nowMs: number): LinkKeyRing {
  const current = file.keys.find((k) => k.epoch === file.currentEpoch) as LinkKeyEntry;
  const retired = file.keys
    .filter((k) => k.matchUntil !== undefined && Date.parse(k.matchUntil) > nowMs)
    .sort((a, b) => b.epoch - a.epoch);
  const currentKey = keyOf(current);
  return { current: currentKey, matching: [currentKey, ...retired.map(keyOf)] };
}

/** Parses the key file's text (strict JSON: no duplicate members) into the ring in force now. */
export function parseLinkKeyFile(text: string, nowMs: number): LinkKeyRing {
  let decoded: unknown;
  try {
    decoded = parseStrictJson(text);
  } catch {
    // The parser's message may quote the text around the fault: never repeat it.
    throw invalid(['not strict JSON']);
  }
  return linkKeyRing(validateLinkKeyFile(decoded), nowMs);
}

function checkedSecret(secret: Uint8Array): string {
  if (secret.length !== LINK_KEY_BYTES) {
    throw new DomainError(
      LinkKeyErrorCode.badSecret,
      `a link key secret must be ${LINK_KEY_BYTES} random bytes`,
    );
  }
  return encodeBase64Url(secret);
}

/** A first key file: epoch 1 with the given random secret (the caller draws it). */
export function newLinkKeyFile(secret: Uint8Array, nowMs: number): LinkKeyFile {
  return {
    format: LINK_KEY_FILE_FORMAT,
    currentEpoch: 1,
    keys: [{ epoch: 1, secret: checkedSecret(secret), createdAt: new Date(nowMs).toISOString() }],
  };
}

/**
 * Rotation: a new current epoch with `secret`; the previous current key matches for
 * `matchWindowDays` more; keys whose window has closed are dropped from the file.
 */
export function rotateLinkKeyFile(
  file: LinkKeyFile,
  secret: Uint8Array,
  nowMs: number,
  matchWindowDays: number,
): LinkKeyFile {
  const now = new Date(nowMs).toISOString();
  const matchUntil = new Date(nowMs + matchWindowDays * DAY_MS).toISOString();
  const kept = file.keys
    .filter((k) => k.matchUntil === undefined || Date.parse(k.matchUntil) > nowMs)
    .map((k) => (k.epoch === file.currentEpoch ? { ...k, matchUntil } : k));
  const epoch = Math.max(...file.keys.map((k) => k.epoch)) + 1;
  return {
    format: LINK_KEY_FILE_FORMAT,
    currentEpoch: epoch,
    keys: [{ epoch, secret: checkedSecret(secret), createdAt: now }, ...kept],
  };
}

export function serialiseLinkKeyFile(file: LinkKeyFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
