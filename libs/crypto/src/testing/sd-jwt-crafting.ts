/**
 * Test support (not exported from the library): SD-JWTs an honest issuer would
 * never produce, signed with a real key, for the hostile and property tests.
 * Raw JSON text can be given for any part, so duplicate member names survive.
 */
import { randomBytes } from 'node:crypto';
import { encodeBase64Url } from '../base64url';
import { type JwsSigner } from '../compact-jws';
import { disclosureDigest } from '../sd-jwt-verifier';

/** The exact JSON text of a part (`new RawJson('{"a":1,"a":2}')`). */
export class RawJson {
  constructor(readonly raw: string) {}
}

/** A JSON value, or a RawJson. */
export type JsonOrRaw = unknown;

function textOf(value: unknown): string {
  return value instanceof RawJson ? value.raw : JSON.stringify(value);
}

const b64 = (value: unknown): string => encodeBase64Url(Buffer.from(textOf(value)));

/** `[salt, name, value]` (or `[salt, value]` when name is undefined), encoded. */
export function craftDisclosure(name: string | undefined, value: unknown): string {
  const salt = encodeBase64Url(randomBytes(16));
  return b64(name === undefined ? [salt, value] : [salt, name, value]);
}

export function digestOf(encodedDisclosure: string): string {
  return disclosureDigest(encodedDisclosure);
}

/** Signs `header.payload` and appends the disclosures: `jwt~d1~...~dn~`. */
export function craftSdJwt(
  signer: JwsSigner,
  payload: JsonOrRaw,
  disclosures: readonly string[],
  header: JsonOrRaw = { typ: 'sd+jwt', alg: signer.alg, kid: signer.kid },
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const jwt = `${input}.${encodeBase64Url(signer.sign(input))}`;
  return `${[jwt, ...disclosures].join('~')}~`;
}

export interface OpenedSdJwt {
  /** The signed payload, parsed (ordinary objects: tests mutate it). */
  readonly payload: Record<string, unknown>;
  readonly header: Record<string, unknown>;
  readonly disclosures: string[];
}

export function openSdJwt(token: string): OpenedSdJwt {
  const [jwt = '', ...rest] = token.split('~');
  const [h = '', p = ''] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>,
    disclosures: rest.filter((d) => d !== ''),
  };
}

/**
 * Re-signs an issued token after `mutate` changed its payload (and disclosure
 * list): what an originator with its own key can always do.
 */
export function resignSdJwt(
  token: string,
  signer: JwsSigner,
  mutate: (opened: OpenedSdJwt) => void,
): string {
  const opened = openSdJwt(token);
  mutate(opened);
  return craftSdJwt(signer, opened.payload, opened.disclosures, opened.header);
}

/** Adds a named disclosure under `object` (its `_sd` list); returns the encoded disclosure. */
export function discloseInto(
  opened: OpenedSdJwt,
  object: Record<string, unknown>,
  name: string,
  value: unknown,
): string {
  const encoded = craftDisclosure(name, value);
  const sd = Array.isArray(object._sd) ? (object._sd as unknown[]) : [];
  sd.push(digestOf(encoded));
  object._sd = sd;
  opened.disclosures.push(encoded);
  return encoded;
}
