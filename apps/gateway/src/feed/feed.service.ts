/**
 * An agency's feed, read from the feed store (feed_entry, filled from its Kafka
 * feed topic by the audit app). The cursor is the entry id: it survives restarts
 * and any cursor within retention can be replayed. Live readers are woken by
 * PostgreSQL NOTIFY on one shared connection (plus a slow poll as a safety net).
 */
import type { DataSource } from 'typeorm';
import {
  codecFor,
  type CaseClockNotice,
  type Delivery,
  type LinkNotice,
  type OnwardConsentNotice,
} from '@liaison/contracts';
import { DomainError } from '@liaison/errors';
import type { Logger } from '@liaison/observability';
import { FeedRepository, openFeedListener, type FeedListener } from '@liaison/persistence';
import { PG_BIGINT_MAX, parseBigInteger, parseInteger, refusalWith } from '../http/query-params';

/** A feed entry: a delivery of a partner's message, or a link, clock or consent notice from the hub. */
export type FeedEntry =
  | { readonly cursor: string; readonly delivery: Delivery }
  | { readonly cursor: string; readonly linkNotice: LinkNotice }
  | { readonly cursor: string; readonly caseClockNotice: CaseClockNotice }
  | { readonly cursor: string; readonly onwardConsentNotice: OnwardConsentNotice };

export interface FeedPage {
  readonly entries: readonly FeedEntry[];
  readonly nextCursor: string;
}

const refuseFeed = refusalWith((field) =>
  field === 'limit' ? 'feed.bad-limit' : 'feed.bad-cursor',
);

/**
 * The cursor: the last entry id the reader saw (a bigint, so at most
 * PG_BIGINT_MAX), from `?after=` or the SSE `Last-Event-ID` header.
 */
export function parseCursor(raw: unknown, field = 'after'): string {
  if (raw === undefined || raw === null || raw === '') return '0';
  return parseBigInteger(raw, field, { min: 0n, max: PG_BIGINT_MAX }, refuseFeed).toString();
}

export function parseLimit(raw: unknown, fallback = 100, max = 1000): number {
  if (raw === undefined || raw === '') return fallback;
  return parseInteger(raw, 'limit', { min: 1, max }, refuseFeed);
}

/** Wakes a live stream; `notifiedAt` (performance.now()) is when the feed's NOTIFY arrived. */
type Waker = (notifiedAt?: number) => void;

/** Where a live stream's time goes, for the gateway's latency histograms (seconds). */
export interface FeedStreamTimings {
  /** One page query of a live stream. */
  readonly observePage: (seconds: number) => void;
  /** From a NOTIFY's arrival to the new entries written to a stream. */
  readonly observeWake: (seconds: number) => void;
}

const deliveryCodec = codecFor('Delivery');
const linkNoticeCodec = codecFor('LinkNotice');
const clockNoticeCodec = codecFor('CaseClockNotice');
const consentNoticeCodec = codecFor('OnwardConsentNotice');

/**
 * A stored record, decoded. The audit app decoded it before storing it, so this
 * fails only if the store was altered.
 */
export function entryOf(id: string, record: Buffer, kind: string): FeedEntry {
  try {
    const cursor = String(id);
    switch (kind) {
      case 'LINK_NOTICE':
        return { cursor, linkNotice: linkNoticeCodec.decode(record) };
      case 'CASE_CLOCK_NOTICE':
        return { cursor, caseClockNotice: clockNoticeCodec.decode(record) };
      case 'ONWARD_CONSENT_NOTICE':
        return { cursor, onwardConsentNotice: consentNoticeCodec.decode(record) };
      default:
        return { cursor, delivery: deliveryCodec.decode(record) };
    }
  } catch (error) {
    // A server fault, not the reader's: answered as a 500 with an error id and logged.
    throw new Error(
      `feed entry ${id} does not decode: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export class FeedService {
  private readonly wakers = new Map<string, Set<Waker>>();
  private readonly entries: FeedRepository;
  private listener: FeedListener | undefined;
  private stopped = false;
  private poll: NodeJS.Timeout | undefined;

  constructor(
    ds: DataSource,
    private readonly databaseUrl: string,
    private readonly log: Logger,
    /** Open streams one agency may hold; each costs a page query on every wake-up. */
    private readonly maxStreamsPerAgency: number,
    readonly timings?: FeedStreamTimings,
  ) {
    this.entries = new FeedRepository(ds);
  }

  async page(agencyId: string, after: string, limit: number): Promise<FeedPage> {
    const rows = await this.entries.entriesAfter(agencyId, after, limit);
    return {
      entries: rows.map((r) => entryOf(r.id, r.record, r.entryKind)),
      nextCursor: rows.length > 0 ? String(rows[rows.length - 1]?.id) : after,
    };
  }

  /**
   * Opens a live stream: calls `wake` whenever the agency's feed may have grown;
   * returns the release. Beyond the agency's cap the stream is refused (429), so
   * one agency's readers cannot starve the database pool that publishing shares.
   */
  openStream(agencyId: string, wake: Waker): () => void {
    let set = this.wakers.get(agencyId);
    if ((set?.size ?? 0) >= this.maxStreamsPerAgency) {
      throw new DomainError(
        'feed.too-many-streams',
        `agency ${agencyId} already holds ${this.maxStreamsPerAgency} open feed streams; close one or read pages`,
        'rate-limited',
        { limit: this.maxStreamsPerAgency },
      );
    }
    if (!set) this.wakers.set(agencyId, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0) this.wakers.delete(agencyId);
    };
  }

  openStreams(): number {
    let n = 0;
    for (const set of this.wakers.values()) n += set.size;
    return n;
  }

  private wakeAll(agencyId?: string, notifiedAt?: number): void {
    const targets = agencyId ? [this.wakers.get(agencyId)] : [...this.wakers.values()];
    for (const set of targets) for (const wake of set ?? []) wake(notifiedAt);
  }

  async start(): Promise<void> {
    this.poll = setInterval(() => this.wakeAll(), 2000);
    this.poll.unref();
    await this.connectListener();
  }

  private async connectListener(): Promise<void> {
    try {
      const listener = await openFeedListener({
        databaseUrl: this.databaseUrl,
        applicationName: 'liaison-gateway-feed',
        onAppended: (agencyId, notifiedAt) => this.wakeAll(agencyId, notifiedAt),
        onLost: (error) => {
          this.log.warn({ err: error }, 'feed listener lost; reconnecting');
          this.listener = undefined;
          this.reconnectIn(1000);
        },
      });
      if (this.stopped) await listener.close();
      else this.listener = listener;
    } catch (error) {
      this.log.warn({ err: error }, 'feed listener could not connect; polling only');
      this.reconnectIn(2000);
    }
  }

  private reconnectIn(ms: number): void {
    if (this.stopped) return;
    setTimeout(() => void this.connectListener(), ms).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    await this.listener?.close();
  }
}
