/**
 * Reading a delivery on the recipient's machine: decrypt it with the agency's
 * own key, check the ORIGINATOR's signature and every disclosure against the
 * originator's JWKS, check that the delivery's own fields agree with what the
 * originator signed, and check the hub's receipt (Merkle inclusion + hub
 * signature). Keys come from files or, if not given, are fetched once per
 * issuer from the hub's public directory. Used by `liaison verify`, `show`,
 * `feed` and the workspace; nothing read here is trusted before it is checked.
 */
import { messageClaimShape, messageKindOfClaims, type MessageKind } from '@liaison/contracts';
import {
  KeyDirectory,
  asJsonObject,
  decryptPresentation,
  parseStrictJson,
  presentationDigestOf,
  verifyPresentation,
  verifyReceipt,
  type Jwks,
  type PublicJwk,
  type ReceiptProof,
  type VerifiedPresentation,
} from '@liaison/crypto';
import { readInputText } from '@liaison/local-files';
import type { AgencyIdentity } from './agency-identity';
import type { HubClient } from './hub-client';

export interface DeliveryJson {
  messageId: string;
  kind?: string;
  messageType?: string;
  caseRef?: string | null;
  recipientAgency: string;
  originatorAgency: string;
  presentation: string;
  encrypted: boolean;
  disclosedPaths: string[];
  withheld: { path: string; ruleId: string }[];
  policyVersion: string;
  receipt: string;
  receiptProof: ReceiptProof;
  deliveredAt: string;
}

export interface EnvelopeMismatch {
  readonly field: string;
  readonly delivery: unknown;
  readonly signed: unknown;
}

export interface ReceiptCheck {
  readonly valid: boolean;
  readonly batchRoot?: string;
  readonly error?: string;
}

export interface DeliveryReading {
  readonly verified: VerifiedPresentation;
  readonly kind: MessageKind;
  /** Empty when the delivery's fields agree with the signed message. */
  readonly mismatches: readonly EnvelopeMismatch[];
  /** Absent for a bare presentation or when the receipt was not asked for. */
  readonly receipt?: ReceiptCheck;
}

/** A delivery read in full: valid only when every check passed. */
export type DeliveryOutcome =
  | { readonly valid: boolean; readonly reading: DeliveryReading; readonly error?: undefined }
  | { readonly valid: false; readonly reading?: undefined; readonly error: string };

export interface ReaderOptions {
  readonly originatorJwks?: string;
  readonly hubJwks?: string;
  /** Longest exp - iat accepted (seconds); the hub's default (90 days) if unset. */
  readonly maxLifetime?: string;
}

function maxLifetimeOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,10}$/.test(text) || Number(text) < 1)
    throw new Error('--max-lifetime: a whole number of seconds');
  return Number(text);
}

/** A JSON file (or `-`), read with the CLI's input checks and parsed strictly. */
function jsonFile<T>(file: string): T {
  return parseStrictJson(readInputText(file)) as T;
}

function issuerOf(presentation: string): string {
  const payload = presentation.split('~')[0]?.split('.')[1] ?? '';
  const iss = asJsonObject(
    parseStrictJson(Buffer.from(payload, 'base64url').toString('utf8')),
  )?.iss;
  if (typeof iss !== 'string') throw new Error('presentation has no iss');
  return iss;
}

/** Delivery fields that the originator's signed claims also state, compared. */
export function envelopeMismatches(
  delivery: Readonly<Record<string, unknown>>,
  signed: {
    readonly issuer: string;
    readonly kind: MessageKind;
    readonly claims: Readonly<Record<string, unknown>>;
    readonly disclosedPaths: readonly string[];
  },
): EnvelopeMismatch[] {
  const expected: [string, unknown][] = [
    ['messageId', signed.claims.messageId],
    ['originatorAgency', signed.issuer],
    ['kind', signed.kind],
    ['messageType', signed.claims.messageType],
    ['caseRef', signed.claims.caseRef ?? null],
  ];
  const out: EnvelopeMismatch[] = [];
  for (const [field, value] of expected) {
    const actual = Object.prototype.hasOwnProperty.call(delivery, field)
      ? delivery[field]
      : undefined;
    if (actual === undefined && field !== 'messageId' && field !== 'originatorAgency') continue;
    if (actual !== value) out.push({ field, delivery: actual, signed: value });
  }
  const listed = delivery.disclosedPaths;
  const sameList =
    Array.isArray(listed) &&
    listed.length === signed.disclosedPaths.length &&
    [...(listed as unknown[])].map(String).sort().join('\n') ===
      [...signed.disclosedPaths].sort().join('\n');
  if (!sameList)
    out.push({ field: 'disclosedPaths', delivery: listed, signed: signed.disclosedPaths });
  return out;
}

