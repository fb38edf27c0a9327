/**
 * A reused buffer records are encoded into (by the compiled writers of
 * avro-writer.ts, which leave a few types to avsc), grown to the largest record
 * seen: one pass per value (avsc's toBuffer encodes anything over 1 KiB twice,
 * once to learn its size) and no allocation per record. Encoders copy the
 * result out (record-slab.ts).
 */
import type { Type } from 'avsc';
import { isDomainError } from '@liaison/errors';
import type { AvroWriter } from './avro-writer';
import { encodedTooLarge } from './errors';

export class EncodeScratch {
  buffer: Buffer;

  /** For records of `schema`, refused (`codec.too-large`) past `maxBytes`. */
  constructor(
    initialBytes: number,
    private readonly schema: string,
    private readonly maxBytes: number,
  ) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /**
   * Makes room for `bytes` more at `pos` (the bytes before `pos` kept), for a
   * writer that writes without avsc; past `maxBytes` is refused.
   */
  reserve(pos: number, bytes: number): void {
    const needed = pos + bytes;
    if (needed <= this.buffer.length) return;
    if (needed > this.maxBytes) throw encodedTooLarge(this.schema, needed, this.maxBytes);
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, needed));
    this.buffer.copy(grown, 0, 0, pos);
    this.buffer = grown;
  }

  /**
   * Writes `value` with a compiled writer (avro-writer.ts) at `pos` and returns
   * its end; a value the writer cannot write is refused with `invalid(its
   * error, value)`, an end past `maxBytes` with `codec.too-large`.
   */
  write(
    writer: AvroWriter,
    value: unknown,
    pos: number,
    invalid: (error: unknown, value: unknown) => Error,
  ): number {
    let end: number;
    try {
      end = writer(value, this, pos);
    } catch (error) {
      if (isDomainError(error)) throw error;
      throw invalid(error, value);
    }
    if (end > this.maxBytes) throw encodedTooLarge(this.schema, end, this.maxBytes);
    return end;
  }

  /**
   * Encodes `value` as `type` at `pos` and returns its end. Bytes before `pos`
   * are kept when the buffer grows; an end past `maxBytes` is refused; a value
   * the type cannot encode is refused with `invalid(avsc's error, value)`.
   */
  encode(
    type: Type,
    value: unknown,
    pos: number,
    invalid: (error: unknown, value: unknown) => Error,
  ): number {
    for (;;) {
      let end: number;
      try {
        end = type.encode(value, this.buffer, pos);
      } catch (error) {
        throw invalid(error, value);
      }
      if (end > this.maxBytes) throw encodedTooLarge(this.schema, end, this.maxBytes);
      if (end >= 0) return end;
      const needed = this.buffer.length - end;
      if (needed > this.maxBytes) throw encodedTooLarge(this.schema, needed, this.maxBytes);
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, needed));
      this.buffer.copy(grown, 0, 0, pos);
      this.buffer = grown;
    }
  }
}
