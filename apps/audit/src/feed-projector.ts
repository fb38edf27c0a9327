/**
 * Projects every agency's feed topic (hub.feed.<agency>.v1, read_committed) into
 * feed_entry (each delivery checked, then stored as the record that arrived),
 * whose bigserial id is the agency's feed cursor. Idempotent through
 * UNIQUE(agency_id, message_id); after each committed batch it NOTIFYs
 * FEED_CHANNEL with the agency id so gateways streaming SSE wake up. The
 * batches of one fetch (one per feed topic) are handled at once and stored in
 * one statement: an agency's delivery does not wait for the others' commits.
 * The set of topics follows the agency table (receives_feed), as the app's last
 * world that compiled has it when `feedAgencies` is given; a directory event
 * makes it re-read the list, bring each feed topic's retention to its agency's
 * (feedTopicSpec) and, if the set changed, re-subscribe (kafkajs can only change
 * subscriptions on a fresh consumer).
 */
import type { Kafka } from '@liaison/kafka';
import type { DataSource } from 'typeorm';
import { projectionFor, type Delivery } from '@liaison/contracts';
import { FeedRepository } from '@liaison/persistence';
import {
  TypedConsumer,
  ensureTopics,
  feedTopic,
  feedTopicSpec,
  type ConsumedRecord,
  type TopicLayout,
} from '@liaison/kafka';

const FEED_TOPIC = /^hub\.feed\.([a-z0-9][a-z0-9-]{1,62})\.v1$/;

export interface FeedProjectorOptions {
  readonly groupId: string;
  readonly layout: TopicLayout;
  readonly onProjected?: (agencyId: string, inserted: number) => void;
  readonly onUndecodable?: (topic: string, offset: string, error: unknown) => void;
  readonly onError?: (error: unknown) => void;
  /** After each statement that stored batches: how long it took and what it held. */
  readonly onStored?: (stored: FeedStoreTiming) => void;
  /** The agencies whose feeds to project; defaults to reading the agency table. */
  readonly feedAgencies?: () => Promise<readonly FeedAgency[]>;
}

/** One statement of the projector, for its latency histograms. */
export interface FeedStoreTiming {
  /** The statement's round trip (insert, NOTIFY, commit). */
  readonly statementMs: number;
  /** Batches (feed topics of one fetch) the statement stored together. */
  readonly batches: number;
  /**
   * Per record, from its create time (the worker, before its transaction) to
   * the projector's hand-over: the worker's commit, the markers and the fetch.
   */
  readonly sinceCreateMs: readonly number[];
}

/**
 * Feed topics whose batches of one fetch are handled at once, and so stored in
 * one statement: an agency's feed is one topic, so this is the number of
 * agencies whose deliveries of one slice reach PostgreSQL together.
 */
export const FEED_PARTITIONS_AT_ONCE = 64;

/** An agency whose feed is projected, with the retention its feed topic follows. */
export interface FeedAgency {
  readonly id: string;
  readonly retentionDays: number;
}

/** What the projector reads of a delivery; the record is stored as it arrived. */
export type ProjectedDelivery = Pick<Delivery, 'messageId' | 'recipientAgency'>;

/**
 * Each delivery is checked whole (header, schema, structure) but only its
 * message id and recipient are built: the presentation, paths and receipt,
 * most of its bytes, are skipped.
 */
const deliveryHeader = projectionFor('Delivery', ['messageId', 'recipientAgency']);

interface WaitingBatch {
  readonly batch: readonly ConsumedRecord<ProjectedDelivery>[];
  readonly handedOverAt: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export function agencyOfFeedTopic(topic: string): string | null {
  return FEED_TOPIC.exec(topic)?.[1] ?? null;
}

export class FeedProjector {
  private consumer: TypedConsumer<ProjectedDelivery> | undefined;
  private agencies: string[] = [];
  private changing: Promise<void> = Promise.resolve();
  /** Batches handed over since the last statement began, stored together by the next. */
  private waiting: WaitingBatch[] = [];
  private readonly store: FeedRepository;

  constructor(
    private readonly kafka: Kafka,
    ds: DataSource,
    private readonly options: FeedProjectorOptions,
  ) {
    this.store = new FeedRepository(ds);
  }

  get subscribedAgencies(): readonly string[] {
    return this.agencies;
  }

  async start(): Promise<void> {
    await this.refresh(true);
  }

