import {
  OfficerDirectory,
  createJwsSigner,
  generateAgencyKeys,
  newStatement,
  signOfficerStatement,
} from '@liaison/crypto';
import {
  STATEMENT_GENESIS_HASH,
  statementChainHash,
  verifyStatementLog,
  type StatementLogRow,
} from '@liaison/ledger';

const keys = generateAgencyKeys('EdDSA');
const signer = createJwsSigner({ privateJwk: keys.privateJwk, kid: keys.kid, alg: 'EdDSA' });
const enrolment = {
  agencyId: 'nl-knp',
  officerId: 'anna',
  kid: keys.kid,
  alg: 'EdDSA' as const,
  publicJwk: keys.publicJwk,
  roles: ['policy-author'],
  status: 'active' as const,
  enrolledAt: 0,
};
const officers = new OfficerDirectory([enrolment]);
const recordedAt = new Date('2026-12-01T12:00:00Z');

function log(n: number): StatementLogRow[] {
  const rows: StatementLogRow[] = [];
  let prev = STATEMENT_GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const jti = `st-${seq}`;
    const jws = signOfficerStatement(
      newStatement({
        iss: 'nl-knp',
        sub: 'anna',
        act: 'policy.draft',
        subject: 'policy:NL',
        claims: { documentDigest: String(seq) },
        jti,
        now: () => recordedAt.getTime(),
      }),
      signer,
    );
    const hash = statementChainHash(prev, seq, jws);
    rows.push({
      seq,
      agencyId: 'nl-knp',
      officerId: 'anna',
      kid: keys.kid,
      act: 'policy.draft',
      subject: 'policy:NL',
      jti,
      jws,
      prevHash: prev,
      hash,
      recordedAt,
    });
    prev = hash;
  }
  return rows;
}

const kinds = (rows: StatementLogRow[], receipts = []) =>
  verifyStatementLog(rows, officers, receipts).findings.map((f) => `${f.kind}@${f.seq}`);

/** `text` with the character at `at` replaced by a different one. */
function changedChar(text: string, at: number): string {
  return `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
}

describe('officer statement log', () => {
  it('an untouched log verifies and its head is the last hash', () => {
    const rows = log(4);
    const report = verifyStatementLog(rows, officers, [{ seq: 2, hash: rows[1]!.hash }]);
    expect(report).toMatchObject({ ok: true, rows: 4, head: rows[3]!.hash, findings: [] });
  });

  const tampering: [string, (rows: StatementLogRow[]) => StatementLogRow[], string[]][] = [
    ['a row deleted', (r) => [r[0]!, r[2]!, r[3]!], ['seq-gap@3', 'chain-break@3']],
    [
      'two rows swapped',
      (r) => [r[0]!, r[2]!, r[1]!, r[3]!],
      expect.arrayContaining(['chain-break@3']) as never,
    ],
    [
      'a column rewritten (officer)',
      (r) => r.map((x) => (x.seq === 2 ? { ...x, officerId: 'bert' } : x)),
      ['columns-differ@2'],
    ],
    [
      'a statement replaced by another signed one, chain recomputed from there',
      (r) => {
        const other = log(1)[0]!;
        const replaced = {
          ...r[1]!,
          jws: other.jws,
          hash: statementChainHash(r[1]!.prevHash, 2, other.jws),
        };
        return [r[0]!, replaced, r[2]!, r[3]!];
      },
      ['columns-differ@2', 'chain-break@3'],
    ],
    [
      'a signature byte changed',
      // One signature character replaced by another (never by itself: "AA" at the
      // end was a no-op for one signature in 256), away from the last one's padding bits.
      (r) => r.map((x) => (x.seq === 3 ? { ...x, jws: changedChar(x.jws, x.jws.length - 10) } : x)),
      ['hash-mismatch@3', 'bad-signature@3'],
    ],
  ];

  it.each(tampering)('finds %s', (_name, change, expected) => {
    expect(kinds(change(log(4)))).toEqual(expected);
  });

  it('a receipt the officer kept exposes a log cut at the tail', () => {
    const rows = log(4);
    const receipt = { seq: 4, hash: rows[3]!.hash };
    expect(verifyStatementLog(rows.slice(0, 3), officers, [receipt]).findings).toEqual([
      { kind: 'receipt-missing', seq: 4, hash: receipt.hash },
    ]);
  });

  it('a statement recorded after its key was revoked is flagged', () => {
    const revoked = new OfficerDirectory([
      { ...enrolment, status: 'revoked', revokedAt: Math.floor(recordedAt.getTime() / 1000) - 60 },
    ]);
    expect(verifyStatementLog(log(1), revoked).findings).toEqual([
      { kind: 'after-revocation', seq: 1 },
    ]);
  });
});
