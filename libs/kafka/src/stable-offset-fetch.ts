/**
 * Committed offsets read the way a new owner of a partition must read them:
 * OffsetFetch v7 with `require_stable` (KIP-447). While a transaction that
 * commits offsets for a partition is still completing, the group coordinator
 * holds that commit as pending; a plain OffsetFetch (kafkajs 2.2 sends v4)
 * answers with the offset from BEFORE it, a stable one answers
 * UNSTABLE_OFFSET_COMMIT until the commit is materialised, and the caller asks
 * again. Without it, a worker that fenced the previous owner of a partition a
 * moment after that owner's last commit could read the older offset and decide
 * that slice a second time.
 *
 * kafkajs has no such request, so it is encoded here (flexible version: compact
 * strings and arrays, tagged fields) and sent over the client's own connection
 * to the group coordinator, so TLS, SASL and retries stay the client's.
 */
import type { Kafka } from 'kafkajs';

const OFFSET_FETCH = 9;
const OFFSET_FETCH_STABLE_VERSION = 7;

/** Kafka error codes that mean "ask again" for this request. */
export const RETRIABLE_OFFSET_FETCH_ERRORS: ReadonlyMap<number, string> = new Map([
  [14, 'COORDINATOR_LOAD_IN_PROGRESS'],
  [15, 'COORDINATOR_NOT_AVAILABLE'],
  [16, 'NOT_COORDINATOR'],
  [88, 'UNSTABLE_OFFSET_COMMIT'],
]);

export interface PartitionOffset {
  readonly partition: number;
  /** Decimal; -1 when the group has no committed offset for the partition (a string: kafkajs may log it). */
  readonly offset: string;
  readonly errorCode: number;
}

export interface OffsetFetchResult {
  readonly errorCode: number;
  readonly partitions: readonly PartitionOffset[];
}

function uvarint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value >>> 0;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

function compactString(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([uvarint(bytes.length + 1), bytes]);
}

function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}

const NO_TAGGED_FIELDS = Buffer.from([0]);

/**
 * The request body after kafkajs' v1 request header (api key, version,
 * correlation id, client id). It starts with the header's empty tagged-field
 * section, which turns that header into the v2 header of flexible versions.
 */
export function encodeStableOffsetFetch(
  groupId: string,
  topic: string,
  partitions: readonly number[],
): Buffer {
  return Buffer.concat([
    NO_TAGGED_FIELDS, // request header v2
    compactString(groupId),
    uvarint(2), // one topic
    compactString(topic),
    uvarint(partitions.length + 1),
    ...partitions.map(int32),
    NO_TAGGED_FIELDS, // topic
    Buffer.from([1]), // require_stable
    NO_TAGGED_FIELDS, // request
  ]);
}

class Reader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}

  private need(bytes: number): void {
    if (this.offset + bytes > this.buffer.length)
      throw new Error(`OffsetFetch response truncated at byte ${this.offset}`);
  }
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1);
      const byte = this.buffer[this.offset++] ?? 0;
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value >>> 0;
    }
    throw new Error('OffsetFetch response has an over-long varint');
  }
  int16(): number {
    this.need(2);
    const v = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  int64(): string {
    this.need(8);
    const v = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return v.toString();
  }
  skip(bytes: number): void {
    this.need(bytes);
    this.offset += bytes;
  }
  /** COMPACT_(NULLABLE_)STRING */
  compactString(): string | null {
    const length = this.uvarint();
    if (length === 0) return null;
    this.need(length - 1);
    const value = this.buffer.toString('utf8', this.offset, this.offset + length - 1);
    this.offset += length - 1;
    return value;
  }
  taggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint(); // tag
      this.skip(this.uvarint());
    }
  }
  array<T>(read: () => T): T[] {
    const length = this.uvarint();
    const out: T[] = [];
    for (let i = 1; i < length; i++) out.push(read());
    return out;
  }
}

/** Decodes the response body after the correlation id (header v1 tagged fields first). */
export function decodeStableOffsetFetch(body: Buffer, topic: string): OffsetFetchResult {
  const r = new Reader(body);
  r.taggedFields(); // response header v1
  r.int32(); // throttle_time_ms
  const partitions: PartitionOffset[] = [];
  r.array(() => {
    const name = r.compactString();
    r.array(() => {
      const partition = r.int32();
      const offset = r.int64();
      r.int32(); // committed_leader_epoch
      r.compactString(); // metadata
      const errorCode = r.int16();
      r.taggedFields();
      if (name === topic) partitions.push({ partition, offset, errorCode });
    });
    r.taggedFields();
  });
  const errorCode = r.int16();
  r.taggedFields();
  return { errorCode, partitions };
}

