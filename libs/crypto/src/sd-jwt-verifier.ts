/**
 * Fast SD-JWT verification at the hub: parse once, one signature check with a
 * cached KeyObject, each disclosure hashed once, one walk over the payload.
 * @sd-jwt/core 0.19 re-decodes the token on every call and does not refuse
 * duplicate or unreferenced disclosures; this verifier does, and its output is
 * checked against the library's in sd-jwt-verifier.spec.ts.
 *
 * Checks, in order: size cap; `issuerJwt~d1~...~dn~` shape (no key binding);
 * strict JWS parse, alg none, HS256 and unknown algs refused; typ `sd+jwt`; key of
 * (iss, kid) from the directory valid at iat; header alg = key alg; signature;
 * `_sd_alg` = sha-256; every disclosure well formed, distinct, and referenced
 * exactly once by an `_sd` entry or `{"...": digest}` array element reachable
 * from the payload; no disclosed name colliding with a plain claim; no name
 * `__proto__`, `constructor` or `prototype` anywhere; the claims match the
 * expected ClaimShape (claim-shape.ts); time claims.
 *
 * All JSON goes through the strict parser (strict-json.ts: duplicate member
 * names refused, null-prototype objects) and the claims are rebuilt into
 * null-prototype objects, so no name in a token can reach Object.prototype.
 */
import { hash } from 'node:crypto';
import { decodeBase64UrlStrict, isBase64UrlText } from './base64url';
import { parseCompactJws, peekJsonPayload, verifyParsedJws, type JoseHeader } from './compact-jws';
import { FORBIDDEN_CLAIM_NAMES, type ClaimShape } from './claim-shape';
import { cryptoError, jwsRefused } from './crypto-error';
import { type SignatureKeyResolver } from './key-directory';
import { isDuplicateMemberError, parseStrictJsonBytes } from './strict-json';
import { DEFAULT_MAX_MESSAGE_LIFETIME_SEC, checkTimeClaims, type Clock } from './time-claims';
import { SD_HASH_ALG, SD_JWT_TYP } from './sd-jwt-issuer';

export interface VerifiedDisclosure {
  /** Position in the token as received (0-based, after the issuer JWT). */
  readonly index: number;
  readonly encoded: string;
  /** base64url(SHA-256(encoded)), as referenced from the payload. */
  readonly digest: string;
  /** One occurrence: `subjects[2].identity.fullName`, `subjects[2]`. */
  readonly concretePath: string;
  /** The declared path it instantiates: `subjects[].identity.fullName`. */
  readonly schemaPath: string;
  /** The disclosure that must be present for this one to be reachable. */
  readonly parentIndex: number | null;
  readonly value: unknown;
}

/** A digest slot with no disclosure for it (withheld, or a decoy). */
export interface WithheldSlot {
  readonly digest: string;
  /** Object path holding the `_sd` entry, or the array element's path. */
  readonly under: string;
}

export interface VerifiedSdJwt {
  readonly issuerJwt: string;
  readonly header: JoseHeader;
  /** The signed payload as issued (with `_sd`, `_sd_alg`). */
  readonly payload: Readonly<Record<string, unknown>>;
  readonly issuer: string;
  readonly kid: string;
  readonly disclosures: readonly VerifiedDisclosure[];
  /** Fully disclosed plain JSON (`_sd`, `_sd_alg`, `...` removed). */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly withheld: readonly WithheldSlot[];
}

/**
 * The shape the claims must have: fixed, or chosen from the verified payload
 * (a recipient learns the message kind from the signed claims).
 */
export type ClaimShapeSource =
  ClaimShape | ((payload: Readonly<Record<string, unknown>>) => ClaimShape);

export interface SdJwtVerifyOptions {
  readonly directory: SignatureKeyResolver;
  /** The message kind's shape (libs/contracts `messageClaimShape`). */
  readonly shape: ClaimShapeSource;
  readonly now: Clock;
  readonly maxTokenBytes: number;
  readonly clockSkewSec: number;
  readonly maxAgeSec?: number;
  /** Longest exp - iat accepted (seconds); DEFAULT_MAX_MESSAGE_LIFETIME_SEC if unset. */
  readonly maxLifetimeSec?: number;
}

interface DecodedDisclosure {
  readonly encoded: string;
  readonly digest: string;
  /** undefined for an array-element disclosure `[salt, value]`. */
  readonly name: string | undefined;
  readonly value: unknown;
}

