/**
 * `liaison verify <delivery.json|presentation|->`: offline verification by the
 * recipient. Checks the ORIGINATOR's signature and every disclosure against the
 * originator's JWKS, decrypts an encrypted delivery with your own key, and checks
 * the hub's delivery receipt (Merkle inclusion + hub signature) when present.
 * Keys come from files (--originator-jwks, --hub-jwks) or, if not given, are
 * fetched once from the hub's public directory.
 *
 * The claims must have the shape of their message kind, as at the hub (no
 * disclosable field in clear, no name outside the schema). The delivery's own
 * fields are not signed by the originator: those the signed claims also state
 * (messageId, originatorAgency, kind, messageType, caseRef, disclosedPaths) must
 * agree with them, or the delivery is INVALID. All JSON read here (the delivery,
 * the JWKS files) goes through the strict parser.
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
} from '@liaison/crypto';
import type { AgencyIdentity } from '../agency-identity';
import type { HubClient } from '../hub-client';
import { readInputText } from '@liaison/runtime';
import { print, type OutputOptions } from '../output';

export interface VerifyOptions extends OutputOptions {
  readonly originatorJwks?: string;
  readonly hubJwks?: string;
  /** Longest exp - iat accepted (seconds); the hub's default (90 days) if unset. */
  readonly maxLifetime?: string;
}

interface DeliveryJson {
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

function readInput(input: string): string {
  if (/^[A-Za-z0-9_\-.]+~/.test(input)) return input;
  return readInputText(input);
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

export interface EnvelopeMismatch {
  readonly field: string;
  readonly delivery: unknown;
  readonly signed: unknown;
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

export async function verifyCommand(
  client: HubClient | undefined,
  identity: AgencyIdentity | undefined,
  input: string,
  options: VerifyOptions,
): Promise<number> {
  const text = readInput(input).trim();
  let parsed: { delivery?: DeliveryJson } & Partial<DeliveryJson> = {};
  if (text.startsWith('{')) parsed = parseStrictJson(text) as typeof parsed;
  const delivery: DeliveryJson | undefined =
    parsed.delivery ?? (parsed.presentation ? (parsed as DeliveryJson) : undefined);
  let presentation = delivery ? delivery.presentation : text;
  if (delivery?.encrypted) {
    if (!identity)
      throw new Error('an encrypted delivery needs --agency (your encryption key) to decrypt');
    presentation = await decryptPresentation(presentation, identity.keys.encryption.privateJwk);
  }
  const issuer = issuerOf(presentation);
  const originatorJwks: Jwks = options.originatorJwks
    ? jsonFile<Jwks>(options.originatorJwks)
    : await (client ?? fail('--hub or --originator-jwks is needed')).get<Jwks>(
        `/v1/directory/agencies/${issuer}/jwks`,
      );
  let kind: MessageKind = 'ALERT';
  const verified = verifyPresentation(presentation, {
    directory: KeyDirectory.fromJwks(issuer, originatorJwks),
    shape: (payload) => messageClaimShape((kind = messageKindOfClaims(payload))),
    now: Date.now,
    maxLifetimeSec: maxLifetimeOf(options.maxLifetime),
  });
  const mismatches = delivery
    ? envelopeMismatches(delivery as unknown as Record<string, unknown>, {
        issuer: verified.issuer,
        kind,
        claims: verified.claims,
        disclosedPaths: verified.disclosedPaths,
      })
    : [];
  let receipt: { valid: boolean; batchRoot?: string; error?: string } | undefined;
  if (delivery) {
    const hubJwks: Jwks = options.hubJwks
      ? jsonFile<Jwks>(options.hubJwks)
      : await (client ?? fail('--hub or --hub-jwks is needed')).get<Jwks>('/.well-known/jwks.json');
    const hubKey: PublicJwk | undefined = hubJwks.keys[0];
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
      receipt = { valid: true, batchRoot: payload.root };
    } catch (error) {
      receipt = { valid: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
  const report = {
    valid: (receipt ? receipt.valid : true) && mismatches.length === 0,
    originator: verified.issuer,
    kid: verified.kid,
    messageId: verified.messageId,
    disclosedPaths: verified.disclosedPaths,
    withheldCount: verified.withheldCount,
    withheldByRule: delivery?.withheld ?? [],
    envelope: delivery ? { valid: mismatches.length === 0, mismatches } : undefined,
    receipt,
    claims: verified.claims,
  };
  print(options, report, () =>
    [
      `originator signature: VALID (${verified.issuer}, kid ${verified.kid})`,
      `message ${String(verified.messageId)}: ${verified.disclosedPaths.length} fields disclosed, ${verified.withheldCount} withheld`,
      ...(delivery?.withheld ?? []).map((w) => `  withheld ${w.path}  (rule ${w.ruleId})`),
      ...(delivery
        ? [
            mismatches.length === 0
              ? 'delivery envelope: VALID (agrees with the signed message)'
              : `delivery envelope: INVALID: ${mismatches
                  .map(
                    (m) =>
                      `${m.field} is ${JSON.stringify(m.delivery)} but the signed message says ${JSON.stringify(m.signed)}`,
                  )
                  .join('; ')}`,
          ]
        : []),
      receipt
        ? `hub receipt: ${receipt.valid ? `VALID (batch root ${receipt.batchRoot})` : `INVALID: ${receipt.error}`}`
        : 'hub receipt: not checked (bare presentation)',
    ].join('\n'),
  );
  return report.valid ? 0 : 1;
}

function fail(message: string): never {
  throw new Error(message);
}
