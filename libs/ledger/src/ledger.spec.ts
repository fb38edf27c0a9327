/**
 * The ledger core against the reference: the accumulator's root equals
 * rootOf() at every size, the leaf form is pinned by a fixed vector, the
 * verification report names the seq of each kind of tampering, and the claims
 * reader agrees with the hub's SD-JWT verifier.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  KeyDirectory,
  consistencyProof,
  generateAgencyKeys,
  hashLeaf,
  inclusionProof,
  issueSdJwt,
  rootOf,
  verifySdJwt,
} from '@liaison/crypto';
import {
  canonicalLeafJson,
  ledgerLeafHashBytesAt,
  ledgerLeafTextAt,
  ledgerLeafData,
  ledgerLeafHash,
} from './leaf';
import type { LedgerDecision, LedgerRow } from './ledger-row';
import { checkCheckpointConsistency, checkRowInclusion, verifyLedger } from './ledger-verification';
import { MerkleAccumulator } from './merkle-accumulator';
import {
  presentationFromDisclosures,
  presentationFromToken,
  readSdJwtClaims,
} from './sd-jwt-claims';
import { shapeOfClaims } from '../../crypto/src/spec-support/fixtures';
import { craftDisclosure, digestOf } from '../../crypto/src/testing/sd-jwt-crafting';

/** A row without its stored hash: what the leaf hashes. */
type Leaf = Omit<LedgerRow, 'leafHash'>;

function leafAt(seq: number, overrides: Partial<Leaf> = {}): Leaf {
  return {
    seq,
    messageId: '0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a01',
    kind: 'ALERT',
    messageType: 'VICTIM_AT_RISK',
    caseRef: 'RO-DIICOT-2025-311',
    originatorAgency: 'ro-diicot',
    originatorJurisdiction: 'RO',
    recipientAgency: `agency-${seq}`,
    recipientJurisdiction: 'NL',
    decision: 'REDACTED',
    rules: ['eu-base', 'victim-guard'],
    disclosedPaths: ['narrative'],
    withheld: [{ path: 'subjects[0].identity', ruleId: 'victim-guard' }],
    policyVersion: 'p1',
    presentationDigest: 'abc',
    custodial: false,
    decidedAt: '2025-01-15T12:00:00.000Z',
    ...overrides,
  };
}

function rowAt(seq: number, overrides: Partial<Leaf> = {}): LedgerRow {
  const leaf = leafAt(seq, overrides);
  return { ...leaf, leafHash: ledgerLeafHash(leaf) };
}

const hex = (b: Buffer): string => b.toString('hex');

