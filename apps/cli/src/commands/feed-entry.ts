/**
 * One entry of your feed, found by its cursor (`26`, `#26`) or by the id of the
 * message it delivers. The hub has no lookup by message id: the feed is read
 * page by page until the message turns up.
 */
import { CommanderError } from 'commander';
import type { HubClient } from '../hub-client';
import type { FeedEntry, FeedPage } from './feed.command';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR = /^#?([1-9][0-9]{0,18})$/;

export type FeedRef = { readonly cursor: string } | { readonly messageId: string };

/** `26`, `#26` or a message id; anything else is a usage error. */
export function feedRefOf(text: string): FeedRef {
  const cursor = CURSOR.exec(text.trim());
  if (cursor?.[1]) return { cursor: cursor[1] };
  if (UUID.test(text.trim())) return { messageId: text.trim().toLowerCase() };
  throw new CommanderError(
    2,
    'liaison.usage',
    `"${text.slice(0, 80)}" is neither a feed entry number (e.g. 26) nor a message id (a UUID)`,
  );
}

export async function findFeedEntry(client: HubClient, ref: FeedRef): Promise<FeedEntry | null> {
  if ('cursor' in ref) {
    const page = await client.get<FeedPage>(`/v1/feed?after=${BigInt(ref.cursor) - 1n}&limit=1`);
    const entry = page.entries[0];
    return entry && entry.cursor === ref.cursor ? entry : null;
  }
  let after = '0';
  for (;;) {
    const page = await client.get<FeedPage>(`/v1/feed?after=${after}&limit=1000`);
    const found = page.entries.find(
      (e) => 'delivery' in e && e.delivery.messageId.toLowerCase() === ref.messageId,
    );
    if (found) return found;
    if (page.entries.length === 0) return null;
    after = page.nextCursor;
  }
}
