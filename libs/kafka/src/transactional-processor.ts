/**
 * Exactly-once consume-transform-produce: for each slice of a fetched batch, the
 * outputs (feed deliveries, decisions, dead letters) and the consumed offsets are
 * written in ONE Kafka transaction. A crash before commit aborts everything, so
 * read_committed readers see each output once. After an ambiguous transaction
 * error the partition's producer is re-created (new epoch), which aborts whatever
 * was open.
 */
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { headersOf } from './typed-consumer';

export interface InputRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: string;
}

export interface OutputRecord {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TransactionalProcessorOptions {
  readonly groupId: string;
  readonly inputTopic: string;
  /** Stable per worker instance: a restarted worker with the same id fences its zombie. */
  readonly transactionalId: string;
  readonly sessionTimeoutMs?: number;
  /** Upper bound of input records handled in one transaction. */
  readonly maxRecordsPerTransaction?: number;
  readonly transactionTimeoutMs?: number;
  /** Must not throw for bad input: bad input becomes a dead-letter output. */
  readonly transform: (records: readonly InputRecord[]) => Promise<OutputRecord[]> | OutputRecord[];
  readonly onCommitted?: (inputs: number, outputs: number) => void;
  /** The consumer stopped for good (a non-retriable error): the process should exit. */
  readonly onFatal?: (error: unknown) => void;
  /** Largest payload per produce call inside a transaction (the broker caps a batch). */
  readonly maxBytesPerSend?: number;
  readonly onError?: (error: unknown, phase: 'transaction' | 'consumer') => void;
}

function toInput(topic: string, partition: number, m: KafkaMessage): InputRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value,
    headers: headersOf(m.headers),
    timestamp: m.timestamp,
  };
}

type TopicMessages = {
  topic: string;
  messages: { key: string; value: Buffer; headers?: Record<string, string> }[];
}[];

/**
 * Groups outputs by topic into produce calls of at most `maxBytes` each, so no
 * partition's share of one call exceeds the broker's batch limit, however large
 * the fan-out. All calls still belong to the same transaction.
 */
export function splitIntoSends(
  outputs: readonly OutputRecord[],
  maxBytes: number,
): TopicMessages[] {
  const sends: TopicMessages[] = [];
  let current = new Map<string, TopicMessages[number]['messages']>();
  let bytes = 0;
  const flush = (): void => {
    if (current.size === 0) return;
    sends.push([...current].map(([topic, messages]) => ({ topic, messages })));
    current = new Map();
    bytes = 0;
  };
  for (const o of outputs) {
    const size = o.value.length + o.key.length + 64;
    if (bytes > 0 && bytes + size > maxBytes) flush();
    let list = current.get(o.topic);
    if (!list) current.set(o.topic, (list = []));
    list.push({ key: o.key, value: o.value, headers: o.headers ? { ...o.headers } : undefined });
    bytes += size;
  }
  flush();
  return sends;
}

/**
 * One transactional producer per input partition, with a transactional id
 * derived from the partition (`<id>-<topic>-<partition>`), shared by every worker
 * instance. Whoever owns a partition initialises that producer before its first
 * slice, which fences the previous owner (a crashed or paused zombie) and
 * completes its open transaction; the owner then re-reads the committed offset
 * and skips what the previous owner already committed. This is the pre-KIP-447
 * exactly-once pattern, which kafkajs supports.
 */
export class TransactionalProcessor {
  private consumer: Consumer | undefined;
  private readonly producers = new Map<number, Producer>();
  /** Partitions whose producer was just (re)initialised: their committed offset must be re-read. */
  private readonly fenced = new Set<number>();
  private stopping = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: TransactionalProcessorOptions,
  ) {}

  private async producerFor(topic: string, partition: number): Promise<Producer> {
    const existing = this.producers.get(partition);
    if (existing) return existing;
    const producer = this.kafka.producer({
      transactionalId: `${this.options.transactionalId}-${topic}-${partition}`,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.options.transactionTimeoutMs ?? 30000,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    this.producers.set(partition, producer);
    this.fenced.add(partition);
    return producer;
  }

  private async dropProducer(partition: number): Promise<void> {
    const old = this.producers.get(partition);
    this.producers.delete(partition);
    if (old) await old.disconnect().catch(() => undefined);
  }

  /** The group's committed offset for one partition, read after fencing the previous owner. */
  private async committedOffset(topic: string, partition: number): Promise<bigint> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId: this.options.groupId, topics: [topic] });
      const entry = offsets
        .find((t) => t.topic === topic)
        ?.partitions.find((p) => p.partition === partition);
      const value = entry ? BigInt(entry.offset) : -1n;
      return value < 0n ? -1n : value;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      readUncommitted: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10000,
      heartbeatInterval: 1000,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart && !this.stopping) this.options.onFatal?.(event.payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.options.inputTopic, fromBeginning: true });
    const slice = this.options.maxRecordsPerTransaction ?? 500;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        let messages = batch.messages;
        await this.producerFor(batch.topic, batch.partition);
        if (this.fenced.has(batch.partition)) {
          // A previous owner may have committed more than this fetch knew about.
          const committed = await this.committedOffset(batch.topic, batch.partition);
          this.fenced.delete(batch.partition);
          if (committed >= 0n) {
            const skipped = messages.filter((m) => BigInt(m.offset) < committed);
            messages = messages.filter((m) => BigInt(m.offset) >= committed);
            const lastSkipped = skipped[skipped.length - 1];
            if (lastSkipped) payload.resolveOffset(lastSkipped.offset);
          }
        }
        for (let start = 0; start < messages.length; start += slice) {
          if (!payload.isRunning() || payload.isStale() || this.stopping) return;
          const chunk = messages.slice(start, start + slice);
          const inputs = chunk.map((m) => toInput(batch.topic, batch.partition, m));
          const outputs = await this.options.transform(inputs);
          const last = chunk[chunk.length - 1];
          if (!last) continue;
          await this.commitTransaction(outputs, batch.topic, batch.partition, last.offset);
          payload.resolveOffset(last.offset);
          this.options.onCommitted?.(inputs.length, outputs.length);
          await payload.heartbeat();
        }
      },
    });
  }

  private async commitTransaction(
    outputs: readonly OutputRecord[],
    topic: string,
    partition: number,
    lastOffset: string,
  ): Promise<void> {
    const producer = await this.producerFor(topic, partition);
    const sends = splitIntoSends(outputs, this.options.maxBytesPerSend ?? 512 * 1024);
    const txn = await producer.transaction();
    try {
      for (const topicMessages of sends) await txn.sendBatch({ acks: -1, topicMessages });
      await txn.sendOffsets({
        consumerGroupId: this.options.groupId,
        topics: [
          { topic, partitions: [{ partition, offset: (BigInt(lastOffset) + 1n).toString() }] },
        ],
      });
      await txn.commit();
    } catch (error) {
      this.options.onError?.(error, 'transaction');
      await txn.abort().catch(() => undefined);
      // Ambiguous outcome, or fenced by a newer owner: drop this producer; the next
      // batch re-initialises it (new epoch) and re-reads the committed offset.
      await this.dropProducer(partition);
      throw error; // kafkajs re-fetches from the last committed offset
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    for (const partition of [...this.producers.keys()]) await this.dropProducer(partition);
  }
}