describe('ledger leaf', () => {
  it('has a pinned canonical form', () => {
    expect(ledgerLeafData(leafAt(1)).toString('utf8')).toBe(
      '{"caseRef":"RO-DIICOT-2025-311","custodial":false,"decidedAt":"2025-01-15T12:00:00.000Z",' +
        '"decision":"REDACTED","disclosedPaths":["narrative"],"kind":"ALERT",' +
        '"messageId":"0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a01","messageType":"VICTIM_AT_RISK",' +
        '"originatorAgency":"ro-diicot","originatorJurisdiction":"RO","policyVersion":"p1",' +
        '"presentationDigest":"abc","recipientAgency":"agency-1","recipientJurisdiction":"NL",' +
        '"rules":["eu-base","victim-guard"],"seq":1,"v":1,' +
        '"withheld":[{"path":"subjects[0].identity","ruleId":"victim-guard"}]}',
    );
    const expected = createHash('sha256')
      .update(Buffer.from([0]))
      .update(ledgerLeafData(leafAt(1)))
      .digest('hex');
    expect(ledgerLeafHash(leafAt(1))).toBe(expected);
  });

  it('gives a release row the v2 form with its consent request, and leaves v1 rows as they were', () => {
    const v1 = ledgerLeafData(leafAt(1)).toString('utf8');
    expect(ledgerLeafData(leafAt(1, { releaseOf: null })).toString('utf8')).toBe(v1);
    const release = ledgerLeafData(
      leafAt(1, { releaseOf: 'A1B2C3D4-0000-4000-8000-00000000000F' }),
    ).toString('utf8');
    expect(release).toBe(
      v1
        .replace(
          '"recipientJurisdiction":"NL",',
          '"recipientJurisdiction":"NL","releaseOf":"a1b2c3d4-0000-4000-8000-00000000000f",',
        )
        .replace('"v":1', '"v":2'),
    );
    expect(
      ledgerLeafHash(leafAt(1, { releaseOf: 'a1b2c3d4-0000-4000-8000-00000000000f' })),
    ).not.toBe(ledgerLeafHash(leafAt(1)));
  });

  // A leaf's members, as arbitraries: the message's own, and the recipient's.
  const text = fc.string({ unit: 'binary', maxLength: 24 });
  const messageMembers = {
    messageId: fc.uuid(),
    kind: text,
    messageType: text,
    caseRef: fc.option(text, { nil: null }),
    originatorAgency: text,
    originatorJurisdiction: text,
    policyVersion: text,
    custodial: fc.boolean(),
    decidedAt: fc.date({ min: new Date(0), max: new Date(2 ** 42), noInvalidDate: true }),
  };
  const recipientMembers = {
    recipientAgency: text,
    recipientJurisdiction: text,
    decision: fc.constantFrom<LedgerDecision>('FULL', 'REDACTED', 'DENIED'),
    rules: fc.array(text, { maxLength: 5 }),
    disclosedPaths: fc.array(text, { maxLength: 8 }),
    withheld: fc.array(fc.record({ path: text, ruleId: text }), { maxLength: 5 }),
    presentationDigest: fc.option(text, { nil: null }),
    releaseOf: fc.option(fc.uuid(), { nil: null }),
  };

  it('writes exactly canonicalJson of the leaf, on the fast path and off it', () => {
    const leaf = fc.record({
      seq: fc.integer({ min: 1, max: 2 ** 40 }),
      ...messageMembers,
      ...recipientMembers,
    });
    fc.assert(
      fc.property(leaf, (l: Leaf) => {
        const canonical = canonicalLeafJson(l);
        expect(ledgerLeafData(l).toString('utf8')).toBe(canonical);
        // The writer's form: the fields without seq, and the seq beside them.
        const { seq, ...fields } = l;
        expect(ledgerLeafTextAt(fields, seq)).toBe(canonical);
        expect(ledgerLeafHashBytesAt(fields, seq).toString('hex')).toBe(ledgerLeafHash(l));
      }),
      { numRuns: 300 },
    );
    // A sparse array is not a plain leaf: the general path refuses it rather than hash a hole.
    const holes: string[] = ['eu-base'];
    holes[2] = 'victim-guard';
    expect(() => ledgerLeafData({ ...leafAt(1), rules: holes })).toThrow(/not JSON/);
  });

  it("writes canonicalJson for runs of one message's rows and for messages that differ in one member", () => {
    const member = fc.constantFrom(
      ...(Object.keys(messageMembers) as (keyof typeof messageMembers)[]),
    );
    fc.assert(
      fc.property(
        fc.record(messageMembers),
        fc.array(fc.record(recipientMembers), { minLength: 1, maxLength: 4 }),
        member,
        text,
        (m, recipients, changed, value) => {
          const iso = m.decidedAt.toISOString();
          const other =
            changed === 'custodial'
              ? { custodial: !m.custodial }
              : changed === 'decidedAt'
                ? { decidedAt: new Date(m.decidedAt.getTime() + 1).toISOString() }
                : changed === 'messageId'
                  ? { messageId: '0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a01' }
                  : { [changed]: value };
          // The message's rows (decidedAt as the writer passes it, a string), then
          // a message differing in one member, then the first message again.
          const runs = [{ ...m, decidedAt: iso }, { ...m, decidedAt: iso, ...other }, m];
          let seq = 1;
          for (const run of runs) {
            for (const r of recipients) {
              const leaf = { ...run, ...r, seq: seq++ } as Leaf;
              expect(ledgerLeafData(leaf).toString('utf8')).toBe(canonicalLeafJson(leaf));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('normalises a Date and an ISO string to the same leaf', () => {
    expect(ledgerLeafHash(leafAt(3, { decidedAt: new Date('2025-01-15T12:00:00Z') }))).toBe(
      ledgerLeafHash(leafAt(3)),
    );
    // Another spelling of the instant, twice in a row (the second from the memo).
    for (let i = 0; i < 2; i++) {
      const text = ledgerLeafData(leafAt(3, { decidedAt: '2025-01-15T13:00:00+01:00' })).toString();
      expect(text).toContain('"decidedAt":"2025-01-15T12:00:00.000Z"');
    }
  });
});

describe('MerkleAccumulator', () => {
  it('matches rootOf at every size up to 130', () => {
    const leaves = Array.from({ length: 130 }, (_, i) => hashLeaf(Buffer.from(`leaf-${i}`)));
    const acc = MerkleAccumulator.empty();
    expect(hex(acc.root())).toBe(hex(rootOf([])));
    leaves.forEach((leaf, i) => {
      acc.append(leaf);
      expect(acc.size).toBe(i + 1);
      expect(hex(acc.root())).toBe(hex(rootOf(leaves.slice(0, i + 1))));
    });
  });

  it('clones independently', () => {
    const acc = MerkleAccumulator.fromLeafHashes([hashLeaf(Buffer.from('a'))]);
    const copy = acc.clone();
    copy.append(hashLeaf(Buffer.from('b')));
    expect(acc.size).toBe(1);
    expect(copy.size).toBe(2);
  });
});

describe('ledger verification', () => {
  const rows = Array.from({ length: 12 }, (_, i) => rowAt(i + 1));
  const rootAt = (n: number): string =>
    hex(rootOf(rows.slice(0, n).map((r) => Buffer.from(r.leafHash, 'hex'))));
  const checkpoints = [
    { treeSize: 5, rootHash: rootAt(5) },
    { treeSize: 10, rootHash: rootAt(10) },
  ];

  it('accepts an untouched ledger', () => {
    const report = verifyLedger(rows, checkpoints);
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.rootHash).toBe(rootAt(12));
  });

  it('names an updated row', () => {
    const tampered = rows.map((r) => (r.seq === 7 ? { ...r, decision: 'FULL' as const } : r));
    const report = verifyLedger(tampered, checkpoints);
    expect(report.ok).toBe(false);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ kind: 'leaf-mismatch', seq: 7 }),
    );
    expect(report.findings).toContainEqual(
      expect.objectContaining({ kind: 'consistency', treeSize: 10, afterSeq: 5 }),
    );
  });

  it('names a deleted row, a reorder and a truncation', () => {
    const deleted = verifyLedger(
      rows.filter((r) => r.seq !== 4),
      checkpoints,
    );
    expect(deleted.findings).toContainEqual(expect.objectContaining({ kind: 'seq-gap', seq: 4 }));
    const swapped = rows.map((r) =>
      r.seq === 2 ? { ...r, seq: 3 } : r.seq === 3 ? { ...r, seq: 2 } : r,
    );
    swapped.sort((a, b) => a.seq - b.seq);
    const reorder = verifyLedger(swapped, checkpoints);
    expect(reorder.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'leaf-mismatch', seq: 2 }),
        expect.objectContaining({ kind: 'leaf-mismatch', seq: 3 }),
        expect.objectContaining({ kind: 'consistency', treeSize: 5, afterSeq: 0 }),
      ]),
    );
    const truncated = verifyLedger([], checkpoints);
    expect(truncated.findings).toContainEqual({ kind: 'truncated', treeSize: 5, rows: 0 });
  });

  it('checks inclusion of a row and consistency of checkpoints', () => {
    const leaves = rows.slice(0, 10).map((r) => Buffer.from(r.leafHash, 'hex'));
    const proof = inclusionProof(leaves, 6).map(hex);
    const cp = checkpoints[1] as { treeSize: number; rootHash: string };
    expect(checkRowInclusion(rows[6] as Leaf, { seq: 7, treeSize: 10, proof }, cp)).toBeNull();
    expect(
      checkRowInclusion({ ...(rows[6] as Leaf), rules: [] }, { seq: 7, treeSize: 10, proof }, cp),
    ).toEqual(expect.objectContaining({ kind: 'inclusion', seq: 7 }));
    const consistency = consistencyProof(leaves, 5).map(hex);
    expect(checkCheckpointConsistency(checkpoints[0] as typeof cp, cp, consistency)).toBeNull();
    expect(
      checkCheckpointConsistency({ treeSize: 5, rootHash: rootAt(4) }, cp, consistency),
    ).not.toBeNull();
  });
});

