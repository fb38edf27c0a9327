/**
 * `liaison stix export [--after N] [--until N] [--out file]`: a range of your
 * agency's feed as one STIX 2.1 bundle, made on your machine from what you
 * received: each presentation decrypted (if encrypted to you) with your key and
 * verified against its originator's public keys before it is mapped, so the
 * bundle holds exactly your redacted view, with the presentation and the hub
 * receipt in it for anyone to check again. An entry that does not verify is
 * exported from its envelope only (TLP:RED) and named on stderr.
 */
import { writeFileSync } from 'node:fs';
import {
  messageClaimShape,
  messageKindOfClaims,
  type Delivery,
  type LinkNotice,
} from '@liaison/contracts';
import { KeyDirectory, decryptPresentation, verifyPresentation, type Jwks } from '@liaison/crypto';
import {
  deliveryStixObjects,
  linkNoticeStixObjects,
  sharedStixObjects,
  stixBundle,
  type RecipientView,
  type StixObject,
} from '@liaison/stix';
import type { AgencyIdentity } from '../agency-identity';
import type { HubClient } from '../hub-client';

type FeedEntry =
  { cursor: string; delivery: Delivery } | { cursor: string; linkNotice: LinkNotice };

interface FeedPage {
  entries: FeedEntry[];
  nextCursor: string;
}

export interface StixExportOptions {
  readonly after?: string;
  readonly until?: string;
  readonly out?: string;
}

function cursorOf(text: string | undefined, name: string): bigint | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,19}$/.test(text)) throw new Error(`${name}: a feed cursor (a whole number)`);
  return BigInt(text);
}

/** Your view of one delivery: decrypted and verified here, or its envelope alone. */
async function viewOf(
  client: HubClient,
  identity: AgencyIdentity,
  delivery: Delivery,
  jwks: Map<string, KeyDirectory>,
): Promise<RecipientView> {
  try {
    const presentation = delivery.encrypted
      ? await decryptPresentation(delivery.presentation, identity.keys.encryption.privateJwk)
      : delivery.presentation;
    let directory = jwks.get(delivery.originatorAgency);
    if (!directory) {
      const keys = await client.get<Jwks>(
        `/v1/directory/agencies/${encodeURIComponent(delivery.originatorAgency)}/jwks`,
      );
      directory = KeyDirectory.fromJwks(delivery.originatorAgency, keys);
      jwks.set(delivery.originatorAgency, directory);
    }
    const seen = verifyPresentation(presentation, {
      directory,
      shape: (payload) => messageClaimShape(messageKindOfClaims(payload)),
      now: Date.now,
    });
    if (seen.issuer !== delivery.originatorAgency || seen.messageId !== delivery.messageId)
      throw new Error('the signed message does not match the delivery envelope');
    return { delivery, claims: seen.claims, disclosedPaths: seen.disclosedPaths };
  } catch (error) {
    process.stderr.write(
      `message ${delivery.messageId}: not verified (${error instanceof Error ? error.message : String(error)}); exported from its envelope only\n`,
    );
    return { delivery };
  }
}

export async function stixExportCommand(
  client: HubClient,
  identity: AgencyIdentity,
  options: StixExportOptions,
): Promise<number> {
  const until = cursorOf(options.until, '--until');
  let cursor = (cursorOf(options.after, '--after') ?? 0n).toString();
  const jwks = new Map<string, KeyDirectory>();
  const objects: StixObject[] = [];
  const agencies = new Set<string>([identity.agencyId]);
  let deliveries = 0;
  let notices = 0;
  for (;;) {
    const page = await client.get<FeedPage>(`/v1/feed?after=${cursor}&limit=500`);
    let done = page.entries.length === 0;
    for (const entry of page.entries) {
      if (until !== undefined && BigInt(entry.cursor) > until) {
        done = true;
        break;
      }
      if ('delivery' in entry) {
        const view = await viewOf(client, identity, entry.delivery, jwks);
        objects.push(...deliveryStixObjects(view));
        agencies.add(entry.delivery.originatorAgency);
        for (const a of view.claims && Array.isArray(view.claims.requestedAgencies)
          ? view.claims.requestedAgencies
          : [])
          if (typeof a === 'string') agencies.add(a);
        deliveries++;
      } else if ('linkNotice' in entry) {
        objects.push(...linkNoticeStixObjects(entry.linkNotice));
        agencies.add(entry.linkNotice.counterpartAgency);
        notices++;
      }
      cursor = entry.cursor;
    }
    if (done) break;
  }
  const bundle = stixBundle([
    ...sharedStixObjects([...agencies].map((id) => ({ id }))),
    ...objects,
  ]);
  const text = `${JSON.stringify(bundle, null, 2)}\n`;
  if (options.out) writeFileSync(options.out, text, { mode: 0o600 });
  else process.stdout.write(text);
  process.stderr.write(
    `STIX bundle ${bundle.id}: ${bundle.objects.length} objects from ${deliveries} deliveries and ${notices} link notices, through cursor ${cursor}${options.out ? `, written to ${options.out}` : ''}\n`,
  );
  return 0;
}