export class DeliveryReader {
  private readonly jwks = new Map<string, Promise<Jwks>>();
  private hubKey: Promise<Jwks> | undefined;

  constructor(
    private readonly client: HubClient | undefined,
    private readonly identity: AgencyIdentity | undefined,
    private readonly options: ReaderOptions = {},
  ) {
    maxLifetimeOf(options.maxLifetime);
  }

  private originatorJwks(issuer: string): Promise<Jwks> {
    if (this.options.originatorJwks)
      return Promise.resolve(jsonFile<Jwks>(this.options.originatorJwks));
    let jwks = this.jwks.get(issuer);
    if (!jwks) {
      const client = this.client ?? fail('--hub or --originator-jwks is needed');
      jwks = client.get<Jwks>(`/v1/directory/agencies/${encodeURIComponent(issuer)}/jwks`);
      this.jwks.set(issuer, jwks);
      jwks.catch(() => this.jwks.delete(issuer));
    }
    return jwks;
  }

  private hubJwks(): Promise<Jwks> {
    if (this.options.hubJwks) return Promise.resolve(jsonFile<Jwks>(this.options.hubJwks));
    this.hubKey ??= (this.client ?? fail('--hub or --hub-jwks is needed')).get<Jwks>(
      '/.well-known/jwks.json',
    );
    return this.hubKey;
  }

  /** The presentation in clear: decrypted with the agency's own key when encrypted. */
  async presentationOf(delivery: DeliveryJson): Promise<string> {
    if (!delivery.encrypted) return delivery.presentation;
    if (!this.identity)
      throw new Error('an encrypted delivery needs --agency (your encryption key) to decrypt');
    return decryptPresentation(delivery.presentation, this.identity.keys.encryption.privateJwk);
  }

  /**
   * Verifies a presentation (and, for a delivery, its envelope and, unless
   * `receipt` is false, its hub receipt). Throws when the originator's
   * signature or a disclosure does not verify.
   */
  async read(
    presentation: string,
    delivery: DeliveryJson | undefined,
    check: { receipt?: boolean } = {},
  ): Promise<DeliveryReading> {
    const issuer = issuerOf(presentation);
    const originatorJwks = await this.originatorJwks(issuer);
    let kind: MessageKind = 'ALERT';
    const verified = verifyPresentation(presentation, {
      directory: KeyDirectory.fromJwks(issuer, originatorJwks),
      shape: (payload) => messageClaimShape((kind = messageKindOfClaims(payload))),
      now: Date.now,
      maxLifetimeSec: maxLifetimeOf(this.options.maxLifetime),
    });
    const mismatches = delivery
      ? envelopeMismatches(delivery as unknown as Record<string, unknown>, {
          issuer: verified.issuer,
          kind,
          claims: verified.claims,
          disclosedPaths: verified.disclosedPaths,
        })
      : [];
    if (!delivery || check.receipt === false) return { verified, kind, mismatches };
    return {
      verified,
      kind,
      mismatches,
      receipt: await this.checkReceipt(delivery, presentation),
    };
  }

  /**
   * A delivery from the feed, read in full without throwing: the reading, or why
   * it could not be read (no key, a bad signature or disclosure).
   */
  async readDelivery(delivery: DeliveryJson): Promise<DeliveryOutcome> {
    try {
      const reading = await this.read(await this.presentationOf(delivery), delivery);
      const valid = reading.mismatches.length === 0 && reading.receipt?.valid !== false;
      return { valid, reading };
    } catch (error) {
      return { valid: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  private async checkReceipt(delivery: DeliveryJson, presentation: string): Promise<ReceiptCheck> {
    const hubKey: PublicJwk | undefined = (await this.hubJwks()).keys[0];
    try {
      if (!hubKey) throw new Error('hub JWKS is empty');
      const payload = verifyReceipt(
        {
          messageId: delivery.messageId,
          recipientAgency: delivery.recipientAgency,
          disclosedPaths: delivery.disclosedPaths,
          withheld: delivery.withheld,
          policyVersion: delivery.policyVersion,
          presentationDigest: presentationDigestOf(presentation),
          issuedAt: Math.floor(Date.parse(delivery.deliveredAt) / 1000),
        },
        delivery.receipt,
        delivery.receiptProof,
        hubKey,
      );
      return { valid: true, batchRoot: payload.root };
    } catch (error) {
      return { valid: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
}

function fail(message: string): never {
  throw new Error(message);
}
