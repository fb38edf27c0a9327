/**
 * kafkajs' produce-side encoding as patched (patches/kafkajs+2.2.4.patch):
 * CRC-32C by @node-rs/crc32 (kafkajs' own loop where its binary does not
 * load), over a batch's parts; encoders without zero-filled buffers, records
 * encoded into exactly sized buffers. The broker checks every batch's CRC in
 * the integration tests; these hold the pieces to their definitions.
 */
import { randomBytes } from 'node:crypto';

type Crc = ((buffer: Buffer) => number) & {
  ofParts(parts: readonly Buffer[]): number;
};
interface RecordInput {
  offsetDelta?: number;
  timestampDelta?: number;
  key: Buffer | string | null;
  value: Buffer | string | readonly Buffer[] | null;
  headers?: Record<string, string>;
}
interface EncoderLike {
  readonly buffer: Buffer;
  readonly buf: Buffer;
  bufferParts(): Buffer[];
  size(): number;
}
interface DecodedRecord {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  headers: Record<string, Buffer>;
}
interface DecoderLike {
  readVarInt(): number;
}
/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs exports no types for its protocol internals */
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C') as Crc;
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (
  r: RecordInput,
) => EncoderLike;
const RecordDecoder = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (
  decoder: unknown,
  batchContext: unknown,
) => DecodedRecord;
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => DecoderLike;
const Encoder = require('kafkajs/src/protocol/encoder') as { referenceMinBytes: number };
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (args: Record<string, unknown>) => Promise<EncoderLike>;
};
const produceRequest = require('kafkajs/src/protocol/requests/produce/v3/request') as (
  args: Record<string, unknown>,
) => unknown;
const frameRequest = require('kafkajs/src/protocol/request') as (args: {
  correlationId: number;
  clientId: string;
  request: unknown;
}) => Promise<EncoderLike>;
/* eslint-enable @typescript-eslint/no-require-imports */

/** CRC-32C (Castagnoli, reflected 0x82F63B78) one bit at a time: the definition. */
function crc32cByBits(buffer: Buffer): number {
  let crc = ~0;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0x82f63b78 ^ (crc >>> 1) : crc >>> 1;
  }
  return ~crc >>> 0;
}

describe('kafkajs record encoding (patched)', () => {
  it('encodes a record into exactly its own size, and it decodes back', () => {
    for (const size of [0, 1, 127, 128, 4_000, 5_000, 70_000]) {
      const value = randomBytes(size);
      const encoder = Record({
        offsetDelta: 3,
        timestampDelta: 1_000,
        key: 'message-key',
        value,
        headers: { 'x-reason-code': 'codec.truncated' },
      });
      const encoded = encoder.buffer;
      // No spare room: the encoder's buffer is the record, which is its length
      // prefix and that many bytes.
      expect(encoder.buf.length).toBe(encoded.length);
      expect(new Decoder(encoded).readVarInt()).toBe(encoded.length - varIntSize(encoded));
      const decoded = RecordDecoder(new Decoder(encoded.subarray(varIntSize(encoded))), {
        firstOffset: '10',
        firstTimestamp: '0',
        magicByte: 2,
        isControlBatch: false,
        isTransactionalBatch: false,
      });
      expect(decoded.key?.toString()).toBe('message-key');
      expect(decoded.value?.equals(value)).toBe(true);
      expect(decoded.offset).toBe('13');
      expect(decoded.headers['x-reason-code']?.toString()).toBe('codec.truncated');
    }
  });
});

