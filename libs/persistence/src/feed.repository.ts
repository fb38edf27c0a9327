/**
 * Agencies' feeds in PostgreSQL (feed_entry): each entry an encoded record (a
 * delivery, a link notice or a clock notice) under its per-feed id, written by
 * the audit app and read in id order by the feed readers; and the wake-up
 * channel every writer NOTIFYs on commit, which live readers LISTEN to.
 */
import { Client } from 'pg';
import { selectRows, type Page } from './sql-conditions';
import type { SqlRunner } from './sql-runner';

/** The channel every writer of feed_entry NOTIFYs, with the agency id, when its insert commits. */
export const FEED_CHANNEL = 'liaison_feed';

/**
 * pg_advisory_xact_lock key every writer of feed_entry takes before its insert
 * ("LFED"). Held to commit, it makes the order in which entries commit the
 * order of their ids, so a reader that has passed an id never meets a smaller
 * one committed later (a live stream would skip it). Writers take it in the
 * insert statement itself: `WITH append_lock AS (SELECT
 * pg_advisory_xact_lock(<key>))`, joined into the insert's source.
 */
export const FEED_APPEND_LOCK = 0x4c464544;

/** A feed entry as stored: the id is a bigint, as text. */
export interface FeedEntryRow {
  readonly id: string;
  readonly record: Buffer;
  readonly entryKind: string;
  readonly createdAt: Date;
}

/** A link notice as its feed keeps it: the entry id (bigint, as text) and the LinkNotice Avro record. */
export interface StoredLinkNotice {
  readonly id: string;
  readonly record: Buffer;
}

/** A delivery read from an agency's feed topic, to be stored as it arrived. */
export interface NewFeedDelivery {
  readonly agencyId: string;
  readonly messageId: string;
  /** Its offset in the agency's feed topic (bigint, as text). */
  readonly kafkaOffset: string;
  /** The Delivery record as it arrived (Avro single-object encoding). */
  readonly record: Buffer;
}

/** An agency that receives a feed, with the retention its feed keeps. */
export interface FeedAgencyRow {
  readonly id: string;
  readonly retentionDays: number;
}

export class FeedRepository {
  constructor(private readonly db: SqlRunner) {}

