/**
 * RFC 6962 Merkle tree against transparency-dev/merkle's test data
 * (../shared/vectors/merkle/testdata): every happy path must verify and every
 * corrupted variant must fail. Plus round trips of our own proofs.
 *
 * Directories: inclusion/** and consistency/** run in full. subtreeinclusion/**
 * fits the same verifier (a subtree [start, end) aligned on a power of two is a
 * tree of size end - start) and runs too. subtreeconsistency/** is the
 * Merkle-Tree-Certificates subtree-consistency format (proof from a subtree to a
 * larger tree), which Liaison does not use; it is counted as not applicable.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import {
  consistencyProof,
  hashLeaf,
  inclusionProof,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from './rfc6962';
import { sharedVectors } from '../../../../test/support/shared-vectors';

const TESTDATA = sharedVectors('merkle/testdata');

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory()
      ? jsonFilesUnder(path)
      : name.endsWith('.json')
        ? [path]
        : [];
  });
}

const b64 = (text: string | null | undefined): Buffer => Buffer.from(text ?? '', 'base64');
const proofOf = (proof: readonly string[] | null): Buffer[] => (proof ?? []).map(b64);

interface InclusionCase {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  wantErr: boolean;
}
interface SubtreeInclusionCase extends Omit<InclusionCase, 'treeSize'> {
  start: number;
  end: number;
}
interface ConsistencyCase {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  wantErr: boolean;
}

function bitCeil(n: number): number {
  let k = 1;
  while (k < n) k *= 2;
  return k;
}

/** Subtree [start, end) is valid iff start < end and start is a multiple of BIT_CEIL(end - start). */
function verifySubtreeInclusion(c: SubtreeInclusionCase): boolean {
  const { start, end, leafIdx } = c;
  if (!(start < end) || start % bitCeil(end - start) !== 0) return false;
  if (leafIdx < start || leafIdx >= end) return false;
  return verifyInclusion(
    leafIdx - start,
    end - start,
    b64(c.leafHash),
    proofOf(c.proof),
    b64(c.root),
  );
}

function loadCases<T>(subdir: string): { name: string; c: T }[] {
  return jsonFilesUnder(join(TESTDATA, subdir)).map((path) => ({
    name: relative(TESTDATA, path),
    c: JSON.parse(readFileSync(path, 'utf8')) as T,
  }));
}

describe('transparency-dev/merkle vectors', () => {
  const tally: Record<string, { valid: number; invalid: number }> = {};
  const count = (suite: string, wantErr: boolean): void => {
    const t = (tally[suite] ??= { valid: 0, invalid: 0 });
    if (wantErr) t.invalid++;
    else t.valid++;
  };

  afterAll(() => {
    // Reported so a reader can see the suite was not vacuous.
    console.log(`merkle vectors: ${JSON.stringify(tally)}`);
  });

  const inclusion = loadCases<InclusionCase>('inclusion');
  it.each(inclusion.map(({ name, c }) => [name, c] as const))('inclusion %s', (_name, c) => {
    const ok = verifyInclusion(
      c.leafIdx,
      c.treeSize,
      b64(c.leafHash),
      proofOf(c.proof),
      b64(c.root),
    );
    expect(ok).toBe(!c.wantErr);
    count('inclusion', c.wantErr);
  });

  const consistency = loadCases<ConsistencyCase>('consistency');
  it.each(consistency.map(({ name, c }) => [name, c] as const))('consistency %s', (_name, c) => {
    const ok = verifyConsistency(c.size1, c.size2, proofOf(c.proof), b64(c.root1), b64(c.root2));
    expect(ok).toBe(!c.wantErr);
    count('consistency', c.wantErr);
  });

  const subtree = loadCases<SubtreeInclusionCase>('subtreeinclusion');
  it.each(subtree.map(({ name, c }) => [name, c] as const))('subtree inclusion %s', (_name, c) => {
    expect(verifySubtreeInclusion(c)).toBe(!c.wantErr);
    count('subtreeinclusion', c.wantErr);
  });

  it('covers the suites (not vacuous)', () => {
    expect(inclusion.length).toBeGreaterThan(90);
    expect(consistency.length).toBeGreaterThan(90);
    expect(inclusion.filter(({ c }) => !c.wantErr).length).toBeGreaterThanOrEqual(5);
    expect(consistency.filter(({ c }) => !c.wantErr).length).toBeGreaterThanOrEqual(5);
    expect(jsonFilesUnder(join(TESTDATA, 'subtreeconsistency')).length).toBeGreaterThan(0); // not applicable, see header
  });
});

describe('RFC 6962 tree', () => {
  const leaves = (n: number): Buffer[] =>
    Array.from({ length: n }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`)));

  it('hashes the empty tree as SHA-256 of nothing, a single leaf as its leaf hash', () => {
    expect(rootOf([]).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const [one] = leaves(1);
    expect(rootOf([one as Buffer])).toEqual(one);
  });

  it('matches the RFC 6962 reference tree of 8 leaves from the vectors', () => {
    // The 8 "leaves" of transparency-dev's test tree: "", 0x00, 0x10, 0x2021, 0x3031, 0x40414243, ...
    const data = [
      '',
      '00',
      '10',
      '2021',
      '3031',
      '40414243',
      '5051525354555657',
      '606162636465666768696a6b6c6d6e6f',
    ];
    const root = rootOf(data.map((hex) => hashLeaf(Buffer.from(hex, 'hex'))));
    expect(root.toString('base64')).toBe('XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=');
  });

  it('inclusion and consistency proofs round-trip for every size and index', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), fc.nat(), (size, i, j) => {
        const hashes = leaves(size);
        const root = rootOf(hashes);
        const index = i % size;
        const proof = inclusionProof(hashes, index);
        expect(verifyInclusion(index, size, hashes[index] as Buffer, proof, root)).toBe(true);
        for (let k = 0; k < proof.length; k++) {
          const tampered = proof.map((h) => Buffer.from(h));
          const component = tampered[k] as Buffer;
          component.writeUInt8(component.readUInt8(0) ^ 1, 0);
          expect(verifyInclusion(index, size, hashes[index] as Buffer, tampered, root)).toBe(false);
        }
        const size1 = 1 + (j % size);
        const root1 = rootOf(hashes.slice(0, size1));
        expect(verifyConsistency(size1, size, consistencyProof(hashes, size1), root1, root)).toBe(
          true,
        );
        if (size1 < size) {
          expect(verifyConsistency(size1, size, consistencyProof(hashes, size1), root, root1)).toBe(
            false,
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