interface Placement {
  concretePath: string;
  schemaPath: string;
  parentIndex: number | null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformedDisclosure(index: number, reason: string): Error {
  return cryptoError(
    'sdjwt.malformed-disclosure',
    `disclosure ${index}: ${reason}`,
    'invalid-input',
    {
      index,
    },
  );
}

export function disclosureDigest(encoded: string): string {
  return hash('sha256', encoded, 'base64url');
}

function decodeDisclosure(encoded: string, index: number): DecodedDisclosure {
  const bytes = decodeBase64UrlStrict(encoded);
  if (bytes === undefined) throw malformedDisclosure(index, 'not canonical base64url');
  let parsed: unknown;
  try {
    parsed = parseStrictJsonBytes(bytes);
  } catch (error) {
    if (isDuplicateMemberError(error)) {
      throw cryptoError(
        'sdjwt.duplicate-member',
        `disclosure ${index}: a JSON object in it has a duplicate member name`,
        'invalid-input',
        { index },
      );
    }
    throw malformedDisclosure(index, 'not JSON');
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string') {
    throw malformedDisclosure(index, 'not [salt, (name,) value]');
  }
  const digest = disclosureDigest(encoded);
  if (parsed.length === 2) return { encoded, digest, name: undefined, value: parsed[1] };
  if (parsed.length === 3 && typeof parsed[1] === 'string') {
    const name = parsed[1];
    if (name === '_sd' || name === '...' || name === '_sd_alg') {
      throw malformedDisclosure(index, `claim name ${name} is reserved`);
    }
    return { encoded, digest, name, value: parsed[2] };
  }
  throw malformedDisclosure(index, 'not [salt, (name,) value]');
}

/** Splits `jwt~d1~...~dn~`; refuses key binding and empty segments. */
function splitSdJwt(compact: string): { issuerJwt: string; encoded: string[] } {
  const parts = compact.split('~');
  if (parts.length < 2)
    throw cryptoError('sdjwt.malformed', 'not an SD-JWT (no ~)', 'invalid-input');
  if (parts[parts.length - 1] !== '') {
    throw cryptoError(
      'sdjwt.key-binding-unsupported',
      'SD-JWT+KB is not accepted',
      'invalid-input',
    );
  }
  const encoded = parts.slice(1, -1);
  for (let i = 0; i < encoded.length; i++) {
    const text = encoded[i] ?? '';
    if (text.length === 0 || !isBase64UrlText(text))
      throw malformedDisclosure(i, 'empty or not base64url');
  }
  return { issuerJwt: parts[0] ?? '', encoded };
}

function joinPath(base: string, name: string): string {
  return base === '' ? name : `${base}.${name}`;
}

/** Walks the payload, resolving digests to disclosures; see the module header. */
class DisclosureWalk {
  readonly placements: (Placement | undefined)[];
  readonly withheld: WithheldSlot[] = [];
  private readonly byDigest = new Map<string, number>();

  constructor(
    private readonly disclosures: readonly DecodedDisclosure[],
    private readonly shape: ShapeCheck,
  ) {
    this.placements = new Array<Placement | undefined>(disclosures.length);
    disclosures.forEach((d, index) => {
      if (this.byDigest.has(d.digest)) {
        throw cryptoError(
          'sdjwt.duplicate-disclosure',
          `disclosure ${index} appears twice`,
          'invalid-input',
          {
            index,
          },
        );
      }
      this.byDigest.set(d.digest, index);
    });
  }

  private claim(
    digest: unknown,
    placement: Placement,
    wantName: boolean,
    under: string,
  ): number | undefined {
    if (typeof digest !== 'string') {
      throw cryptoError('sdjwt.malformed', 'digest is not a string', 'invalid-input', { under });
    }
    const index = this.byDigest.get(digest);
    if (index === undefined) {
      this.withheld.push({ digest, under });
      return undefined;
    }
    if (this.placements[index] !== undefined) {
      throw cryptoError(
        'sdjwt.duplicate-digest',
        `digest of disclosure ${index} is referenced twice`,
        'invalid-input',
        {
          index,
        },
      );
    }
    const disclosure = this.disclosures[index];
    if (disclosure === undefined || (disclosure.name !== undefined) !== wantName) {
      throw cryptoError(
        'sdjwt.disclosure-kind-mismatch',
        `disclosure ${index} is ${wantName ? 'an array element' : 'an object property'} where the other is expected`,
        'invalid-input',
        { index },
      );
    }
    this.placements[index] = placement;
    return index;
  }

