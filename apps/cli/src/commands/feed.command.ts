/**
 * `liaison feed [--after N] [--follow]`: print your agency's deliveries, link
 * notices, case clock notices and onward consent notices, oldest first, one line each: cursor, time, type, originator, case,
 * urgency and headline (decrypted with your key and checked against the
 * originator's signature here), disclosed and withheld counts. An empty feed
 * says so. `--json` prints the entries as the hub sends them, one per line.
 */
import type { AgencyIdentity } from '../agency-identity';
import { DeliveryReader, type DeliveryJson } from '../delivery-reader';
import { shortTime, tlpLabel } from '../delivery-text';
import type { HubClient } from '../hub-client';
import type { OutputOptions } from '../output';
import { readableMessage } from '../readable-message';

export type FeedEntry =
  | { cursor: string; delivery: DeliveryJson }
  | { cursor: string; linkNotice: Record<string, unknown> }
  | { cursor: string; caseClockNotice: Record<string, unknown> }
  | { cursor: string; onwardConsentNotice: Record<string, unknown> };

export interface FeedPage {
  entries: FeedEntry[];
  nextCursor: string;
}

export interface FeedOptions extends OutputOptions {
  readonly after?: string;
  readonly follow?: boolean;
  readonly limit?: string;
  readonly intervalMs?: number;
}

/** A link notice says which selector kinds link, never their values. */
export function linkLine(cursor: string, n: Record<string, unknown>): string {
  const kinds = Array.isArray(n.kinds) ? n.kinds.map(String).join('+') : '';
  const handle =
    typeof n.counterpartCaseHandle === 'string' ? ` case ${n.counterpartCaseHandle}` : '';
  const at = typeof n.foundAt === 'string' ? `${shortTime(n.foundAt)}  ` : '';
  return `#${cursor}  ${at}LINK ${String(n.strength)} ${kinds}: your msg=${String(n.messageId)} links to ${String(
    n.counterpartAgency,
  )}${handle} (TLP:${tlpLabel(String(n.counterpartTlp))})`;
}

/** A clock notice: which request's clock, whose obligation, when it falls due. */
export function clockLine(cursor: string, n: Record<string, unknown>): string {
  const at = typeof n.raisedAt === 'string' ? `${shortTime(n.raisedAt)}  ` : '';
  return `#${cursor}  ${at}${String(n.alert)} case ${String(n.caseRef)} request=${String(n.requestId)} by ${String(
    n.requester,
  )}: ${String(n.requestedAgency)}'s ${String(n.clock)} clock (${String(n.instrument)}) due ${String(n.dueAt)}`;
}

/** An onward consent notice: your consent is asked, or your request was answered. */
export function consentNoticeLine(cursor: string, n: Record<string, unknown>): string {
  const at = typeof n.raisedAt === 'string' ? `${shortTime(n.raisedAt)}  ` : '';
  const recipients = Array.isArray(n.recipients) ? n.recipients.map(String).join(', ') : '';
  const reason = typeof n.reason === 'string' ? `: ${n.reason}` : '';
  const head = `#${cursor}  ${at}CONSENT ${String(n.event)} request=${String(n.requestId)}`;
  if (n.event === 'CONSENT_REQUESTED') {
    return `${head}: ${String(n.requesterAgency)} re-published your msg=${String(
      n.originalMessageId,
    )} as msg=${String(n.heldMessageId)}, held for ${recipients}; answer with liaison links consent grant|refuse`;
  }
  return `${head}: ${String(n.originalAgency)} ${
    n.event === 'GRANTED'
      ? `consents: msg=${String(n.heldMessageId)} goes to ${recipients}`
      : `refuses ${recipients} for msg=${String(n.heldMessageId)}`
  }${reason}`;
}

/** What a feed line says about a delivery's content, or why it says nothing. */
export interface DeliverySummary {
  readonly headline: string | null;
  readonly urgency: string | null;
  readonly caseRef: string | null;
  /** Why the content could not be read (bad signature, no key); null when it was. */
  readonly unreadable: string | null;
}

export async function summaryOf(
  reader: DeliveryReader,
  delivery: DeliveryJson,
): Promise<DeliverySummary> {
  try {
    const reading = await reader.read(await reader.presentationOf(delivery), delivery, {
      receipt: false,
    });
    const message = readableMessage(reading.verified.claims);
    return {
      headline: message.headline,
      urgency: message.urgency,
      caseRef: message.caseRef,
      unreadable:
        reading.mismatches.length > 0
          ? `envelope disagrees with the signed message (${reading.mismatches.map((m) => m.field).join(', ')})`
          : null,
    };
  } catch (error) {
    return {
      headline: null,
      urgency: null,
      caseRef: delivery.caseRef ?? null,
      unreadable: `not verified: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

export function deliveryLine(cursor: string, d: DeliveryJson, s: DeliverySummary): string {
  const parts = [
    `#${cursor}`,
    shortTime(d.deliveredAt),
    `${d.messageType ?? d.kind ?? 'MESSAGE'} from ${d.originatorAgency}`,
    s.urgency,
    s.caseRef ? `case ${s.caseRef}` : null,
  ].filter((p): p is string => p !== null && p !== '');
  const content = s.unreadable
    ? `[${s.unreadable}]`
    : JSON.stringify(s.headline ?? '(no headline)');
  return `${parts.join('  ')}  ${content}  (${d.disclosedPaths.length} disclosed, ${d.withheld.length} withheld${
    d.encrypted ? ', encrypted' : ''
  }) msg=${d.messageId}`;
}

export async function feedLine(reader: DeliveryReader, entry: FeedEntry): Promise<string> {
  if ('linkNotice' in entry) return linkLine(entry.cursor, entry.linkNotice);
  if ('caseClockNotice' in entry) return clockLine(entry.cursor, entry.caseClockNotice);
  if ('onwardConsentNotice' in entry) {
    return consentNoticeLine(entry.cursor, entry.onwardConsentNotice);
  }
  return deliveryLine(entry.cursor, entry.delivery, await summaryOf(reader, entry.delivery));
}

export async function feedCommand(
  client: HubClient,
  identity: AgencyIdentity | undefined,
  options: FeedOptions,
  stop: () => boolean = () => false,
): Promise<number> {
  const reader = new DeliveryReader(client, identity);
  let cursor = options.after ?? '0';
  let printed = 0;
  let saidEmpty = false;
  for (;;) {
    const page = await client.get<FeedPage>(
      `/v1/feed?after=${encodeURIComponent(cursor)}&limit=${options.limit ?? '100'}`,
    );
    for (const entry of page.entries) {
      process.stdout.write(
        `${options.json ? JSON.stringify(entry) : await feedLine(reader, entry)}\n`,
      );
      printed += 1;
    }
    cursor = page.nextCursor;
    if (page.entries.length > 0) continue;
    // An empty feed says so (not in --json: its output is the entries, one per line).
    if (printed === 0 && !saidEmpty && !options.json) {
      saidEmpty = true;
      process.stdout.write(
        options.follow
          ? `no entries after #${cursor} yet; waiting for new deliveries (Ctrl-C to stop)\n`
          : `no entries after #${cursor}\n`,
      );
    }
    if (!options.follow || stop()) return 0;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 1000));
  }
}
