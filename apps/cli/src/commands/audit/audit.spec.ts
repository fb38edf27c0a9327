/**
 * The pure parts of `liaison audit`: query building and its usage errors, CSV
 * quoting, output-path checks, and the offline verification of an export and
 * of one row's inclusion proof against hub-signed checkpoints.
 */
import {
  consistencyProof,
  createJwsSigner,
  generateAgencyKeys,
  inclusionProof,
  signCheckpoint,
  type Jwks,
} from '@liaison/crypto';
import {
  MerkleAccumulator,
  csvField,
  csvHeader,
  csvLine,
  ledgerLeafHash,
  ledgerLeafHashBytes,
  type LedgerRowView,
} from '@liaison/ledger';
import {
  UsageError,
  auditQuery,
  checkOutPath,
  justificationOf,
  pagePath,
  recordTable,
} from './audit-query';
import { refusalQuery } from './refusal-query';
import {
  checkpointJwsOf,
  exportedRecords,
  ledgerRowOf,
  trustCheckpointWith,
  verifyExport,
  verifyProofOffline,
  type ProofDocument,
} from './ledger-offline';

function record(seq: number, overrides: Partial<LedgerRowView> = {}): LedgerRowView {
  const base: LedgerRowView = {
    seq,
    leafHash: '',
    messageId: '0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a01',
    kind: 'ALERT',
    messageType: 'VICTIM_AT_RISK',
    caseRef: 'NL-2026-0042',
    direction: null,
    originator: { agency: 'nl-knp', jurisdiction: 'NL' },
    recipient: { agency: `agency-${seq}`, jurisdiction: 'DE' },
    decision: 'REDACTED',
    rules: ['NL-EU-01', 'builtin:minor-identity'],
    disclosedPaths: ['headline'],
    withheld: [{ path: 'subjects[0].identity', ruleId: 'builtin:minor-identity' }],
    policyVersion: 'v7',
    presentationDigest: 'sha256:00',
    custodial: false,
    decidedAt: new Date(Date.UTC(2026, 10, 1, 0, 0, seq)).toISOString(),
    recordedAt: null,
    releaseOf: null,
    ...overrides,
  };
  const withHash = { ...base, leafHash: ledgerLeafHash(ledgerRowOf({ ...base, leafHash: 'x' })) };
  return overrides.leafHash ? { ...withHash, leafHash: overrides.leafHash } : withHash;
}

const hubKeys = generateAgencyKeys('EdDSA');
const hubSigner = createJwsSigner({
  privateJwk: hubKeys.privateJwk,
  kid: hubKeys.kid,
  alg: 'EdDSA',
});
const hubJwks: Jwks = {
  keys: [{ ...hubKeys.publicJwk, kid: hubKeys.kid, alg: 'EdDSA', use: 'sig' }],
};

function ledger(n: number): LedgerRowView[] {
  return Array.from({ length: n }, (_, i) => record(i + 1));
}

function leaves(rows: readonly LedgerRowView[]): Buffer[] {
  return rows.map((r) => ledgerLeafHashBytes(ledgerRowOf(r)));
}

function checkpointOf(rows: readonly LedgerRowView[]): string {
  const root = MerkleAccumulator.fromLeafHashes(leaves(rows)).rootHex();
  return signCheckpoint({ treeSize: rows.length, rootHash: root }, hubSigner, Date.now);
}

