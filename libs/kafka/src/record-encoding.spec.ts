/**
 * kafkajs' produce-side encoding as patched (patches/kafkajs+2.2.4.patch):
 * CRC-32C by slicing-by-8, encoders without zero-filled buffers, records
 * encoded into exactly sized buffers. The broker checks every batch's CRC in
 * the integration tests; these hold the pieces to their definitions.
 */
import { randomBytes } from 'node:crypto';

type Crc = (buffer: Buffer) => number;
interface RecordInput {
  offsetDelta?: number;
  timestampDelta?: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, string>;
}
interface EncoderLike {
  readonly buffer: Buffer;
  readonly buf: Buffer;
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
  it('computes CRC-32C: the RFC 3720 check value and random buffers of every length mod 8', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32C(Buffer.alloc(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    expect(crc32C(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43); // 32 bytes of ones
    expect(crc32C(Buffer.alloc(0))).toBe(0);
    for (let length = 1; length < 300; length += 1) {
      const buffer = randomBytes(length);
      expect(crc32C(buffer)).toBe(crc32cByBits(buffer));
    }
    const large = randomBytes(100_003);
    expect(crc32C(large)).toBe(crc32cByBits(large));
  });

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

/** Bytes of the zig-zag varint length prefix at the start of an encoded record. */
function varIntSize(buffer: Buffer): number {
  let i = 0;
  while ((buffer[i] ?? 0) & 0x80) i++;
  return i + 1;
}
