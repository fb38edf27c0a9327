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
import {
  ShareLedgerWrites,
  appendLeLog,
  purgeQuotaWindows,
  type LeLogEntry,
} from '@liaison/persistence';
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
      const ledger = new ShareLedgerWrites(tx);
      const { deliveries: deliveryRows, feedEntries } = await ledger.eraseExpiredDeliveries(
        now,
        this.batchSize,
      );
      const messageIds = await ledger.eraseExpiredMessages(now, this.batchSize);
      const quotaRows = await purgeQuotaWindows(
        tx,
        new Date(now.getTime() - QUOTA_WINDOW_KEPT_MS),
        this.batchSize,
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
              messageId: r.messageId,
              recipient: r.recipientAgency,
            })),
          },
        });
      }
      if (feedEntries > 0) {
        entries.push({
          actor: HUB_ACTOR,
          action: 'ERASURE',
          subject: 'feed_entry',
          justification: 'retention period of the recipient jurisdiction ended',
          details: { count: feedEntries },
        });
      }
      if (messageIds.length > 0) {
        entries.push({
          actor: HUB_ACTOR,
          action: 'ERASURE',
          subject: 'message_content',
          justification: 'retention period of every recipient ended',
          details: { count: messageIds.length, messageIds },
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
        feedEntries,
        messages: messageIds.length,
        quotaWindows: quotaRows.length,
      };
    });
  }
}
