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
 * the JWKS files) goes through the strict parser. The human output is the
 * message itself, readable (as `liaison show`), then what was withheld under
 * which rule and each check's verdict.
 */
import { parseStrictJson } from '@liaison/crypto';
import { readInputText } from '@liaison/local-files';
import type { AgencyIdentity } from '../agency-identity';
import { DeliveryReader, type DeliveryJson, type ReaderOptions } from '../delivery-reader';
import { deliveryLines } from '../delivery-text';
import type { HubClient } from '../hub-client';
import { print, type OutputOptions } from '../output';

export interface VerifyOptions extends OutputOptions, ReaderOptions {}

function readInput(input: string): string {
  if (/^[A-Za-z0-9_\-.]+~/.test(input)) return input;
  return readInputText(input);
}

export async function verifyCommand(
  client: HubClient | undefined,
  identity: AgencyIdentity | undefined,
  input: string,
  options: VerifyOptions,
): Promise<number> {
  const text = readInput(input).trim();
  let parsed: { delivery?: DeliveryJson; cursor?: string } & Partial<DeliveryJson> = {};
  if (text.startsWith('{')) parsed = parseStrictJson(text) as typeof parsed;
  const delivery: DeliveryJson | undefined =
    parsed.delivery ?? (parsed.presentation ? (parsed as DeliveryJson) : undefined);
  const reader = new DeliveryReader(client, identity, options);
  const presentation = delivery ? await reader.presentationOf(delivery) : text;
  const reading = await reader.read(presentation, delivery);
  const { verified, mismatches, receipt } = reading;
  const report = {
    valid: (receipt ? receipt.valid : true) && mismatches.length === 0,
    originator: verified.issuer,
    kid: verified.kid,
    messageId: verified.messageId,
    disclosedPaths: verified.disclosedPaths,
    // One count everywhere: the hub's withheld list (under its receipt) for a delivery.
    withheldCount: delivery ? delivery.withheld.length : verified.withheldCount,
    undisclosedDigests: verified.withheldCount,
    withheldByRule: delivery?.withheld ?? [],
    envelope: delivery ? { valid: mismatches.length === 0, mismatches } : undefined,
    receipt,
    claims: verified.claims,
  };
  print(options, report, () =>
    deliveryLines(
      reading,
      delivery,
      typeof parsed.cursor === 'string' ? parsed.cursor : undefined,
    ).join('\n'),
  );
  return report.valid ? 0 : 1;
}