  /**
   * Rebuilds the claims under `value` into null-prototype objects. `shaped`:
   * whether the shape applies here (not inside an envelope claim, not without a shape).
   */
  walk(
    value: unknown,
    concrete: string,
    schema: string,
    parentIndex: number | null,
    atRoot: boolean,
    shaped: boolean,
  ): unknown {
    if (Array.isArray(value)) {
      const result: unknown[] = [];
      value.forEach((element: unknown, position) => {
        const elementConcrete = `${concrete}[${position}]`;
        const elementSchema = `${schema}[]`;
        if (isPlainObject(element) && '...' in element) {
          if (Object.keys(element).length !== 1) {
            throw cryptoError(
              'sdjwt.malformed',
              `${elementConcrete}: "..." with other members`,
              'invalid-input',
            );
          }
          const placement = {
            concretePath: elementConcrete,
            schemaPath: elementSchema,
            parentIndex,
          };
          const index = this.claim(element['...'], placement, false, elementConcrete);
          if (index === undefined) return;
          if (shaped) this.shape.disclosed(elementSchema, elementConcrete, index);
          const disclosed = this.disclosures[index]?.value;
          result.push(this.walk(disclosed, elementConcrete, elementSchema, index, false, shaped));
          return;
        }
        if (shaped) this.shape.plain(elementSchema, elementConcrete, element);
        result.push(this.walk(element, elementConcrete, elementSchema, parentIndex, false, shaped));
      });
      return result;
    }
    if (!isPlainObject(value)) return value;
    const result = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value)) {
      if (key === '_sd' || (atRoot && key === '_sd_alg')) continue;
      if (key === '...')
        throw cryptoError('sdjwt.malformed', `${concrete}: stray "..."`, 'invalid-input');
      const memberConcrete = joinPath(concrete, key);
      const memberSchema = joinPath(schema, key);
      refuseForbiddenName(key, memberConcrete, undefined);
      const envelope = atRoot && this.shape.isEnvelope(key);
      const member = value[key];
      if (shaped && !envelope) this.shape.plain(memberSchema, memberConcrete, member);
      result[key] = this.walk(
        member,
        memberConcrete,
        memberSchema,
        parentIndex,
        false,
        shaped && !envelope,
      );
    }
    const sd = value._sd;
    if (sd === undefined) return result;
    if (!Array.isArray(sd))
      throw cryptoError('sdjwt.malformed', `${concrete}: _sd is not an array`, 'invalid-input');
    for (const digest of sd) {
      const placement: Placement = { concretePath: '', schemaPath: '', parentIndex };
      const index = this.claim(digest, placement, true, concrete);
      if (index === undefined) continue;
      const disclosure = this.disclosures[index] as DecodedDisclosure;
      const name = disclosure.name as string;
      placement.concretePath = joinPath(concrete, name);
      placement.schemaPath = joinPath(schema, name);
      refuseForbiddenName(name, placement.concretePath, index);
      if (Object.prototype.hasOwnProperty.call(result, name)) {
        throw cryptoError(
          'sdjwt.claim-name-collision',
          `${placement.concretePath} is disclosed twice`,
          'invalid-input',
          {
            index,
          },
        );
      }
      if (shaped) {
        if (atRoot && this.shape.isEnvelope(name)) {
          throw cryptoError(
            'sdjwt.not-disclosable',
            `${name} must be a plain claim: every recipient sees it`,
            'invalid-input',
            { index, path: name },
          );
        }
        this.shape.disclosed(placement.schemaPath, placement.concretePath, index);
      }
      result[name] = this.walk(
        disclosure.value,
        placement.concretePath,
        placement.schemaPath,
        index,
        false,
        shaped,
      );
    }
    return result;
  }
}

function refuseForbiddenName(name: string, path: string, index: number | undefined): void {
  if (FORBIDDEN_CLAIM_NAMES.has(name)) {
    throw cryptoError(
      'sdjwt.forbidden-claim-name',
      `${path}: the name ${name} is never accepted`,
      'invalid-input',
      index === undefined ? { path } : { path, index },
    );
  }
}

/** The checks of a ClaimShape at one path (see claim-shape.ts). */
class ShapeCheck {
  constructor(private readonly shape: ClaimShape | undefined) {}

  get active(): boolean {
    return this.shape !== undefined;
  }

  isEnvelope(name: string): boolean {
    return this.shape?.envelopeClaims.has(name) ?? false;
  }

  private known(schemaPath: string, concretePath: string, index: number | undefined): ClaimShape {
    const shape = this.shape as ClaimShape;
    if (!shape.knownPaths.has(schemaPath)) {
      throw cryptoError(
        'sdjwt.unknown-claim',
        `${concretePath} is not a field of the message`,
        'invalid-input',
        index === undefined ? { path: concretePath } : { path: concretePath, index },
      );
    }
    return shape;
  }

  /** A member or element signed in clear. */
  plain(schemaPath: string, concretePath: string, value: unknown): void {
    const shape = this.known(schemaPath, concretePath, undefined);
    if (value !== null && shape.disclosablePaths.has(schemaPath)) {
      throw cryptoError(
        'sdjwt.disclosable-in-clear',
        `${concretePath} is disclosable but signed in clear: the hub could not withhold it`,
        'invalid-input',
        { path: concretePath },
      );
    }
  }

