import { SHARE_LEDGER_WRITTEN_COLUMNS as LEDGER_COLUMNS } from '@liaison/ledger';
import {
  copyText,
  DELIVERY_CONTENT_COLUMNS,
  deliveryContentCopyText,
  ledgerCopyChunks,
  ledgerCopyText,
} from './ledger-copy';
import type { NewLedgerRow } from './decision-records';

/** COPY text format, read back: the inverse of copyText for one field. */
function unescape(field: string): string | null {
  if (field === '\\N') return null;
  return field.replace(/\\(.)/g, (_, c: string) =>
    c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c,
  );
}

const row = (seq: number, caseRef: string | null, policyVersion: string): NewLedgerRow => ({
  seq,
  leafHash: 'ab'.repeat(32),
  fields: {
    messageId: '5b0c2f4e-8a51-4c3e-9d7a-2f1e6b8c4a01',
    kind: 'ALERT',
    messageType: 'VICTIM_AT_RISK',
    caseRef,
    originatorAgency: 'nl-knp',
    originatorJurisdiction: 'NL',
    recipientAgency: 'de-bka',
    recipientJurisdiction: 'DE',
    decision: 'REDACTED',
    rules: ['NL-DE-01'],
    disclosedPaths: ['headline', 'subjects[0]'],
    withheld: [{ path: 'subjects[0].identity', ruleId: 'NL-DE-01' }],
    policyVersion,
    presentationDigest: 'digest',
    custodial: false,
    decidedAt: '2026-11-23T08:00:00.000Z',
  },
});

describe('COPY text of ledger rows', () => {
  it('escapes backslash, tab, CR and LF, and writes null as \\N', () => {
    expect(copyText(null)).toBe('\\N');
    expect(copyText(true)).toBe('t');
    expect(copyText(false)).toBe('f');
    expect(copyText(42)).toBe('42');
    expect(copyText(['a\tb'])).toBe('["a\\\\tb"]');
    expect(copyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyText('\\N')).toBe('\\\\N');
  });

  it('writes one line per row with every column, and reads back to the same values', () => {
    const hostile = 'v1\twith\ttabs\nand a \\N newline';
    const text = ledgerCopyText([row(1, null, hostile), row(2, 'NL-2025-0142', 'v2')]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const first = (lines[0] ?? '').split('\t');
    expect(first).toHaveLength(LEDGER_COLUMNS.length);
    const value = (column: (typeof LEDGER_COLUMNS)[number]): string | null =>
      unescape(first[LEDGER_COLUMNS.indexOf(column)] ?? '');
    expect(value('seq')).toBe('1');
    expect(value('case_ref')).toBeNull();
    expect(value('policy_version')).toBe(hostile);
    expect(JSON.parse(value('withheld') ?? '')).toEqual([
      { path: 'subjects[0].identity', ruleId: 'NL-DE-01' },
    ]);
    expect(value('custodial')).toBe('f');
    expect(unescape((lines[1] ?? '').split('\t')[5] ?? '')).toBe('NL-2025-0142');
  });
});

describe('COPY chunks of ledger rows', () => {
  const rows = Array.from({ length: 7 }, (_, i) => row(i + 1, null, `v${i}`));

  it('are the COPY text of the rows, in order, at most the given rows each', () => {
    const chunks = [...ledgerCopyChunks(rows, 3)];
    expect(chunks.map((c) => c.split('\n').length - 1)).toEqual([3, 3, 1]);
    expect(chunks.join('')).toBe(ledgerCopyText(rows));
    expect([...ledgerCopyChunks(rows, 7)]).toEqual([ledgerCopyText(rows)]);
    expect([...ledgerCopyChunks([], 3)]).toEqual([]);
  });

  it('pull the rows one chunk at a time', () => {
    let pulled = 0;
    const source = function* () {
      for (const r of rows) {
        pulled += 1;
        yield r;
      }
    };
    const chunks = ledgerCopyChunks(source(), 3);
    expect(pulled).toBe(0);
    chunks.next();
    expect(pulled).toBe(3);
    chunks.next();
    expect(pulled).toBe(6);
  });

  it('refuse a chunk size that is not a positive integer', () => {
    for (const size of [0, -1, 1.5, Number.NaN]) {
      expect(() => [...ledgerCopyChunks(rows, size)]).toThrow(/positive integer/);
    }
  });
});

describe('COPY text of delivery content', () => {
  const draft = {
    messageId: '5b0c2f4e-8a51-4c3e-9d7a-2f1e6b8c4a01',
    recipientAgency: 'de-bka',
    disclosureIndices: [0, 3, 12],
    retainUntil: '2027-01-01T00:00:00.000Z',
    digestMatches: true,
  };

  it('writes one line per presentation in column order, its indices as an int[]', () => {
    const text = deliveryContentCopyText([draft, { ...draft, disclosureIndices: [] }]);
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    const fields = (lines[0] ?? '').split('\t').map(unescape);
    expect(fields).toEqual([
      '5b0c2f4e-8a51-4c3e-9d7a-2f1e6b8c4a01',
      'de-bka',
      '{0,3,12}',
      '2027-01-01T00:00:00.000Z',
    ]);
    expect(fields).toHaveLength(DELIVERY_CONTENT_COLUMNS.length);
    expect((lines[1] ?? '').split('\t')[2]).toBe('{}');
  });

  it('refuses an index that is not an integer rather than write it', () => {
    expect(() => deliveryContentCopyText([{ ...draft, disclosureIndices: [1.5] }])).toThrow(
      /not an integer/,
    );
  });
});
