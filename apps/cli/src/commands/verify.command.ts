/**
 * `liaison verify <delivery.json|presentation|->`: offline verification by the
 * recipient. Checks the ORIGINATOR's signature and every disclosure against the
 * originator's JWKS, decrypts an encrypted delivery with your own key, and checks
 * the hub's delivery receipt (Merkle inclusion + hub signature) when present.
 * Keys come from files (--originator-jwks, --hub-jwks) or, if not given, are
 * fetched once from the hub's public directory.
 */
import {
  KeyDirectory,
  decryptPresentation,
  presentationDigestOf,
  verifyPresentation,
  verifyReceipt,
  type Jwks,
  type PublicJwk,
  type ReceiptProof,
} from '@liaison/crypto';
import type { AgencyIdentity } from '../agency-identity';
import type { HubClient } from '../hub-client';
import { parseJsonInput, readInputText, readJsonInput } from '@liaison/runtime';
import { print, type OutputOptions } from '../output';

export interface VerifyOptions extends OutputOptions {
  readonly originatorJwks?: string;
  readonly hubJwks?: string;
  /** Longest exp - iat accepted (seconds); the hub's default (90 days) if unset. */
  readonly maxLifetime?: string;
}

interface DeliveryJson {
  messageId: string;
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

function issuerOf(presentation: string): string {
  const payload = presentation.split('~')[0]?.split('.')[1] ?? '';
  const decoded = Buffer.from(payload, 'base64url').toString('utf8');
  const iss = (parseJsonInput(decoded, 'presentation payload') as { iss?: unknown } | null)?.iss;
  if (typeof iss !== 'string') throw new Error('presentation has no iss');
  return iss;
}

export async function verifyCommand(
  client: HubClient | undefined,
  identity: AgencyIdentity | undefined,
  input: string,
  options: VerifyOptions,
): Promise<number> {
  const text = readInput(input).trim();
  let parsed: { delivery?: DeliveryJson } & Partial<DeliveryJson> = {};
  if (text.startsWith('{'))
    parsed = parseJsonInput(text, input === '-' ? 'stdin' : input) as typeof parsed;
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
    ? (readJsonInput(options.originatorJwks) as Jwks)
    : await (client ?? fail('--hub or --originator-jwks is needed')).get<Jwks>(
        `/v1/directory/agencies/${issuer}/jwks`,
      );
  const verified = verifyPresentation(presentation, {
    directory: KeyDirectory.fromJwks(issuer, originatorJwks),
    now: Date.now,
    maxLifetimeSec: maxLifetimeOf(options.maxLifetime),
  });
  let receipt: { valid: boolean; batchRoot?: string; error?: string } | undefined;
  if (delivery) {
    const hubJwks: Jwks = options.hubJwks
      ? (readJsonInput(options.hubJwks) as Jwks)
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
    valid: receipt ? receipt.valid : true,
    originator: verified.issuer,
    kid: verified.kid,
    messageId: verified.messageId,
    disclosedPaths: verified.disclosedPaths,
    withheldCount: verified.withheldCount,
    withheldByRule: delivery?.withheld ?? [],
    receipt,
    claims: verified.claims,
  };
  print(options, report, () =>
    [
      `originator signature: VALID (${verified.issuer}, kid ${verified.kid})`,
      `message ${String(verified.messageId)}: ${verified.disclosedPaths.length} fields disclosed, ${verified.withheldCount} withheld`,
      ...(delivery?.withheld ?? []).map((w) => `  withheld ${w.path}  (rule ${w.ruleId})`),
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
