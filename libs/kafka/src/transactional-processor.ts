/**
 * Exactly-once consume-transform-produce: for each slice of a fetched batch, the
 * outputs (feed deliveries, decisions, dead letters) and the consumed offsets are
 * written in ONE Kafka transaction. A crash before commit aborts everything, so
 * read_committed readers see each output once. After an ambiguous transaction
 * error the partition's producer is re-created (new epoch), which aborts whatever
 * was open.
 */
import {
  KafkaJSError,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  type KafkaMessage,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';
import { fetchStableOffset } from './stable-offset-fetch';
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
  /** The partition to write to; without it, the producer's partitioner chooses by the key. */
  readonly partition?: number;
  readonly key: string;
  readonly value: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What one committed transaction held and how long its phases took. */
export interface CommittedSlice {
  /** The input partition and the last input offset the slice committed. */
  readonly partition: number;
  readonly lastOffset: string;
  readonly inputs: number;
  readonly outputs: number;
  /**
   * Mean time the slice's inputs waited before the slice started: from each
   * record's timestamp (the producer's create time) to the transform's start,
   * so the publisher's send, the fetch and any slice before this one.
   */
  readonly waitMs: number;
  /** The transform of the slice (everything before the first produce call). */
  readonly transformMs: number;
  /** Produce calls, offsets and the commit: the transaction's round trips. */
  readonly commitMs: number;
  /** Of commitMs: the produce calls (with the partitions added to the transaction). */
  readonly produceMs: number;
  /** Of commitMs: the consumed offsets added to the transaction. */
  readonly offsetsMs: number;
  /** Of commitMs: EndTxn, the commit itself. */
  readonly endMs: number;
}

/** How long each round trip of a committed transaction took. */
interface CommitPhases {
  readonly produceMs: number;
  readonly offsetsMs: number;
  readonly endMs: number;
}

/** Mean of (now − record timestamp) over the records, in ms; 0 without usable timestamps. */
export function meanWaitMs(timestamps: readonly string[], nowMs: number): number {
  let sum = 0;
  let n = 0;
  for (const t of timestamps) {
    const at = Number(t);
    if (!Number.isFinite(at) || at <= 0) continue;
    sum += Math.max(0, nowMs - at);
    n++;
  }
  return n === 0 ? 0 : sum / n;
}

export interface TransactionalProcessorOptions {
  readonly groupId: string;
  readonly inputTopic: string;
  /** Stable per worker instance: a restarted worker with the same id fences its zombie. */
  readonly transactionalId: string;
  readonly sessionTimeoutMs?: number;
  /** Upper bound of input records handled in one transaction. */
  readonly maxRecordsPerTransaction?: number;
  /**
   * Upper bound of output records per transaction (default 2,500): with a large
   * fan-out the slice shrinks so that a slice's outputs, held in memory until
   * the commit, stay bounded (partitions are processed concurrently).
   */
  readonly maxOutputsPerTransaction?: number;
  readonly transactionTimeoutMs?: number;
  /** Must not throw for bad input: bad input becomes a dead-letter output. */
  readonly transform: (records: readonly InputRecord[]) => Promise<OutputRecord[]> | OutputRecord[];
  readonly onCommitted?: (slice: CommittedSlice) => void;
  /**
   * A slice's outputs (the array `transform` returned) once its transaction
   * committed: every produce request was answered, so the Kafka client reads
   * their values no more and their memory may be reused. Not called for an
   * aborted transaction (its requests may still be queued on a socket).
   */
  readonly release?: (outputs: readonly OutputRecord[]) => void;
  /** The consumer stopped for good (a non-retriable error): the process should exit. */
  readonly onFatal?: (error: unknown) => void;
  /** How outputs are split into produce calls inside a transaction (the broker caps a batch). */
  readonly sendBudget?: SendBudget;
  readonly onError?: (error: unknown, phase: 'transaction' | 'consumer') => void;
  /** A fetch returned records already committed (a stale offset after a rebalance or a fence): they were skipped. */
  readonly onSkipped?: (partition: number, records: number, committedOffset: string) => void;
}

/**
 * Retry back-off of transactional producers. Right after a commit the
 * coordinator is still writing the commit markers, and the next transaction's
 * AddPartitionsToTxn is refused with CONCURRENT_TRANSACTIONS until it is done
 * (a few ms). With the client-wide back-off (100 ms, doubling) every
 * back-to-back transaction waited ~100 ms; the Java producer retries this case
 * after 20 ms for the same reason. Same total patience (~20 s) for real outages.
 */
const TRANSACTIONAL_RETRY = { initialRetryTime: 5, maxRetryTime: 5000, retries: 13 };

/** Settings of every transactional producer: the worker's, and the bench baseline's. */
export function transactionalProducerConfig(
  transactionalId: string,
  transactionTimeoutMs = 30000,
): ProducerConfig {
  return {
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: transactionTimeoutMs,
    allowAutoTopicCreation: false,
    retry: TRANSACTIONAL_RETRY,
  };
}

/**
 * Input partitions processed at once by one instance. Each partition has its own
 * transactional producer, so one partition's commit round trips overlap
 * another's transform. (It was 1 while the chaos runs still found duplicates:
 * readers were handed aborted records by kafkajs' read_committed filter when
 * several transactions were open at once, fixed by patches/kafkajs+2.2.4.patch;
 * and a committed offset could be read before a pending commit was
 * materialised, fixed by the stable fetch: docs/reliability.md, defects 7, 8.)
 */
export const PARTITIONS_CONSUMED_CONCURRENTLY = 4;

/** Broker answers to a producer whose transactional id a newer owner took over. */
const FENCED_ERROR_TYPES = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']);

/** Whether `error` (or an error it wraps) says this producer was fenced. */
export function isFencedError(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; depth++) {
    if (FENCED_ERROR_TYPES.has((e as { type?: unknown }).type as string)) return true;
    e = e.cause;
  }
  return false;
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
  messages: {
    partition?: number;
    key: string;
    value: Buffer;
    headers?: Record<string, string>;
  }[];
}[];

