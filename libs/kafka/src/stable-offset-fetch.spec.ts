import { decodeStableOffsetFetch, encodeStableOffsetFetch } from './stable-offset-fetch';

/** A v7 response body as the broker writes it (after the correlation id). */
function responseBody(
  topics: { name: string; partitions: { p: number; offset: bigint; error: number }[] }[],
  errorCode = 0,
): Buffer {
  const parts: Buffer[] = [Buffer.from([0])]; // header tagged fields
  const i32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return b;
  };
  parts.push(i32(0)); // throttle
  parts.push(Buffer.from([topics.length + 1]));
  for (const t of topics) {
    parts.push(Buffer.from([t.name.length + 1]), Buffer.from(t.name));
    parts.push(Buffer.from([t.partitions.length + 1]));
    for (const p of t.partitions) {
      const offset = Buffer.alloc(8);
      offset.writeBigInt64BE(p.offset);
      const error = Buffer.alloc(2);
      error.writeInt16BE(p.error);
      parts.push(i32(p.p), offset, i32(-1), Buffer.from([1]), error, Buffer.from([0]));
    }
    parts.push(Buffer.from([0]));
  }
  const top = Buffer.alloc(2);
  top.writeInt16BE(errorCode);
  parts.push(top, Buffer.from([0]));
  return Buffer.concat(parts);
}

describe('stable OffsetFetch (v7, require_stable) codec', () => {
  it('encodes the flexible request with require_stable set', () => {
    const bytes = encodeStableOffsetFetch('g1', 'in', [3]);
    expect([...bytes]).toEqual([
      0, // header v2 tagged fields
      3,
      ...Buffer.from('g1'), // group id, compact
      2, // one topic
      3,
      ...Buffer.from('in'),
      2,
      0,
      0,
      0,
      3, // partitions [3]
      0, // topic tagged fields
      1, // require_stable
      0, // tagged fields
    ]);
  });

  it('encodes lengths over 127 as multi-byte varints', () => {
    const group = 'g'.repeat(200);
    const bytes = encodeStableOffsetFetch(group, 't', [0]);
    // 201 = 0xC9 → 0xC9 0x01
    expect([...bytes.subarray(1, 3)]).toEqual([0xc9, 0x01]);
    expect(bytes.subarray(3, 203).toString()).toBe(group);
  });

  it('decodes offsets and per-partition errors of the asked topic only', () => {
    const body = responseBody([
      { name: 'other', partitions: [{ p: 0, offset: 99n, error: 0 }] },
      {
        name: 'in',
        partitions: [
          { p: 0, offset: 42n, error: 0 },
          { p: 1, offset: -1n, error: 88 },
        ],
      },
    ]);
    expect(decodeStableOffsetFetch(body, 'in')).toEqual({
      errorCode: 0,
      partitions: [
        { partition: 0, offset: '42', errorCode: 0 },
        { partition: 1, offset: '-1', errorCode: 88 },
      ],
    });
  });

  it('reports a top-level error code', () => {
    expect(decodeStableOffsetFetch(responseBody([], 16), 'in').errorCode).toBe(16);
  });

  it('refuses a truncated response instead of reading past its end', () => {
    const body = responseBody([{ name: 'in', partitions: [{ p: 0, offset: 1n, error: 0 }] }]);
    expect(() => decodeStableOffsetFetch(body.subarray(0, body.length - 6), 'in')).toThrow(
      /truncated/,
    );
  });
});