/** CRC-32C as both of its implementations compute it: the native binary, and the loop without it. */
function crcImplementations(): [string, Crc][] {
  let bytewise: Crc | undefined;
  jest.isolateModules(() => {
    jest.doMock('@node-rs/crc32', () => {
      throw new Error('no binary for this platform');
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs exports no types for its protocol internals
    bytewise = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C') as Crc;
  });
  jest.dontMock('@node-rs/crc32');
  return [
    ['@node-rs/crc32', crc32C],
    ['without its binary', bytewise as Crc],
  ];
}

describe.each(crcImplementations())('CRC-32C (patched), %s', (_label, crc) => {
  it('gives the RFC 3720 check values and the definition on every length', () => {
    expect(crc(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc(Buffer.alloc(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    expect(crc(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43); // 32 bytes of ones
    expect(crc(Buffer.alloc(0))).toBe(0);
    for (let length = 1; length < 300; length += 1) {
      const buffer = randomBytes(length);
      expect(crc(buffer)).toBe(crc32cByBits(buffer));
    }
    const large = randomBytes(100_003);
    expect(crc(large)).toBe(crc32cByBits(large));
  });

  it('checksums parts as the joined bytes, views into a larger buffer included', () => {
    const slab = randomBytes(64 * 1024);
    for (let t = 0; t < 50; t++) {
      const parts: Buffer[] = [];
      for (let i = 0; i < 1 + (t % 7); i++) {
        const from = (t * 977 + i * 131) % 60_000;
        parts.push(randomBytes((t * 53 + i * 29) % 900), slab.subarray(from, from + 4_500));
      }
      expect(crc.ofParts(parts)).toBe(crc32cByBits(Buffer.concat(parts)));
    }
    expect(crc.ofParts([])).toBe(0);
  });
});

describe('kafkajs record values in parts (patched)', () => {
  it('encodes a value given as parts exactly as the joined value, small and large parts alike', () => {
    for (let t = 0; t < 200; t++) {
      const parts = Array.from({ length: 1 + (t % 6) }, (_, i) =>
        randomBytes((t * 37 + i * 911) % 5_000),
      );
      const record = (value: RecordInput['value']): Buffer =>
        Record({
          offsetDelta: t % 9,
          timestampDelta: t,
          key: `k${t}`,
          value,
          headers: t % 2 ? { h: 'v' } : {},
        }).buffer;
      expect(record(parts).equals(record(Buffer.concat(parts)))).toBe(true);
    }
  });
});

describe('kafkajs produce requests (patched: large parts referenced, joined once)', () => {
  const noHeaders: Record<string, string> = {};
  const messages = (
    n: number,
  ): { key: string; value: Buffer; headers: Record<string, string>; timestamp: number }[] =>
    Array.from({ length: n }, (_, i) => ({
      key: `k${i}`,
      value: randomBytes((i * 1_777) % 9_000),
      headers: i % 2 ? { 'x-reason-code': 'r' } : noHeaders,
      timestamp: 1_000 + i,
    }));
  const frameWith = async (referenceMinBytes: number, topicData: unknown) => {
    const before = Encoder.referenceMinBytes;
    Encoder.referenceMinBytes = referenceMinBytes;
    try {
      return await frameRequest({
        correlationId: 7,
        clientId: 'liaison-test',
        request: produceRequest({ acks: -1, timeout: 3_000, transactionalId: 'tx-1', topicData }),
      });
    } finally {
      Encoder.referenceMinBytes = before;
    }
  };
  const encodeWith = async (referenceMinBytes: number, topicData: unknown): Promise<Buffer> =>
    Buffer.from((await frameWith(referenceMinBytes, topicData)).buffer);

  it('writes the same bytes as copying every part, for any mix of record sizes', async () => {
    const all = messages(60);
    const topicData = [
      {
        topic: 'hub.feed.de-bka.v1',
        partitions: [
          { partition: 0, firstSequence: 0, messages: all },
          { partition: 1, firstSequence: 5, messages: all.slice(0, 3) },
        ],
      },
      {
        topic: 'hub.decisions.v1',
        partitions: [{ partition: 2, firstSequence: 9, messages: all.slice(7) }],
      },
    ];
    const copied = await encodeWith(Number.POSITIVE_INFINITY, topicData);
    for (const min of [1, 64, 1_024]) {
      expect((await encodeWith(min, topicData)).equals(copied)).toBe(true);
    }
  });

  it('writes the same bytes when records share a buffer across batches and topics', async () => {
    const shared = randomBytes(4_800);
    const delivery = (i: number) => ({
      key: `m${i}`,
      value: [randomBytes(40 + (i % 5)), shared, randomBytes(900)],
      headers: noHeaders,
      timestamp: 2_000 + i,
    });
    const perAgency = Array.from({ length: 12 }, (_, i) => delivery(i));
    const topicData = ['hub.feed.de-bka.v1', 'hub.feed.nl-knp.v1', 'hub.feed.fr-ocrteh.v1'].map(
      (topic, t) => ({
        topic,
        partitions: [{ partition: 0, firstSequence: t, messages: perAgency.slice(t) }],
      }),
    );
    const copied = await encodeWith(Number.POSITIVE_INFINITY, topicData);
    expect((await encodeWith(1_024, topicData)).equals(copied)).toBe(true);

    // What the connection writes: the request's parts as they are. Joined, they
    // are the same bytes; the shared buffer is in them by reference, once per
    // record; a record's small bytes were copied once, into its own encoder, and
    // its encoder's parts adopted by every level above.
    const framed = await frameWith(1_024, topicData);
    const parts = framed.bufferParts();
    expect(Buffer.concat(parts).equals(copied)).toBe(true);
    const records = topicData.reduce((n, t) => n + (t.partitions[0]?.messages.length ?? 0), 0);
    expect(
      parts.filter((p) => p.buffer === shared.buffer && p.length === shared.length),
    ).toHaveLength(records);
    // Three per record: its head with the small first part, the shared buffer, the
    // rest. Fewer would mean small parts copied again and joined above the record.
    expect(parts.length).toBeGreaterThanOrEqual(3 * records);
    expect(parts.length).toBeLessThanOrEqual(3 * records + 8 * topicData.length + 4);
    expect(framed.size()).toBe(copied.length);
  });

  it('checksums a batch over its referenced parts as over the joined body', async () => {
    const records = messages(40).map((m, i) =>
      Record({ offsetDelta: i, timestampDelta: i, key: m.key, value: m.value, headers: m.headers }),
    );
    const batch = (
      await RecordBatch({
        records,
        firstTimestamp: 1_000,
        maxTimestamp: 1_039,
        lastOffsetDelta: 39,
        transactional: true,
      })
    ).buffer;
    // firstOffset int64, length int32, partitionLeaderEpoch int32, magic int8, crc uint32, body
    expect(batch.readInt32BE(8)).toBe(batch.length - 12);
    expect(batch.readUInt32BE(17)).toBe(crc32cByBits(batch.subarray(21)));
  });
});

/** Bytes of the zig-zag varint length prefix at the start of an encoded record. */
function varIntSize(buffer: Buffer): number {
  let i = 0;
  while ((buffer[i] ?? 0) & 0x80) i++;
  return i + 1;
}