  private feedAgencies(): Promise<readonly FeedAgency[]> {
    return this.options.feedAgencies ? this.options.feedAgencies() : this.store.feedAgencies();
  }

  /**
   * Re-reads the agency list and aligns the feed topics' retention with it;
   * re-subscribes only if the list changed.
   */
  refresh(force = false): Promise<void> {
    const run = this.changing.then(async () => {
      const listed = await this.feedAgencies();
      const agencies = listed.map((a) => a.id);
      if (listed.length > 0) {
        await ensureTopics(
          this.kafka,
          listed.map((a) => feedTopicSpec(a.id, a.retentionDays, this.options.layout)),
          this.options.layout.replicationFactor,
        );
      }
      if (!force && agencies.join(',') === this.agencies.join(',')) return;
      await this.consumer?.stop().catch(() => undefined);
      this.consumer = undefined;
      this.agencies = agencies;
      if (agencies.length === 0) return;
      const consumer = new TypedConsumer<ProjectedDelivery>(this.kafka, {
        groupId: this.options.groupId,
        topics: agencies.map(feedTopic),
        codec: deliveryHeader,
        fromBeginning: true,
        // A delivery is fetched as soon as it is committed: a partner's SSE
        // stream waits on this hop. Under load the batches grow by themselves
        // (the next fetch is sent once the previous batch is stored), so no
        // minimum size is needed to keep fetches few; waiting for one cost
        // every delivery at low load up to the whole wait.
        fetch: { minBytes: 1, maxWaitTimeInMs: 500 },
        partitionsConsumedConcurrently: FEED_PARTITIONS_AT_ONCE,
        onUndecodable: ({ topic, offset, error }) => {
          this.options.onUndecodable?.(topic, offset, error);
          return Promise.resolve();
        },
      });
      this.consumer = consumer;
      await consumer.start(async (batch) => {
        await this.storeTogether(batch);
      });
    });
    this.changing = run.catch((error: unknown) => this.options.onError?.(error));
    return run;
  }

  /**
   * Stores a batch with every other batch handed over in the same turn of the
   * event loop (kafkajs hands the batches of one fetch to its workers at once):
   * one statement for all, and each batch resolves once it is committed, so
   * its offset is committed only after its entries are stored.
   */
  private storeTogether(batch: readonly ConsumedRecord<ProjectedDelivery>[]): Promise<void> {
    const handedOverAt = Date.now();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ batch, handedOverAt, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => void this.storeWaiting());
    });
  }

  private async storeWaiting(): Promise<void> {
    const batches = this.waiting;
    this.waiting = [];
    const started = performance.now();
    try {
      await this.project(batches.flatMap((b) => b.batch));
    } catch (error) {
      for (const b of batches) b.reject(error);
      return;
    }
    const sinceCreateMs: number[] = [];
    for (const b of batches) {
      for (const r of b.batch) {
        const created = Number(r.timestamp);
        if (Number.isFinite(created) && created > 0)
          sinceCreateMs.push(Math.max(0, b.handedOverAt - created));
      }
    }
    this.options.onStored?.({
      statementMs: performance.now() - started,
      batches: batches.length,
      sinceCreateMs,
    });
    for (const b of batches) b.resolve();
  }

  /**
   * One statement per batch, however many agencies it spans: one INSERT for
   * every delivery and one NOTIFY per agency that got a new entry
   * (FeedRepository.appendDeliveries).
   */
  async project(batch: readonly ConsumedRecord<ProjectedDelivery>[]): Promise<number> {
    const records: ConsumedRecord<ProjectedDelivery>[] = [];
    for (const record of batch) {
      // The recipient named in the delivery must be the owner of the topic it came from.
      const agency = record.value.recipientAgency;
      if (feedTopic(agency) !== record.topic) {
        this.options.onUndecodable?.(
          record.topic,
          record.offset,
          new Error(`delivery for ${agency} on ${record.topic}`),
        );
        continue;
      }
      records.push(record);
    }
    const inserted = await this.store.appendDeliveries(
      records.map((r) => ({
        agencyId: r.value.recipientAgency,
        messageId: r.value.messageId,
        kafkaOffset: r.offset,
        record: r.bytes,
      })),
    );
    let total = 0;
    for (const [agency, count] of inserted) {
      this.options.onProjected?.(agency, count);
      total += count;
    }
    return total;
  }

  async stop(): Promise<void> {
    await this.changing;
    await this.consumer?.stop().catch(() => undefined);
    this.consumer = undefined;
  }
}