describe('readSdJwtClaims', () => {
  it('shows what the verifier shows, for the whole token and for a presentation', async () => {
    const keys = generateAgencyKeys('EdDSA');
    const now = Date.now();
    const claims = {
      iss: 'ro-diicot',
      jti: 'm-1',
      iat: Math.floor(now / 1000),
      exp: Math.floor(now / 1000) + 600,
      narrative: 'seen at the border',
      subjects: [{ role: 'VICTIM', identity: { fullName: 'A B' } }, { role: 'SUSPECT' }],
    };
    const disclosablePaths = ['narrative', 'subjects[]', 'subjects[].identity'];
    const token = await issueSdJwt({
      claims,
      disclosablePaths,
      signer: { privateJwk: keys.privateJwk, kid: keys.kid, alg: 'EdDSA' },
    });
    const directory = new KeyDirectory([
      {
        agencyId: 'ro-diicot',
        kid: keys.kid,
        use: 'sig',
        alg: 'EdDSA',
        publicJwk: keys.publicJwk,
        notBefore: Math.floor(now / 1000) - 60,
        status: 'active',
      },
    ]);
    const verified = verifySdJwt(token, {
      directory,
      shape: shapeOfClaims(claims, disclosablePaths),
      now: () => now,
      maxTokenBytes: 65536,
      clockSkewSec: 60,
    });
    expect(readSdJwtClaims(token).claims).toEqual(verified.claims);
    const identity = verified.disclosures.find((d) => d.concretePath === 'subjects[0].identity');
    const keep = verified.disclosures.filter((d) => d !== identity).map((d) => d.index);
    const parts = token.split('~');
    const presentation = presentationFromDisclosures(parts[0] as string, parts.slice(1, -1), keep);
    const seen = readSdJwtClaims(presentation);
    expect(seen.hiddenSlots).toBe(1);
    expect(JSON.stringify(seen.claims)).not.toContain('A B');
    expect(seen.claims.narrative).toBe('seen at the border');
  });

  it('never lets a stored name reach the prototype: __proto__ and constructor are not shown', () => {
    const payload = { iss: 'ro-diicot', jti: 'm-2', _sd: [] as string[], constructor: { x: 1 } };
    const proto = craftDisclosure('__proto__', { narrative: 'through the prototype' });
    payload._sd.push(digestOf(proto));
    const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const token = `${b64({ alg: 'EdDSA', typ: 'sd+jwt' })}.${b64(payload)}.c2ln~${proto}~`;
    const { claims } = readSdJwtClaims(token);
    expect(Object.getPrototypeOf(claims)).toBeNull();
    expect(claims.narrative).toBeUndefined();
    expect(Object.keys(claims)).toEqual(['iss', 'jti']);
  });

  it('refuses a stored token with a duplicate member name', () => {
    const b64 = (text: string): string => Buffer.from(text).toString('base64url');
    const token = `${b64('{"alg":"EdDSA"}')}.${b64('{"iss":"a","iss":"b"}')}.c2ln~`;
    let code: unknown;
    try {
      readSdJwtClaims(token);
    } catch (error) {
      code = (error as { code?: unknown }).code;
    }
    expect(code).toBe('json.duplicate-member');
  });
});

describe('presentationFromToken', () => {
  const token = 'aGVhZA.cGF5bG9hZA.c2ln~ZDA~ZDE~ZDI~';

  it('is the issuer JWT and the disclosures at the indices, ascending, each closed by ~', () => {
    expect(presentationFromToken(token, [2, 0])).toBe('aGVhZA.cGF5bG9hZA.c2ln~ZDA~ZDI~');
    expect(presentationFromToken(token, [])).toBe('aGVhZA.cGF5bG9hZA.c2ln~');
    expect(presentationFromToken('aGVhZA.cGF5bG9hZA.c2ln~', [])).toBe('aGVhZA.cGF5bG9hZA.c2ln~');
  });

  it('refuses indices beyond the token and what is not an SD-JWT without key binding', () => {
    expect(() => presentationFromToken(token, [3])).toThrow(RangeError);
    expect(() => presentationFromToken('aGVhZA.cGF5bG9hZA.c2ln~ZDA~a2I', [0])).toThrow(RangeError);
    expect(() => presentationFromToken('', [])).toThrow(RangeError);
  });
});
