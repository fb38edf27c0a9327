/**
 * RFC 6962 / RFC 9162 Merkle tree over SHA-256:
 *   leaf = SHA-256(0x00 || data),  node = SHA-256(0x01 || left || right),
 *   MTH({}) = SHA-256(""), split at the largest power of two below n.
 * Used for batched delivery receipts and by the audit ledger's checkpoints.
 * Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 step by step.
 */
import { createHash, hash, timingSafeEqual } from 'node:crypto';

export type Hash = Buffer;

const LEAF_PREFIX = Buffer.from([0x00]);

export function emptyRoot(): Hash {
  return createHash('sha256').digest();
}

export function hashLeaf(data: Uint8Array): Hash {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/**
 * hashLeaf of a text's UTF-8 bytes in one call: U+0000 is the single byte 0x00.
 * Hashes are computed per recipient and per ledger row, and node:crypto's
 * one-shot hash() costs about half of a createHash/update/digest chain.
 */
export function hashLeafText(text: string): Hash {
  return hash('sha256', `\u0000${text}`, 'buffer');
}

/** 0x01 || left || right, reused: hashChildren is synchronous. */
const nodeInput = Buffer.alloc(65, 0x01);

export function hashChildren(left: Uint8Array, right: Uint8Array): Hash {
  if (left.length !== 32 || right.length !== 32) {
    return createHash('sha256')
      .update(nodeInput.subarray(0, 1))
      .update(left)
      .update(right)
      .digest();
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return hash('sha256', nodeInput, 'buffer');
}

function equalHashes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * All levels of the tree, bottom-up. A level with an odd count promotes its last
 * node unchanged, which yields exactly RFC 6962's left-balanced tree.
 */
export function treeLevels(leafHashes: readonly Hash[]): Hash[][] {
  const levels: Hash[][] = [leafHashes.slice()];
  let level = levels[0] as Hash[];
  while (level.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      next.push(hashChildren(level[i] as Hash, level[i + 1] as Hash));
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1] as Hash);
    levels.push(next);
    level = next;
  }
  return levels;
}

export function rootOf(leafHashes: readonly Hash[]): Hash {
  if (leafHashes.length === 0) return emptyRoot();
  const levels = treeLevels(leafHashes);
  return (levels[levels.length - 1] as Hash[])[0] as Hash;
}

/**
 * Audit path for `leafIndex`, leaf to root, from precomputed levels (of hashes,
 * or of any one form of them, e.g. hex computed once per node).
 */
export function inclusionProofFromLevels<T = Hash>(
  levels: readonly (readonly T[])[],
  leafIndex: number,
): T[] {
  const proof: T[] = [];
  let index = leafIndex;
  for (let depth = 0; depth < levels.length - 1; depth++) {
    const level = levels[depth] as readonly T[];
    const sibling = index ^ 1;
    if (sibling < level.length) proof.push(level[sibling] as T);
    index >>= 1;
  }
  return proof;
}

export function inclusionProof(leafHashes: readonly Hash[], leafIndex: number): Hash[] {
  if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex >= leafHashes.length) {
    throw new RangeError(`leaf ${leafIndex} outside tree of ${leafHashes.length}`);
  }
  return inclusionProofFromLevels(treeLevels(leafHashes), leafIndex);
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function subtreeRoot(leafHashes: readonly Hash[], start: number, end: number): Hash {
  return rootOf(leafHashes.slice(start, end));
}

/** RFC 6962 §2.1.2 SUBPROOF(m, D[start:end], b). */
function subproof(
  leafHashes: readonly Hash[],
  m: number,
  start: number,
  end: number,
  complete: boolean,
): Hash[] {
  const n = end - start;
  if (m === n) return complete ? [] : [subtreeRoot(leafHashes, start, end)];
  const k = largestPowerOfTwoBelow(n);
  if (m <= k) {
    return [
      ...subproof(leafHashes, m, start, start + k, complete),
      subtreeRoot(leafHashes, start + k, end),
    ];
  }
  return [
    ...subproof(leafHashes, m - k, start + k, end, false),
    subtreeRoot(leafHashes, start, start + k),
  ];
}

/** Consistency proof between the first `size1` leaves and all of them. */
export function consistencyProof(leafHashes: readonly Hash[], size1: number): Hash[] {
  const size2 = leafHashes.length;
  if (!Number.isInteger(size1) || size1 < 1 || size1 > size2) {
    throw new RangeError(`no consistency proof from ${size1} to ${size2}`);
  }
  return size1 === size2 ? [] : subproof(leafHashes, size1, 0, size2, true);
}

/** RFC 9162 §2.1.3.2: root implied by an inclusion proof, or undefined if the proof is malformed. */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Hash | undefined {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize)) return undefined;
  if (leafIndex < 0 || leafIndex >= treeSize) return undefined;
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize - 1);
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (p.length !== 32) return undefined;
    if (sn === 0n) return undefined;
    if ((fn & 1n) === 1n || fn === sn) {
      r = hashChildren(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? Buffer.from(r) : undefined;
}

export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (leafHash.length !== 32) return false;
  const computed = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  return computed !== undefined && equalHashes(computed, root);
}

/**
 * RFC 9162 §2.1.4.2. A proof from the empty tree proves nothing and is refused,
 * as are proofs between equal sizes that carry components.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2)) return false;
  if (size1 < 1 || size2 < size1) return false;
  if (size1 === size2) return proof.length === 0 && equalHashes(root1, root2);
  if (proof.length === 0 || proof.some((p) => p.length !== 32)) return false;
  let path = proof;
  const first = BigInt(size1);
  if ((first & (first - 1n)) === 0n) path = [root1, ...proof];
  let fn = BigInt(size1 - 1);
  let sn = BigInt(size2 - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr: Uint8Array = path[0] as Uint8Array;
  let sr: Uint8Array = path[0] as Uint8Array;
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalHashes(fr, root1) && equalHashes(sr, root2);
}