export interface SendBudget {
  /** Largest share of one topic in one produce call: below the broker's batch limit (max.message.bytes). */
  readonly perTopicBytes: number;
  /** Largest produce call. */
  readonly perSendBytes: number;
}

/**
 * 900 KiB per topic stays under the broker default max.message.bytes (1 MiB);
 * 2 MiB per call bounds the copies kafkajs makes while encoding a request
 * (about four of each record), which four partitions at once multiply.
 */
export const DEFAULT_SEND_BUDGET: SendBudget = {
  perTopicBytes: 900 * 1024,
  perSendBytes: 2 * 1024 * 1024,
};

/**
 * Groups outputs by topic into as few produce calls as the budget allows: no
 * topic's share of one call exceeds `perTopicBytes` (kafkajs writes a partition's
 * share as one record batch, which the broker caps), no call exceeds
 * `perSendBytes`, and each topic's records keep their order across calls (they
 * are sent one call after the other). A record larger than a budget travels
 * alone. All calls belong to the same transaction.
 */
export function splitIntoSends(
  outputs: readonly OutputRecord[],
  budget: SendBudget = DEFAULT_SEND_BUDGET,
): TopicMessages[] {
  interface Send {
    bytes: number;
    topics: Map<string, { bytes: number; messages: TopicMessages[number]['messages'] }>;
  }
  const sends: Send[] = [];
  /** The send each topic's latest record went to: later records never go earlier. */
  const nextFor = new Map<string, number>();
  for (const o of outputs) {
    const size = o.value.length + o.key.length + 64;
    let index = nextFor.get(o.topic) ?? 0;
    for (; ; index++) {
      let send = sends[index];
      if (!send) sends.push((send = { bytes: 0, topics: new Map() }));
      const share = send.topics.get(o.topic);
      const topicFits = !share || share.bytes + size <= budget.perTopicBytes;
      const sendFits = send.bytes === 0 || send.bytes + size <= budget.perSendBytes;
      if (!topicFits || !sendFits) continue;
      let entry = share;
      if (!entry) send.topics.set(o.topic, (entry = { bytes: 0, messages: [] }));
      entry.messages.push({
        partition: o.partition,
        key: o.key,
        value: o.value,
        headers: o.headers ? { ...o.headers } : undefined,
      });
      entry.bytes += size;
      send.bytes += size;
      nextFor.set(o.topic, index);
      break;
    }
  }
  return sends.map((send) =>
    [...send.topics].map(([topic, { messages }]) => ({ topic, messages })),
  );
}

