/**
 * Encoded records are cut from shared slabs: one allocation per 256 KiB of
 * output instead of one per record. A Buffer of its own per record (Buffer.from
 * of a scratch area) cost more than the Avro encoding itself for records of a
 * few KiB: Node allocates and zero-fills a backing store for anything over 4 KiB
 * and the garbage collector tracks each one. Like Node's own pool for small
 * buffers, a slice's `.buffer` is the whole slab; the slice itself shows only
 * its own bytes. Records larger than an eighth of a slab get their own buffer.
 */
const SLAB_BYTES = 256 * 1024;
const ALIGN = 8;

export class RecordSlab {
  private slab = Buffer.allocUnsafe(0);
  private used = 0;

  /** A copy of `source[0, length)`, in the current slab when it fits. */
  copyOut(source: Buffer, length: number): Buffer {
    const out = this.take(length);
    source.copy(out, 0, 0, length);
    return out;
  }

  /** `length` bytes of unspecified content, for the caller to fill completely. */
  take(length: number): Buffer {
    if (length > SLAB_BYTES / 8) return Buffer.allocUnsafeSlow(length);
    if (this.used + length > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.used = 0;
    }
    const out = this.slab.subarray(this.used, this.used + length);
    this.used += (length + ALIGN - 1) & ~(ALIGN - 1);
    return out;
  }
}
