/**
 * Feed entries in PostgreSQL's binary COPY format: a large batch of deliveries
 * streamed to the server in chunks of ~64 KiB, instead of one statement whose
 * bytea parameter holds the whole batch. The server copies such a parameter
 * several times into freshly allocated memory (receiving the message, the
 * parameter, the plan's constant), which cost it more than inserting the rows;
 * COPY reads the chunks into one reused buffer and parses a row at a time.
 *
 * Format (PostgreSQL documentation, "COPY", binary format): the signature
 * `PGCOPY\n\377\r\n\0`, a 32-bit flags field and a 32-bit header extension
 * length (both 0); per row a 16-bit field count, then each field as a 32-bit
 * length and its bytes in the type's binary form; a 16-bit -1 at the end.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** One feed entry as the projector writes it. */
export interface FeedEntryCopyRow {
  readonly agencyId: string;
  readonly messageId: string;
  /** The Kafka offset, a decimal string as kafkajs gives it. */
  readonly kafkaOffset: string;
  /** The delivery's Avro record as it arrived. */
  readonly record: Buffer;
}

export const FEED_ENTRY_COPY_COLUMNS = ['agency_id', 'message_id', 'kafka_offset', 'record'];

const SIGNATURE_AND_HEADER = Buffer.concat([
  Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'),
  Buffer.alloc(8), // flags, header extension length
]);
const TRAILER = Buffer.from([0xff, 0xff]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OFFSET = /^(0|[1-9][0-9]{0,18})$/;
const INT64_MAX = (1n << 63n) - 1n;

/** Kafka offsets (canonical decimal strings, as kafkajs gives them) in numeric order. */
export function compareOffsets(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

/** Default size of a chunk (one CopyData message). */
export const FEED_COPY_CHUNK_BYTES = 64 * 1024;

/**
 * The fields of one row before its record: field count, agency id (text, UTF-8),
 * message id (uuid, 16 bytes), offset (int8) and the record's length.
 */
function rowHead(row: FeedEntryCopyRow): Buffer {
  if (!UUID.test(row.messageId)) throw new Error(`feed entry: not a uuid: ${row.messageId}`);
  if (!OFFSET.test(row.kafkaOffset) || BigInt(row.kafkaOffset) > INT64_MAX) {
    throw new Error(`feed entry: not a Kafka offset: ${row.kafkaOffset}`);
  }
  const agency = Buffer.from(row.agencyId, 'utf8');
  const head = Buffer.allocUnsafe(2 + 4 + agency.length + 4 + 16 + 4 + 8 + 4);
  let at = head.writeInt16BE(4, 0);
  at = head.writeInt32BE(agency.length, at);
  at += agency.copy(head, at);
  at = head.writeInt32BE(16, at);
  at += head.write(row.messageId.replace(/-/g, ''), at, 'hex');
  at = head.writeInt32BE(8, at);
  at = head.writeBigInt64BE(BigInt(row.kafkaOffset), at);
  head.writeInt32BE(row.record.length, at);
  return head;
}

/**
 * The COPY data of `rows`, in their order, as chunks of about `chunkBytes`
 * (a chunk ends after the row that reaches the size), built as they are pulled.
 * A malformed message id or offset throws before its chunk is produced.
 */
export function* feedEntryCopyChunks(
  rows: Iterable<FeedEntryCopyRow>,
  chunkBytes: number = FEED_COPY_CHUNK_BYTES,
): Generator<Buffer> {
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1) {
    throw new Error(`feed entry: bad chunk size ${chunkBytes}`);
  }
  let parts: Buffer[] = [SIGNATURE_AND_HEADER];
  let size = SIGNATURE_AND_HEADER.length;
  for (const row of rows) {
    const head = rowHead(row);
    parts.push(head, row.record);
    size += head.length + row.record.length;
    if (size >= chunkBytes) {
      yield Buffer.concat(parts, size);
      parts = [];
      size = 0;
    }
  }
  parts.push(TRAILER);
  yield Buffer.concat(parts, size + TRAILER.length);
}

/**
 * COPY FROM STDIN (binary) of `rows` into feed_entry on `client`; returns the
 * server's row count. Fails as a whole (a unique violation included) with the
 * server's error: the caller decides what a duplicate means.
 */
export async function copyFeedEntries(
  client: PoolClient,
  rows: readonly FeedEntryCopyRow[],
): Promise<number> {
  const sink = client.query(
    copyFrom(`COPY feed_entry (${FEED_ENTRY_COPY_COLUMNS.join(', ')}) FROM STDIN (FORMAT binary)`),
  );
  await pipeline(Readable.from(feedEntryCopyChunks(rows), { objectMode: false }), sink);
  return sink.rowCount;
}