describe('audit query options', () => {
  it('maps flags to the API parameters, leaving out defaults', () => {
    const q = auditQuery({
      caseRef: 'NL-1',
      direction: 'all',
      decision: 'DENIED',
      from: '2026-01-01',
    });
    expect(Object.fromEntries(q)).toEqual({
      caseRef: 'NL-1',
      decision: 'DENIED',
      from: '2026-01-01',
    });
    expect(pagePath(q, '0', 100)).toBe(
      '/v1/audit/records?caseRef=NL-1&from=2026-01-01&decision=DENIED&limit=100',
    );
    expect(pagePath(q, '42', 5)).toContain('cursor=42&limit=5');
    expect(auditQuery({ direction: 'sent' }).get('direction')).toBe('sent');
  });

  it('refuses bad values before any request, naming the flag', () => {
    expect(() => auditQuery({ direction: 'both' })).toThrow(/--direction/);
    expect(() => auditQuery({ decision: 'ok' })).toThrow(/--decision/);
    expect(() => auditQuery({ to: 'yesterday' })).toThrow(/--to/);
    expect(() => auditQuery({ from: '2026-02-31T00:00:00Z' })).not.toThrow(); // the hub decides
    expect(() => justificationOf(undefined)).toThrow(UsageError);
    expect(() => justificationOf('  ')).toThrow(/--justification/);
    expect(() => justificationOf('a\nb')).toThrow(/one line/);
    expect(justificationOf(' case review ')).toBe('case review');
    // `liaison justify <text>` takes an argument: the message names it, not an option.
    expect(() => justificationOf('', 'the justification text')).toThrow(
      /^the justification text: /,
    );
  });

  it('refuses output paths with NUL or control characters', () => {
    expect(() => checkOutPath('ledger\0.json')).toThrow(/NUL/);
    expect(() => checkOutPath('a\nb')).toThrow(UsageError);
    expect(() => checkOutPath('')).toThrow(/--out/);
    expect(checkOutPath('out/ledger.json')).toBe('out/ledger.json');
  });

  it('pages refusals like records, case steps among the stages', () => {
    const q = refusalQuery({ stage: 'case' });
    expect(q.get('stage')).toBe('case');
    expect(pagePath(q, '7', 50, 'refusals')).toBe(
      '/v1/audit/refusals?stage=case&cursor=7&limit=50',
    );
    expect(() => refusalQuery({ stage: 'kafka' })).toThrow(/--stage/);
  });
});

describe('CSV and table', () => {
  it('quotes per RFC 4180 and neutralises formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField(null)).toBe('');
    const line = csvLine(record(1));
    expect(line.endsWith('\r\n')).toBe(true);
    expect(line.split(',')[0]).toBe('1');
    expect(line).toContain('subjects[0].identity:builtin:minor-identity');
  });

  it('ends each line with the release it belongs to, empty for an ordinary delivery', () => {
    const columns = csvHeader().trimEnd().split(',');
    expect(columns.at(-1)).toBe('releaseOf');
    const releaseOf = '0b6f4c1e-2d0a-4e55-9a53-3f7f1d6b8c21';
    expect(csvLine(record(1, { releaseOf })).trimEnd().split(',').at(-1)).toBe(releaseOf);
    expect(csvLine(record(2)).trimEnd().split(',')).toHaveLength(columns.length);
    expect(csvLine(record(2)).trimEnd().split(',').at(-1)).toBe('');
  });

  it('renders one line per record', () => {
    const table = recordTable([record(1), record(2, { decision: 'DENIED', withheld: [] })]);
    expect(table.split('\n')).toHaveLength(3);
    expect(table).toMatch(/REDACTED -1/);
    expect(table).toMatch(/agency-2 \(DE\)\s+DENIED/);
  });
});

describe('offline verification of an export', () => {
  const rows = ledger(7);
  const jws = checkpointOf(rows);
  const trusted = trustCheckpointWith(jws, hubJwks);

  it('reads a checkpoint as bare JWS or as the hub JSON, and checks its signature', () => {
    expect(checkpointJwsOf(`${jws}\n`)).toBe(jws);
    expect(checkpointJwsOf(JSON.stringify({ treeSize: 7, jws }))).toBe(jws);
    expect(trusted.treeSize).toBe(7);
    const other = generateAgencyKeys('EdDSA');
    expect(() =>
      trustCheckpointWith(jws, { keys: [{ ...other.publicJwk, kid: hubKeys.kid }] }),
    ).toThrow(/signature/);
    expect(() => checkpointJwsOf('not a jws')).toThrow(/compact JWS/);
  });

  it('accepts the untouched ledger, also with rows after the checkpoint', () => {
    const text = JSON.stringify({ format: 'liaison-audit-export/1', records: rows });
    const report = verifyExport(exportedRecords(text), [trusted]);
    expect(report).toMatchObject({ valid: true, rows: 7, firstBadSeq: null });
    expect(report.checkpoints).toEqual([{ ...trusted, matches: true }]);
    expect(verifyExport([...rows, record(8)], [trusted]).valid).toBe(true);
  });

  it('names the first altered, missing or reordered seq', () => {
    const altered = rows.map((r) => (r.seq === 4 ? { ...r, decision: 'FULL' as const } : r));
    expect(verifyExport(altered, [trusted])).toMatchObject({ valid: false, firstBadSeq: 4 });
    // Altered AND re-hashed: only the signed root gives it away.
    const rehashed = rows.map((r) => (r.seq === 5 ? record(5, { decision: 'FULL' }) : r));
    const report = verifyExport(rehashed, [trusted]);
    expect(report.valid).toBe(false);
    expect(report.summary.join('\n')).toMatch(/checkpoint of 7 rows no longer matches/);
    const gap = rows.filter((r) => r.seq !== 3);
    expect(verifyExport(gap, [trusted])).toMatchObject({ valid: false, firstBadSeq: 3 });
    const swapped = [rows[0], rows[2], rows[1], ...rows.slice(3)] as LedgerRowView[];
    expect(verifyExport(swapped, [trusted]).firstBadSeq).toBe(2);
    expect(verifyExport(rows.slice(0, 5), [trusted])).toMatchObject({
      valid: false,
      firstBadSeq: 6,
    });
  });

  it('refuses an export without records', () => {
    expect(() => exportedRecords('{"rows":[]}')).toThrow(/records/);
    expect(exportedRecords(JSON.stringify(rows))).toHaveLength(7);
  });
});