export interface SliceBudget {
  readonly maxInputs: number;
  readonly maxOutputs: number;
}

/**
 * 500 inputs, and about 2,500 outputs held until the commit, per partition:
 * with four partitions at once that bounds what the worker holds (and its RSS)
 * to about what one partition with 10,000 outputs would.
 */
export const DEFAULT_SLICE_BUDGET: SliceBudget = { maxInputs: 500, maxOutputs: 2_500 };

/** Inputs in an instance's first slice, before any fan-out has been seen. */
const PROBE_SLICE = 10;

/**
 * Inputs in the next slice: as many as fit both budgets, given the outputs per
 * input of the latest slice; before any (undefined), a probe of ten inputs, so a
 * large fan-out commits its first outputs quickly.
 */
export function sliceSize(budget: SliceBudget, outputsPerInput: number | undefined): number {
  if (outputsPerInput === undefined) return Math.min(budget.maxInputs, PROBE_SLICE);
  const byOutputs = Math.floor(budget.maxOutputs / Math.max(outputsPerInput, 1));
  return Math.max(1, Math.min(budget.maxInputs, byOutputs));
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
  /**
   * Per partition, the next offset after the last transaction this instance
   * committed. A rebalance re-fetches the group's committed offsets, and that
   * fetch can still return the previous offset for a transaction whose commit has
   * returned but whose markers are not yet written (kafkajs has no
   * OffsetFetch require_stable): without this floor the slice would be
   * processed twice by the same, unfenced producer.
   */
  private readonly position = new Map<number, bigint>();
  private stopping = false;
  /** Outputs per input of the latest slice: sizes the next one. */
  private outputsPerInput: number | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: TransactionalProcessorOptions,
  ) {}

  private async producerFor(topic: string, partition: number): Promise<Producer> {
    const existing = this.producers.get(partition);
    if (existing) return existing;
    const producer = this.kafka.producer(
      transactionalProducerConfig(
        `${this.options.transactionalId}-${topic}-${partition}`,
        this.options.transactionTimeoutMs,
      ),
    );
    await producer.connect();
    // kafkajs registers the transactional id (InitProducerId, which fences the
    // previous owner and completes or aborts its open transaction) only on the
    // first transaction(), not on connect(). Do it now: the committed offset read
    // next must already include the previous owner's last commit. An empty
    // transaction's abort sends nothing to the broker.
    await (await producer.transaction()).abort();
    this.producers.set(partition, producer);
    this.fenced.add(partition);
    return producer;
  }

  private async dropProducer(partition: number): Promise<void> {
    const old = this.producers.get(partition);
    this.producers.delete(partition);
    if (old) await old.disconnect().catch(() => undefined);
  }

  /**
   * The group's committed offset for one partition, read after fencing the
   * previous owner, and read stable: a commit of that owner's that is still
   * being completed is waited for, not missed (stable-offset-fetch.ts).
   */
  private committedOffset(topic: string, partition: number): Promise<bigint> {
    return fetchStableOffset(this.kafka, this.options.groupId, topic, partition, {
      timeoutMs: this.options.transactionTimeoutMs ?? 30000,
    });
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
    // A partition this instance lost may be fenced by its new owner and given
    // back later: its producer must then be initialised afresh (and the
    // committed offset re-read), never reused.
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assigned = new Set(event.payload.memberAssignment[this.options.inputTopic] ?? []);
      for (const partition of [...this.producers.keys()])
        if (!assigned.has(partition)) void this.dropProducer(partition);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart && !this.stopping) this.options.onFatal?.(event.payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.options.inputTopic, fromBeginning: true });
    const budget: SliceBudget = {
      maxInputs: this.options.maxRecordsPerTransaction ?? DEFAULT_SLICE_BUDGET.maxInputs,
      maxOutputs: this.options.maxOutputsPerTransaction ?? DEFAULT_SLICE_BUDGET.maxOutputs,
    };
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
      eachBatch: (payload) => this.handleBatch(payload, budget),
    });
  }

  private async handleBatch(payload: EachBatchPayload, budget: SliceBudget): Promise<void> {
    const { batch } = payload;
    let messages = batch.messages;
    await this.producerFor(batch.topic, batch.partition);
    let floor = this.position.get(batch.partition) ?? -1n;
    if (this.fenced.has(batch.partition)) {
      // A previous owner may have committed more than this fetch knew about.
      const committed = await this.committedOffset(batch.topic, batch.partition);
      this.fenced.delete(batch.partition);
      if (committed > floor) floor = committed;
    }
    if (floor >= 0n) {
      const skipped = messages.filter((m) => BigInt(m.offset) < floor);
      messages = messages.filter((m) => BigInt(m.offset) >= floor);
      const lastSkipped = skipped[skipped.length - 1];
      if (lastSkipped) {
        payload.resolveOffset(lastSkipped.offset);
        this.options.onSkipped?.(batch.partition, skipped.length, floor.toString());
      }
    }
    for (let start = 0; start < messages.length;) {
      if (!payload.isRunning() || payload.isStale() || this.stopping) return;
      const chunk = messages.slice(start, start + sliceSize(budget, this.outputsPerInput));
      start += chunk.length;
      const inputs = chunk.map((m) => toInput(batch.topic, batch.partition, m));
      const waitMs = meanWaitMs(
        chunk.map((m) => m.timestamp),
        Date.now(),
      );
      const started = performance.now();
      const outputs = await this.options.transform(inputs);
      if (inputs.length > 0) this.outputsPerInput = outputs.length / inputs.length;
      const last = chunk[chunk.length - 1];
      if (!last) continue;
      const transformed = performance.now();
      const phases = await this.commitTransaction(
        outputs,
        batch.topic,
        batch.partition,
        last.offset,
      );
      this.options.release?.(outputs);
      this.position.set(batch.partition, BigInt(last.offset) + 1n);
      payload.resolveOffset(last.offset);
      this.options.onCommitted?.({
        partition: batch.partition,
        lastOffset: last.offset,
        inputs: inputs.length,
        outputs: outputs.length,
        waitMs,
        transformMs: transformed - started,
        commitMs: performance.now() - transformed,
        ...phases,
      });
      await payload.heartbeat();
    }
  }

  private async commitTransaction(
    outputs: readonly OutputRecord[],
    topic: string,
    partition: number,
    lastOffset: string,
  ): Promise<CommitPhases> {
    const producer = await this.producerFor(topic, partition);
    const sends = splitIntoSends(outputs, this.options.sendBudget);
    const txn = await producer.transaction();
    try {
      const began = performance.now();
      for (const topicMessages of sends) await txn.sendBatch({ acks: -1, topicMessages });
      const produced = performance.now();
      await txn.sendOffsets({
        consumerGroupId: this.options.groupId,
        topics: [
          { topic, partitions: [{ partition, offset: (BigInt(lastOffset) + 1n).toString() }] },
        ],
      });
      const offsetsAdded = performance.now();
      await txn.commit();
      return {
        produceMs: produced - began,
        offsetsMs: offsetsAdded - produced,
        endMs: performance.now() - offsetsAdded,
      };
    } catch (error) {
      this.options.onError?.(error, 'transaction');
      await txn.abort().catch(() => undefined);
      // Ambiguous outcome, or fenced by a newer owner: drop this producer; the next
      // batch re-initialises it (new epoch) and re-reads the committed offset.
      await this.dropProducer(partition);
      // kafkajs re-fetches from the last resolved offset. A fence is expected
      // in a rebalance; kafkajs calls it non-retriable and would stop the
      // consumer for good, so it is passed on as retriable.
      if (isFencedError(error)) throw new KafkaJSError(error as Error, { retriable: true });
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    for (const partition of [...this.producers.keys()]) await this.dropProducer(partition);
  }
}