/** What kafkajs' broker connection pool takes (its private request protocol). */
interface ProtocolRequest {
  readonly request: {
    readonly apiKey: number;
    readonly apiVersion: number;
    readonly apiName: string;
    encode(): Promise<unknown>;
  };
  readonly response: {
    decode(raw: Buffer): Promise<OffsetFetchResult>;
    parse(decoded: OffsetFetchResult): Promise<OffsetFetchResult>;
  };
}

interface ClusterLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(args: { groupId: string }): Promise<{
    connectionPool: { send(request: ProtocolRequest): Promise<OffsetFetchResult> };
  }>;
}

/**
 * kafkajs' Encoder: connection.send writes `encode()`'s result with
 * writeEncoder, which only takes its own Encoder class.
 */
interface KafkajsEncoder {
  writeBuffer(value: Buffer): KafkajsEncoder;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs exports no types for its protocol encoder
const KafkajsEncoderClass = require('kafkajs/src/protocol/encoder') as new () => KafkajsEncoder;

function clusterOf(kafka: Kafka): ClusterLike {
  const key = Object.getOwnPropertySymbols(kafka).find(
    (s) => s.description === 'private:Kafka:createCluster',
  );
  const create = key ? (kafka as unknown as Record<symbol, unknown>)[key] : undefined;
  if (typeof create !== 'function')
    throw new Error('this kafkajs version does not expose its cluster factory');
  return (create as (options: object) => ClusterLike)({});
}

export class OffsetFetchError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface StableOffsetFetchOptions {
  /** Give up after this long (an open transaction can stay pending until its timeout). */
  readonly timeoutMs?: number;
  readonly retryMs?: number;
}

/**
 * The group's committed offset of one partition, waiting while a transactional
 * commit for it is still pending (UNSTABLE_OFFSET_COMMIT); -1 when none.
 */
export async function fetchStableOffset(
  kafka: Kafka,
  groupId: string,
  topic: string,
  partition: number,
  options: StableOffsetFetchOptions = {},
): Promise<bigint> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const retryMs = options.retryMs ?? 20;
  const cluster = clusterOf(kafka);
  await cluster.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      let reason: string;
      try {
        const coordinator = await cluster.findGroupCoordinator({ groupId });
        const result = await coordinator.connectionPool.send({
          request: {
            apiKey: OFFSET_FETCH,
            apiVersion: OFFSET_FETCH_STABLE_VERSION,
            apiName: 'OffsetFetch',
            encode: () =>
              Promise.resolve(
                new KafkajsEncoderClass().writeBuffer(
                  encodeStableOffsetFetch(groupId, topic, [partition]),
                ),
              ),
          },
          response: {
            decode: (raw) => Promise.resolve(decodeStableOffsetFetch(raw, topic)),
            parse: (decoded) => Promise.resolve(decoded),
          },
        });
        const entry = result.partitions.find((p) => p.partition === partition);
        const code = result.errorCode !== 0 ? result.errorCode : (entry?.errorCode ?? 0);
        if (code === 0) {
          if (!entry)
            throw new OffsetFetchError('offsets.missing', `no entry for ${topic}:${partition}`);
          const offset = BigInt(entry.offset);
          return offset < 0n ? -1n : offset;
        }
        const retriable = RETRIABLE_OFFSET_FETCH_ERRORS.get(code);
        if (!retriable)
          throw new OffsetFetchError(
            'offsets.fetch-failed',
            `OffsetFetch for ${groupId} ${topic}:${partition} failed with error code ${code}`,
          );
        reason = retriable;
      } catch (error) {
        if (error instanceof OffsetFetchError) throw error;
        reason = error instanceof Error ? error.message : String(error);
      }
      if (Date.now() > deadline)
        throw new OffsetFetchError(
          'offsets.unstable',
          `committed offset of ${topic}:${partition} not stable after ${attempt + 1} attempts: ${reason}`,
        );
      await new Promise((r) => setTimeout(r, Math.min(retryMs * 2 ** Math.min(attempt, 6), 1000)));
    }
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
}
