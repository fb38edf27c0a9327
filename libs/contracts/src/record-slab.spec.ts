import { RecordSlab, SlabPool } from './record-slab';

const filled = (slab: RecordSlab, length: number, byte: number): Buffer =>
  slab.take(length).fill(byte);

describe('RecordSlab', () => {
  it('cuts records from one slab until it is full, each exactly its length', () => {
    const slab = new RecordSlab();
    const a = filled(slab, 1000, 1);
    const b = filled(slab, 3000, 2);
    expect([a.length, b.length]).toEqual([1000, 3000]);
    expect(a.buffer).toBe(b.buffer);
    expect(a.every((x) => x === 1) && b.every((x) => x === 2)).toBe(true);
  });

  it('gives a record larger than an eighth of a slab a buffer of its own', () => {
    const pool = new SlabPool();
    const slab = new RecordSlab(pool);
    const small = slab.take(100);
    const large = slab.take(64 * 1024);
    expect(large.buffer).not.toBe(small.buffer);
    slab.release();
    expect(pool.size).toBe(1);
  });

  it('never hands a slab that is not released to another', () => {
    const pool = new SlabPool();
    const first = new RecordSlab(pool);
    const a = filled(first, 4096, 7);
    const second = new RecordSlab(pool);
    const b = filled(second, 4096, 9);
    expect(b.buffer).not.toBe(a.buffer);
    expect(a.every((x) => x === 7)).toBe(true);
  });

  it('reuses a released slab: its records are written over by the next', () => {
    const pool = new SlabPool();
    const first = new RecordSlab(pool);
    const a = filled(first, 4096, 7);
    first.release();
    const next = new RecordSlab(pool);
    const b = filled(next, 4096, 9);
    expect(b.buffer).toBe(a.buffer);
    expect(a.every((x) => x === 9)).toBe(true);
  });

  it('refuses a record after release; a second release gives nothing twice', () => {
    const pool = new SlabPool();
    const slab = new RecordSlab(pool);
    slab.take(10);
    slab.release();
    slab.release();
    expect(pool.size).toBe(1);
    expect(() => slab.take(10)).toThrow('take after release');
  });

  it('keeps at most its limit of free slabs', () => {
    const pool = new SlabPool(2);
    const slab = new RecordSlab(pool);
    // Five slabs' worth of records (each a quarter of a slab).
    for (let i = 0; i < 20; i++) slab.take(30 * 1024);
    slab.release();
    expect(pool.size).toBe(2);
  });
});
