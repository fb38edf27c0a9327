/**
 * A reused buffer avsc encodes into, grown to the largest record seen: one pass
 * per value (avsc's toBuffer encodes anything over 1 KiB twice, once to learn
 * its size) and no allocation per record. Encoders copy the result out
 * (record-slab.ts).
 */
import type { Type } from 'avsc';
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
