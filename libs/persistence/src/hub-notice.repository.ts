/**
 * Notices the hub raises itself (link notices, clock notices, onward consent
 * notices) and writes into
 * agencies' feeds: their ids, deterministic UUIDs (SHA-256 based, version 8)
 * of what makes a notice the same notice, so raising it again finds the one
 * already there; and their feed entries (feed_entry with the notice's kind),
 * with a NOTIFY so streaming gateways wake up on commit, under the feed
 * append lock (FEED_APPEND_LOCK: ids in commit order).
 */
import { createHash } from 'node:crypto';
import { FEED_APPEND_LOCK, FEED_CHANNEL } from '@liaison/persistence';

export type HubNoticeKind = 'LINK_NOTICE' | 'CASE_CLOCK_NOTICE' | 'ONWARD_CONSENT_NOTICE';

export interface HubNotice {
  readonly recipientAgency: string;
  readonly noticeId: string;
  /** The notice record, Avro single-object encoded. */
  readonly record: Buffer;
}

export function hubNoticeId(kind: string, parts: readonly string[]): string {
  const h = createHash('sha256')
    .update(`liaison/${kind}/v1\u0000${parts.join('\u0000')}`, 'utf8')
    .digest('hex');
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** Notices into the recipients' feeds, in order; returns how many were new. */
export async function insertHubNotices(
  db: Queryable,
  kind: HubNoticeKind,
  notices: readonly HubNotice[],
): Promise<number> {
  if (notices.length === 0) return 0;
  const rows = (await db.query(
    `WITH append_lock AS (SELECT pg_advisory_xact_lock($6)), inserted AS (
       INSERT INTO feed_entry (agency_id, message_id, kafka_offset, record, entry_kind)
       SELECT n.agency_id, n.notice_id, -1, n.record, $5
         FROM unnest($1::text[], $2::uuid[], $3::bytea[]) WITH ORDINALITY AS n(agency_id, notice_id, record, i),
              append_lock
        ORDER BY n.i
       ON CONFLICT (agency_id, message_id) DO NOTHING
       RETURNING agency_id
     )
     SELECT agency_id, count(*)::int AS entries, pg_notify($4, agency_id)
       FROM inserted GROUP BY agency_id`,
    [
      notices.map((n) => n.recipientAgency),
      notices.map((n) => n.noticeId),
      notices.map((n) => n.record),
      FEED_CHANNEL,
      kind,
      FEED_APPEND_LOCK,
    ],
  )) as { entries: number }[];
  return rows.reduce((n, r) => n + r.entries, 0);
}
