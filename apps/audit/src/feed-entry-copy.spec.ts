import { randomBytes, randomUUID } from 'node:crypto';
import { compareOffsets, feedEntryCopyChunks, type FeedEntryCopyRow } from './feed-entry-copy';

/** Reads PostgreSQL's binary COPY format back: an independent check of the writer. */
function parseCopy(data: Buffer): FeedEntryCopyRow[] {
  expect(data.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
  expect(data.readInt32BE(11)).toBe(0);
  expect(data.readInt32BE(15)).toBe(0);
  let at = 19;
  const rows: FeedEntryCopyRow[] = [];
  for (;;) {
    const fields = data.readInt16BE(at);
    at += 2;
    if (fields === -1) break;
    expect(fields).toBe(4);
    const field = (): Buffer => {
      const length = data.readInt32BE(at);
      at += 4;
      const value = data.subarray(at, at + length);
      at += length;
      return value;
    };
    const agency = field().toString('utf8');
    const uuid = field().toString('hex');
    const offset = field();
    expect(offset.length).toBe(8);
    rows.push({
      agencyId: agency,
      messageId: `${uuid.slice(0, 8)}-${uuid.slice(8, 12)}-${uuid.slice(12, 16)}-${uuid.slice(16, 20)}-${uuid.slice(20)}`,
      kafkaOffset: offset.readBigInt64BE(0).toString(),
      record: Buffer.from(field()),
    });
  }
  expect(at).toBe(data.length);
  return rows;
}

function row(i: number, size = 100 + i * 37): FeedEntryCopyRow {
  return {
    agencyId: i % 3 === 0 ? 'fr-police' : 'de-bka',
    messageId: randomUUID(),
    kafkaOffset: String(i * 1_000_003),
    record: randomBytes(size),
  };
}

describe('feedEntryCopyChunks', () => {
  it('writes rows that read back field for field, in order', () => {
    const rows = Array.from({ length: 40 }, (_, i) => row(i));
    const chunks = [...feedEntryCopyChunks(rows, 1024)];
    expect(chunks.length).toBeGreaterThan(5);
    expect(parseCopy(Buffer.concat(chunks))).toEqual(rows);
  });

  it('cuts the same bytes into chunks of about the size asked for', () => {
    const rows = Array.from({ length: 30 }, (_, i) => row(i, 500));
    const whole = Buffer.concat([...feedEntryCopyChunks(rows, 1 << 30)]);
    const chunks = [...feedEntryCopyChunks(rows, 2000)];
    expect(Buffer.concat(chunks)).toEqual(whole);
    // Every chunk but the last ends with the row that reached the size.
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.length).toBeGreaterThanOrEqual(2000);
      expect(chunk.length).toBeLessThan(2000 + 600);
    }
  });

  it('writes agency ids by their UTF-8 length, the largest offsets exactly, empty input as header and trailer', () => {
    const rows: FeedEntryCopyRow[] = [
      { ...row(1), agencyId: 'agence-été' },
      { ...row(2), kafkaOffset: '9223372036854775807' },
      { ...row(3), kafkaOffset: '0', record: Buffer.alloc(0) },
    ];
    expect(parseCopy(Buffer.concat([...feedEntryCopyChunks(rows)]))).toEqual(rows);
    expect(parseCopy(Buffer.concat([...feedEntryCopyChunks([])]))).toEqual([]);
  });

  it('refuses a message id that is not a uuid and an offset that is not an int8, by name', () => {
    const chunks = (r: FeedEntryCopyRow): Buffer[] => [...feedEntryCopyChunks([r])];
    expect(() => chunks({ ...row(1), messageId: 'not-a-uuid' })).toThrow('not a uuid: not-a-uuid');
    expect(() => chunks({ ...row(1), messageId: `${randomUUID()}0` })).toThrow('not a uuid');
    expect(() => chunks({ ...row(1), kafkaOffset: '-1' })).toThrow('not a Kafka offset: -1');
    expect(() => chunks({ ...row(1), kafkaOffset: '9223372036854775808' })).toThrow(
      'not a Kafka offset',
    );
    expect(() => chunks({ ...row(1), kafkaOffset: '007' })).toThrow('not a Kafka offset');
    expect(() => [...feedEntryCopyChunks([row(1)], 0)]).toThrow('bad chunk size 0');
  });

  it('builds chunks as they are pulled: a bad row late in the input stops only there', () => {
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => row(i, 300)),
      { ...row(99), messageId: 'x' },
    ];
    const it = feedEntryCopyChunks(rows, 1000);
    const first = it.next();
    expect(first.done).toBe(false);
    expect(() => [...it]).toThrow('not a uuid: x');
  });
});

describe('compareOffsets', () => {
  it('orders offsets by number, not by text', () => {
    const offsets = ['10', '9', '100', '0', '11', '9223372036854775807', '1'];
    expect([...offsets].sort(compareOffsets)).toEqual(
      [...offsets].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0)),
    );
    expect(compareOffsets('42', '42')).toBe(0);
  });
});
