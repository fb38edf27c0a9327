/**
 * kafkajs' read_committed filter as patched (patches/kafkajs+2.2.4.patch): the
 * broker lists aborted transactions by abort marker, and a fetch can start
 * inside several of them. test/integration/aborted-transactions.test.ts shows
 * the same against the real broker.
 */
interface FilterMessage {
  offset: string;
  key: Buffer | null;
  value: string;
  batchContext: { producerId: string; inTransaction: boolean };
}
type Filter = (args: {
  messages: FilterMessage[];
  abortedTransactions: { producerId: string; firstOffset: string }[];
}) => FilterMessage[];
// eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs exports no types for its consumer internals
const filterAbortedMessages = require('kafkajs/src/consumer/filterAbortedMessages') as Filter;

const ABORT_MARKER = Buffer.from([0, 0, 0, 0]);
const record = (offset: number, producerId: string, value: string): FilterMessage => ({
  offset: String(offset),
  key: Buffer.from('k'),
  value,
  batchContext: { producerId, inTransaction: true },
});
const abortMarker = (offset: number, producerId: string): FilterMessage => ({
  offset: String(offset),
  key: ABORT_MARKER,
  value: 'marker',
  batchContext: { producerId, inTransaction: true },
});
const values = (messages: FilterMessage[]): string[] =>
  messages.filter((m) => m.value !== 'marker').map((m) => m.value);

describe('read_committed filter of aborted transactions (patched kafkajs)', () => {
  it('drops every record of overlapping aborted transactions listed by abort marker', () => {
    const messages = [
      record(0, 'A', 'aborted-a-1'),
      record(1, 'B', 'aborted-b-1'),
      abortMarker(2, 'B'),
      record(3, 'C', 'committed-1'),
      record(4, 'A', 'aborted-a-2'),
      abortMarker(5, 'A'),
      record(6, 'A', 'committed-a'),
    ];
    // B's abort marker comes first, so the broker lists B first.
    const kept = filterAbortedMessages({
      messages,
      abortedTransactions: [
        { producerId: 'B', firstOffset: '1' },
        { producerId: 'A', firstOffset: '0' },
      ],
    });
    expect(values(kept)).toEqual(['committed-1', 'committed-a']);
  });

  it('drops both producers from the first record when a fetch starts inside both transactions', () => {
    const messages = [
      record(100, 'B', 'aborted-b'),
      record(101, 'A', 'aborted-a'),
      record(102, 'C', 'committed'),
      abortMarker(103, 'A'),
      abortMarker(104, 'B'),
    ];
    const kept = filterAbortedMessages({
      messages,
      abortedTransactions: [
        { producerId: 'A', firstOffset: '50' },
        { producerId: 'B', firstOffset: '60' },
      ],
    });
    expect(values(kept)).toEqual(['committed']);
  });

  it('keeps a producer transaction that commits after its aborted one', () => {
    const messages = [record(0, 'A', 'aborted'), abortMarker(1, 'A'), record(2, 'A', 'committed')];
    expect(
      values(
        filterAbortedMessages({
          messages,
          abortedTransactions: [{ producerId: 'A', firstOffset: '0' }],
        }),
      ),
    ).toEqual(['committed']);
  });
});
