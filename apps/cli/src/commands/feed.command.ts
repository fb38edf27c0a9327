/**
 * `liaison feed [--after N] [--follow]`: print your agency's deliveries and link
 * notices, oldest first.
 */
import type { HubClient } from '../hub-client';
import type { OutputOptions } from '../output';

type FeedEntry =
  | { cursor: string; delivery: Record<string, unknown> }
  | { cursor: string; linkNotice: Record<string, unknown> };

interface FeedPage {
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
function linkLine(cursor: string, n: Record<string, unknown>): string {
  const kinds = Array.isArray(n.kinds) ? n.kinds.map(String).join('+') : '';
  const handle =
    typeof n.counterpartCaseHandle === 'string' ? ` case ${n.counterpartCaseHandle}` : '';
  return `#${cursor} LINK ${String(n.strength)} ${kinds}: your msg=${String(n.messageId)} links to ${String(
    n.counterpartAgency,
  )}${handle} (TLP:${String(n.counterpartTlp).replace('_', '+')})`;
}

function line(entry: FeedEntry): string {
  if (!('delivery' in entry)) return linkLine(entry.cursor, entry.linkNotice);
  const d = entry.delivery;
  const withheld = Array.isArray(d.withheld) ? d.withheld.length : 0;
  return `#${entry.cursor} ${String(d.messageType)} from ${String(d.originatorAgency)} msg=${String(d.messageId)} disclosed=${
    Array.isArray(d.disclosedPaths) ? d.disclosedPaths.length : 0
  } withheld=${withheld}${d.encrypted ? ' (encrypted)' : ''}`;
}

export async function feedCommand(
  client: HubClient,
  options: FeedOptions,
  stop: () => boolean = () => false,
): Promise<number> {
  let cursor = options.after ?? '0';
  for (;;) {
    const page = await client.get<FeedPage>(
      `/v1/feed?after=${encodeURIComponent(cursor)}&limit=${options.limit ?? '100'}`,
    );
    for (const entry of page.entries) {
      process.stdout.write(`${options.json ? JSON.stringify(entry) : line(entry)}\n`);
    }
    cursor = page.nextCursor;
    if (page.entries.length > 0) continue;
    if (!options.follow || stop()) return 0;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 1000));
  }
}