  /** A member or element carried by disclosure `index`. */
  disclosed(schemaPath: string, concretePath: string, index: number): void {
    const shape = this.known(schemaPath, concretePath, index);
    if (!shape.disclosablePaths.has(schemaPath)) {
      throw cryptoError(
        'sdjwt.not-disclosable',
        `${concretePath} is sent as a disclosure but the schema does not mark it disclosable`,
        'invalid-input',
        { path: concretePath, index },
      );
    }
  }
}

export interface SdJwtVerifyCoreOptions {
  readonly directory: SignatureKeyResolver;
  readonly maxTokenBytes: number;
  /**
   * The shape the claims must have. Without one only the structural checks and
   * the forbidden names apply: the hub and recipients always pass one.
   */
  readonly shape?: ClaimShapeSource;
}

/**
 * Everything except time claims: shared by the hub (verifySdJwt) and by
 * recipients (verifyPresentation), which apply their own time policy.
 */
export function verifySdJwtStructure(
  compact: string,
  options: SdJwtVerifyCoreOptions,
): VerifiedSdJwt {
  if (typeof compact !== 'string')
    throw cryptoError('sdjwt.malformed', 'not a string', 'invalid-input');
  if (compact.length > options.maxTokenBytes) {
    throw jwsRefused('sdjwt', 'too-large', `SD-JWT exceeds ${options.maxTokenBytes} bytes`, {
      size: compact.length,
    });
  }
  const { issuerJwt, encoded } = splitSdJwt(compact);
  const parsed = parseCompactJws(issuerJwt, 'sdjwt');
  if (parsed.header.typ !== SD_JWT_TYP) {
    throw jwsRefused('sdjwt', 'bad-typ', `typ must be ${SD_JWT_TYP}`, { typ: parsed.header.typ });
  }
  // Parsed once, strictly; it is the signed payload once the signature verifies.
  const payload = peekJsonPayload(parsed.payloadBytes, 'sdjwt');
  const issuer = payload?.iss;
  const iat = payload?.iat;
  if (payload === undefined || typeof issuer !== 'string' || typeof iat !== 'number') {
    throw cryptoError('sdjwt.missing-claims', 'payload needs iss and iat', 'invalid-input');
  }
  const key = options.directory.resolveSignatureKey(issuer, parsed.header.kid, iat, 'sdjwt');
  verifyParsedJws(parsed, key, 'sdjwt');
  if (payload._sd_alg !== undefined && payload._sd_alg !== SD_HASH_ALG) {
    throw cryptoError('sdjwt.bad-sd-alg', `_sd_alg must be ${SD_HASH_ALG}`, 'invalid-input', {
      sdAlg: payload._sd_alg,
    });
  }
  const shape = typeof options.shape === 'function' ? options.shape(payload) : options.shape;
  const decoded = encoded.map((text, index) => decodeDisclosure(text, index));
  const check = new ShapeCheck(shape);
  const walk = new DisclosureWalk(decoded, check);
  const claims = walk.walk(payload, '', '', null, true, check.active) as Record<string, unknown>;
  const disclosures = decoded.map((d, index): VerifiedDisclosure => {
    const placement = walk.placements[index];
    if (placement === undefined) {
      // Appended or altered in transit: indistinguishable, since the digest is the only link.
      throw cryptoError(
        'sdjwt.disclosure-digest-mismatch',
        `disclosure ${index} matches no digest reachable in the payload`,
        'invalid-input',
        { index },
      );
    }
    return { index, encoded: d.encoded, digest: d.digest, value: d.value, ...placement };
  });
  return {
    issuerJwt,
    header: parsed.header,
    payload,
    issuer,
    kid: key.kid,
    disclosures,
    claims,
    withheld: walk.withheld,
  };
}

/** Hub-side verification of a submitted SD-JWT (all disclosures present). */
export function verifySdJwt(compact: string, options: SdJwtVerifyOptions): VerifiedSdJwt {
  const verified = verifySdJwtStructure(compact, options);
  checkTimeClaims(
    verified.payload,
    {
      now: options.now,
      clockSkewSec: options.clockSkewSec,
      requireExp: true,
      maxLifetimeSec: options.maxLifetimeSec ?? DEFAULT_MAX_MESSAGE_LIFETIME_SEC,
      ...(options.maxAgeSec === undefined ? {} : { maxAgeSec: options.maxAgeSec }),
    },
    'sdjwt',
  );
  if (typeof verified.payload.jti !== 'string' || verified.payload.jti.length === 0) {
    throw cryptoError(
      'sdjwt.missing-claims',
      'payload needs jti (the message id)',
      'invalid-input',
    );
  }
  return verified;
}