  /**
   * Up to `limit` entries of the agency's feed after id `after`, in id order.
   * With FEED_APPEND_LOCK on every writer, entries commit in id order, so a
   * reader past an id never meets a smaller one later.
   */
  async entriesAfter(agencyId: string, after: string, limit: number): Promise<FeedEntryRow[]> {
    const rows = (await this.db.query(
      `SELECT id, record, entry_kind, created_at FROM feed_entry
        WHERE agency_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [agencyId, after, limit],
    )) as { id: string; record: Buffer; entry_kind: string; created_at: Date }[];
    return rows.map(feedEntryRowOf);
  }

  /** The agencies that receive a feed, by id. */
  async feedAgencies(): Promise<FeedAgencyRow[]> {
    const rows = await selectRows<{ id: string; retention_days: number }>(
      this.db,
      'SELECT id, retention_days FROM agency WHERE receives_feed ORDER BY id',
    );
    return rows.map((r) => ({ id: r.id, retentionDays: r.retention_days }));
  }

  /**
   * Stores deliveries in one statement, so one round trip and its own
   * transaction: the feed append lock (ids in commit order), the entries (a
   * delivery already stored for its agency is skipped: UNIQUE(agency_id,
   * message_id)), and a NOTIFY on FEED_CHANNEL for each agency that got a new
   * one (delivered on commit, never for a rolled-back insert). Returns the new
   * entries per agency.
   */
  async appendDeliveries(deliveries: readonly NewFeedDelivery[]): Promise<Map<string, number>> {
    if (deliveries.length === 0) return new Map();
    // Every record's bytes in one binary parameter, cut apart by the server: no
    // JSON and no array literal of several KiB per delivery on either side.
    const starts: number[] = [];
    let at = 1;
    for (const d of deliveries) {
      starts.push(at);
      at += d.record.length;
    }
    const rows = (await this.db.query(
      `WITH append_lock AS (SELECT pg_advisory_xact_lock($8)), inserted AS (
         INSERT INTO feed_entry (agency_id, message_id, kafka_offset, record)
         SELECT x.agency_id, x.message_id, x.kafka_offset, substring($4::bytea FROM x.start FOR x.length)
         FROM unnest($1::text[], $2::uuid[], $3::bigint[], $5::int[], $6::int[])
           AS x(agency_id, message_id, kafka_offset, start, length), append_lock
         ORDER BY x.agency_id, x.kafka_offset
         ON CONFLICT (agency_id, message_id) DO NOTHING
         RETURNING agency_id
       ), per_agency AS (
         SELECT agency_id, count(*)::int AS entries FROM inserted GROUP BY agency_id
       )
       SELECT agency_id, entries, pg_notify($7, agency_id) FROM per_agency`,
      [
        deliveries.map((d) => d.agencyId),
        deliveries.map((d) => d.messageId),
        deliveries.map((d) => d.kafkaOffset),
        Buffer.concat(deliveries.map((d) => d.record)),
        starts,
        deliveries.map((d) => d.record.length),
        FEED_CHANNEL,
        FEED_APPEND_LOCK,
      ],
    )) as { agency_id: string; entries: number }[];
    return new Map(rows.map((r) => [r.agency_id, r.entries]));
  }

  /**
   * Up to `limit` entries of the agency's feed after id `after`, in id order,
   * only those written by transactions older than every one still running. With
   * FEED_APPEND_LOCK on every writer, a later read never finds an entry below a
   * position already passed (TAXII paging by added order relies on it).
   */
  async settledEntriesAfter(
    agencyId: string,
    after: string,
    limit: number,
  ): Promise<FeedEntryRow[]> {
    const rows = (await this.db.query(
      `SELECT id, record, entry_kind, created_at FROM feed_entry
        WHERE agency_id = $1 AND id > $2
          AND age(xmin) > age((pg_snapshot_xmin(pg_current_snapshot())::text::bigint % 4294967296)::text::xid)
        ORDER BY id LIMIT $3`,
      [agencyId, after, limit],
    )) as { id: string; record: Buffer; entry_kind: string; created_at: Date }[];
    return rows.map(feedEntryRowOf);
  }

  /**
   * The agency's link notices (LINK_NOTICE entries, the Avro record as stored),
   * newest first, older than entry id `before` when given.
   */
  async linkNoticesBefore(
    agencyId: string,
    limit: number,
    before?: number,
  ): Promise<Page<StoredLinkNotice>> {
    const rows = await selectRows<StoredLinkNotice>(
      this.db,
      `SELECT id, record FROM feed_entry
        WHERE agency_id = $1 AND entry_kind = 'LINK_NOTICE' AND ($3::bigint IS NULL OR id < $3)
        ORDER BY id DESC LIMIT $2`,
      [agencyId, limit + 1, before ?? null],
    );
    return { rows: rows.slice(0, limit), more: rows.length > limit };
  }

  /** How many link notices the agency's feed holds. */
  async linkNoticeCount(agencyId: string): Promise<number> {
    const [row] = await selectRows<{ n: string }>(
      this.db,
      `SELECT count(*) AS n FROM feed_entry WHERE agency_id = $1 AND entry_kind = 'LINK_NOTICE'`,
      [agencyId],
    );
    return Number(row?.n ?? 0);
  }
}

function feedEntryRowOf(r: {
  id: string;
  record: Buffer;
  entry_kind: string;
  created_at: Date;
}): FeedEntryRow {
  return { id: String(r.id), record: r.record, entryKind: r.entry_kind, createdAt: r.created_at };
}

/** A connection that LISTENs on FEED_CHANNEL; `close` ends it. */
export interface FeedListener {
  close(): Promise<void>;
}

export interface FeedListenerOptions {
  readonly databaseUrl: string;
  readonly applicationName: string;
  /**
   * An agency's feed grew (its id; undefined: a NOTIFY without one, any feed
   * may have); `notifiedAt` is performance.now() at the NOTIFY's arrival.
   */
  readonly onAppended: (agencyId: string | undefined, notifiedAt: number) => void;
  /** The connection was lost after it was opened: open a new listener to go on. */
  readonly onLost: (error: Error) => void;
}

/**
 * Opens a connection of its own (a LISTEN holds its connection for good, so it
 * is never one of a pool's) and LISTENs on FEED_CHANNEL. Rejects if it cannot.
 */
export async function openFeedListener(options: FeedListenerOptions): Promise<FeedListener> {
  const client = new Client({
    connectionString: options.databaseUrl,
    application_name: options.applicationName,
  });
  let open = false;
  client.on('notification', (n) => {
    if (n.channel === FEED_CHANNEL) options.onAppended(n.payload || undefined, performance.now());
  });
  // A server that ends the session emits two errors (57P01, then the
  // terminated connection): the listener is lost once, and closed.
  client.on('error', (error) => {
    if (!open) return;
    open = false;
    options.onLost(error);
    void client.end().catch(() => undefined);
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${FEED_CHANNEL}`);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  open = true;
  return {
    close: async () => {
      open = false;
      await client.end().catch(() => undefined);
    },
  };
}