describe('offline verification of one inclusion proof', () => {
  const rows = ledger(11);
  const savedJws = checkpointOf(rows.slice(0, 6));
  const saved = trustCheckpointWith(savedJws, hubJwks);
  const latestJws = checkpointOf(rows);
  const latest = trustCheckpointWith(latestJws, hubJwks);

  function proofFor(seq: number, size = 11): ProofDocument {
    const tree = leaves(rows.slice(0, size));
    const jws = size === 11 ? latestJws : checkpointOf(rows.slice(0, size));
    const cp = trustCheckpointWith(jws, hubJwks);
    return {
      seq,
      treeSize: size,
      leafHash: rows[seq - 1]!.leafHash,
      rootHash: cp.rootHash,
      checkpoint: { treeSize: size, rootHash: cp.rootHash, jws },
      proof: inclusionProof(tree, seq - 1).map((h) => h.toString('hex')),
    };
  }
  const consistency = consistencyProof(leaves(rows), 6).map((h) => h.toString('hex'));

  it('accepts a row proved against the saved checkpoint', () => {
    const report = verifyProofOffline({ record: rows[3]!, proof: proofFor(4, 6), saved, hubJwks });
    expect(report).toMatchObject({ valid: true, consistency: 'same-checkpoint' });
  });

  it('accepts a row proved against a newer checkpoint that extends the saved one', () => {
    const report = verifyProofOffline({
      record: rows[8]!,
      proof: proofFor(9),
      saved,
      hubJwks,
      consistencyProof: consistency,
    });
    expect(report).toMatchObject({ valid: true, consistency: 'verified', provedAgainst: latest });
  });

  it('refuses an altered row, a forged checkpoint and a broken consistency proof', () => {
    const altered = { ...rows[8]!, recipient: { agency: 'x-y', jurisdiction: 'DE' } };
    const bad = verifyProofOffline({
      record: altered,
      proof: proofFor(9),
      saved,
      hubJwks,
      consistencyProof: consistency,
    });
    expect(bad.valid).toBe(false);
    expect(bad.summary[0]).toMatch(/seq 9: not included/);

    const other = generateAgencyKeys('EdDSA');
    const forgedSigner = createJwsSigner({
      privateJwk: other.privateJwk,
      kid: hubKeys.kid,
      alg: 'EdDSA',
    });
    const proof = proofFor(9);
    const forged = {
      ...proof,
      checkpoint: {
        ...proof.checkpoint,
        jws: signCheckpoint({ treeSize: 11, rootHash: proof.rootHash }, forgedSigner, Date.now),
      },
    };
    expect(
      verifyProofOffline({
        record: rows[8]!,
        proof: forged,
        saved,
        hubJwks,
        consistencyProof: consistency,
      }).valid,
    ).toBe(false);

    const broken = verifyProofOffline({
      record: rows[8]!,
      proof: proofFor(9),
      saved,
      hubJwks,
      consistencyProof: consistency.slice(1),
    });
    expect(broken).toMatchObject({ valid: false, consistency: 'failed' });
  });
});
