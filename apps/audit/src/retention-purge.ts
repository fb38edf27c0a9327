/**
 * Erases content whose retention ended: recipients' presentations and the
 * originators' tokens past retain_until, and the feed entries that carried
 * those presentations to the recipients (a feed keeps a delivery only as long
 * as the recipient's jurisdiction may keep its content), and the hit/no-hit
 * query quota windows that ended longer ago than oversight reads them
 * (QUOTA_WINDOW_KEPT_MS). Ledger rows and hashes stay. Each
 * purge that erased something leaves an ERASURE entry in the law-enforcement log.
 */
import type { DataSource } from 'typeorm';
import { QUOTA_WINDOW_KEPT_MS } from '@liaison/links';
import { appendLeLog, type LeLogEntry } from '@liaison/persistence';
import { HUB_ACTOR } from './decision-records';

export interface PurgeResult {
  readonly deliveries: number;
  readonly feedEntries: number;
  readonly messages: number;
  /** link_query_quota rows (one per agency or officer window). */
  readonly quotaWindows: number;
}

export class RetentionPurge {
  constructor(
    private readonly ds: DataSource,
    private readonly batchSize = 5000,
  ) {}

  async run(now: Date = new Date()): Promise<PurgeResult> {
    return this.ds.transaction(async (tx) => {
      const deliveries = await tx.query<PgRows<{ message_id: string; recipient_agency: string }>>(
        `DELETE FROM delivery_content WHERE ctid IN (
           SELECT ctid FROM delivery_content WHERE retain_until < $1 LIMIT $2)
         RETURNING message_id, recipient_agency`,
        [now.toISOString(), this.batchSize],
      );
      const deliveryRows = rowsOf(deliveries);
      const feedEntries = rowsOf(
        await tx.query<PgRows<{ id: string }>>(
          `DELETE FROM feed_entry f USING unnest($1::uuid[], $2::text[]) AS e(message_id, agency_id)
           WHERE f.message_id = e.message_id AND f.agency_id = e.agency_id
           RETURNING f.id`,
          [deliveryRows.map((r) => r.message_id), deliveryRows.map((r) => r.recipient_agency)],
        ),
      );
      const messages = await tx.query<PgRows<{ message_id: string }>>(
        `DELETE FROM message_content WHERE ctid IN (
           SELECT ctid FROM message_content WHERE retain_until < $1 LIMIT $2)
         RETURNING message_id`,
        [now.toISOString(), this.batchSize],
      );
      const messageRows = rowsOf(messages);
      const quotaRows = rowsOf(
        await tx.query<PgRows<{ refused: number }>>(
          `DELETE FROM link_query_quota WHERE ctid IN (
             SELECT ctid FROM link_query_quota WHERE window_end < $1 LIMIT $2)
           RETURNING refused`,
          [new Date(now.getTime() - QUOTA_WINDOW_KEPT_MS).toISOString(), this.batchSize],
        ),
      );
      const entries: LeLogEntry[] = [];
      if (deliveryRows.length > 0) {
        entries.push({
          actor: HUB_ACTOR,
          action: 'ERASURE',
          subject: 'delivery_content',
          justification: 'retention period of the recipient jurisdiction ended',
          details: {
            count: deliveryRows.length,
            deliveries: deliveryRows.map((r) => ({
              messageId: r.message_id,
              recipient: r.recipient_agency,
            })),
          },
        });
      }
      if (feedEntries.length > 0) {
        entries.push({
          actor: HUB_ACTOR,
          action: 'ERASURE',
          subject: 'feed_entry',
          justification: 'retention period of the recipient jurisdiction ended',
          details: { count: feedEntries.length },
        });
      }
      if (messageRows.length > 0) {
        entries.push({
          actor: HUB_ACTOR,
          action: 'ERASURE',
          subject: 'message_content',
          justification: 'retention period of every recipient ended',
          details: { count: messageRows.length, messageIds: messageRows.map((r) => r.message_id) },
        });
      }
      if (quotaRows.length > 0) {
        entries.push({
          actor: HUB_ACTOR,
          action: 'ERASURE',
          subject: 'link_query_quota',
          justification: 'query quota windows past the span oversight reads',
          details: {
            count: quotaRows.length,
            breached: quotaRows.filter((r) => r.refused > 0).length,
          },
        });
      }
      await appendLeLog(tx, entries);
      return {
        deliveries: deliveryRows.length,
        feedEntries: feedEntries.length,
        messages: messageRows.length,
        quotaWindows: quotaRows.length,
      };
    });
  }
}

type PgRows<T> = [T[], number] | T[];

/** TypeORM answers a DELETE ... RETURNING on postgres with [rows, affected]. */
function rowsOf<T>(result: [T[], number] | T[]): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0];
  }
  return result as T[];
}
