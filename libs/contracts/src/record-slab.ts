/**
 * Encoded records are cut from shared slabs: one allocation per 256 KiB of
 * output instead of one per record. A Buffer of its own per record (Buffer.from
 * of a scratch area) cost more than the Avro encoding itself for records of a
 * few KiB: Node allocates and zero-fills a backing store for anything over 4 KiB
 * and the garbage collector tracks each one. Like Node's own pool for small
 * buffers, a slice's `.buffer` is the whole slab; the slice itself shows only
 * its own bytes. Records larger than an eighth of a slab get their own buffer.
 *
 * A slab given a `SlabPool` takes its slabs from the pool, and `release()` gives
 * them back once nothing reads their records any more (the policy worker: once
 * the slice's transaction committed). Released slabs are written over by the
 * next records, so nothing may hold a record of a released slab. Without the
 * release, slabs are garbage like any Buffer; but slabs outside V8's heap are
 * collected late (a full collection, which V8 starts once about 64 MB more is
 * held outside the heap than at the last one), so a worker encoding tens of MB
 * a second held that much more resident memory.
 */
const SLAB_BYTES = 256 * 1024;
const ALIGN = 8;

/** Free slabs, reused by the RecordSlabs that take from it; at most `maxSlabs` are kept. */
export class SlabPool {
  private readonly free: Buffer[] = [];

  constructor(private readonly maxSlabs = 64) {}

  /** Free slabs kept for reuse. */
  get size(): number {
    return this.free.length;
  }

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(SLAB_BYTES);
  }

  give(slabs: readonly Buffer[]): void {
    for (const slab of slabs) {
      if (this.free.length >= this.maxSlabs) return;
      this.free.push(slab);
    }
  }
}

export class RecordSlab {
  private slab: Buffer = Buffer.allocUnsafe(0);
  private used = 0;
  /** The pool's slabs this one took (only with a pool). */
  private readonly taken: Buffer[] = [];
  private released = false;

  constructor(private readonly pool?: SlabPool) {}

  /** A copy of `source[0, length)`, in the current slab when it fits. */
  copyOut(source: Buffer, length: number): Buffer {
    const out = this.take(length);
    source.copy(out, 0, 0, length);
    return out;
  }

  /** `length` bytes of unspecified content, for the caller to fill completely. */
  take(length: number): Buffer {
    if (this.released) throw new Error('RecordSlab: take after release');
    if (length > SLAB_BYTES / 8) return Buffer.allocUnsafeSlow(length);
    if (this.used + length > this.slab.length) {
      if (this.pool === undefined) this.slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      else {
        this.slab = this.pool.take();
        this.taken.push(this.slab);
      }
      this.used = 0;
    }
    const out = this.slab.subarray(this.used, this.used + length);
    this.used += (length + ALIGN - 1) & ~(ALIGN - 1);
    return out;
  }

  /**
   * Gives the pool's slabs back: every record taken from this slab may be
   * written over from now on. Idempotent; a slab without a pool has nothing to give.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.pool?.give(this.taken);
    this.taken.length = 0;
    this.slab = Buffer.allocUnsafe(0);
  }
}
