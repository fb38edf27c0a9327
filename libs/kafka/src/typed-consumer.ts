/**
 * A read_committed consumer that decodes each record with its codec (or a decoder
 * of the fields it reads). A record that
 * does not decode is handed to `onUndecodable` (never silently dropped, never fatal).
 */
import type { Consumer, Kafka } from 'kafkajs';
import type { RecordDecoder } from '@liaison/contracts';

export interface ConsumedRecord<T> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: T;
  /** The record's value as it arrived, before decoding. */
  readonly bytes: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: string;
}

export interface TypedConsumerOptions<T> {
  readonly groupId: string;
  readonly topics: readonly (string | RegExp)[];
  readonly codec: RecordDecoder<T>;
  readonly fromBeginning?: boolean;
  readonly sessionTimeoutMs?: number;
  /**
   * Fetch batching: the broker answers a fetch once `minBytes` are there or
   * `maxWaitTimeInMs` passed (kafkajs defaults: 1 byte, 5 s). A consumer of many
   * partitions with the default sends a fetch over all of them for every few
   * records, and the broker pays per partition and fetch.
   */
  readonly fetch?: { readonly minBytes: number; readonly maxWaitTimeInMs: number };
  /**
   * Partitions whose batches of one fetch are handled at once (kafkajs default 1:
   * one after the other, each with its own offset commit round trip).
   */
  readonly partitionsConsumedConcurrently?: number;
  readonly onUndecodable: (raw: {
    topic: string;
    partition: number;
    offset: string;
    error: unknown;
  }) => Promise<void>;
}

export function headersOf(raw: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (Buffer.isBuffer(value)) out[name] = value.toString('utf8');
    else if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/**
 * Startable again after stop: each start joins the group with a new kafkajs
 * consumer (a member that left for good, e.g. a ledger writer stepping down).
 */
export class TypedConsumer<T> {
  private consumer: Consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: TypedConsumerOptions<T>,
  ) {
    this.consumer = this.newConsumer();
  }

  private newConsumer(): Consumer {
    return this.kafka.consumer({
      groupId: this.options.groupId,
      readUncommitted: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10000,
      heartbeatInterval: 1000,
      allowAutoTopicCreation: false,
      ...(this.options.fetch ?? {}),
    });
  }

  async start(handle: (batch: readonly ConsumedRecord<T>[]) => Promise<void>): Promise<void> {
    await this.consumer.connect();
    for (const topic of this.options.topics) {
      await this.consumer.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? true });
    }
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const decoded: ConsumedRecord<T>[] = [];
        for (const m of batch.messages) {
          if (m.value === null) continue; // tombstone on a compacted topic
          try {
            decoded.push({
              topic: batch.topic,
              partition: batch.partition,
              offset: m.offset,
              key: m.key ? m.key.toString('utf8') : null,
              value: this.options.codec.decode(m.value),
              bytes: m.value,
              headers: headersOf(m.headers),
              timestamp: m.timestamp,
            });
          } catch (error) {
            await this.options.onUndecodable({
              topic: batch.topic,
              partition: batch.partition,
              offset: m.offset,
              error,
            });
          }
        }
        if (decoded.length > 0) await handle(decoded);
        await payload.heartbeat();
      },
    });
  }

  /** Leaves the group; a later start joins it again with a new consumer. */
  async stop(): Promise<void> {
    const stopped = this.consumer;
    this.consumer = this.newConsumer();
    await stopped.disconnect();
  }
}
