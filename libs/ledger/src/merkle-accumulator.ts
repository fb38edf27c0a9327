/**
 * An incremental RFC 6962 Merkle tree: the "compact range" of a tree of size n
 * is the list of roots of its perfect subtrees, left to right, one per set bit
 * of n. Appending a leaf merges equal-sized subtrees (amortised O(1) hashes,
 * at most log2 n), and the root folds the list right to left (O(log n)). So
 * ingesting N rows and taking roots along the way costs O(N log N) in all,
 * without ever reloading earlier leaves.
 */
import { emptyRoot, hashChildren, type Hash } from '@liaison/crypto';

interface Subtree {
  /** Number of leaves, a power of two. */
  readonly size: number;
  readonly hash: Hash;
}

export class MerkleAccumulator {
  private readonly subtrees: Subtree[];
  private count: number;

  private constructor(subtrees: Subtree[], count: number) {
    this.subtrees = subtrees;
    this.count = count;
  }

  static empty(): MerkleAccumulator {
    return new MerkleAccumulator([], 0);
  }

  static fromLeafHashes(leafHashes: Iterable<Uint8Array>): MerkleAccumulator {
    const acc = MerkleAccumulator.empty();
    for (const leaf of leafHashes) acc.append(leaf);
    return acc;
  }

  get size(): number {
    return this.count;
  }

  append(leafHash: Uint8Array): void {
    if (leafHash.length !== 32) throw new RangeError('a leaf hash is 32 bytes');
    let node: Subtree = { size: 1, hash: Buffer.from(leafHash) };
    let top = this.subtrees[this.subtrees.length - 1];
    while (top !== undefined && top.size === node.size) {
      this.subtrees.pop();
      node = { size: node.size * 2, hash: hashChildren(top.hash, node.hash) };
      top = this.subtrees[this.subtrees.length - 1];
    }
    this.subtrees.push(node);
    this.count += 1;
  }

  appendHex(leafHashHex: string): void {
    this.append(Buffer.from(leafHashHex, 'hex'));
  }

  /** MTH of all leaves appended so far (SHA-256 of "" for none). */
  root(): Hash {
    let index = this.subtrees.length - 1;
    const last = this.subtrees[index];
    if (last === undefined) return emptyRoot();
    let root = last.hash;
    for (index -= 1; index >= 0; index--) {
      root = hashChildren((this.subtrees[index] as Subtree).hash, root);
    }
    return root;
  }

  rootHex(): string {
    return this.root().toString('hex');
  }

  /** An independent copy: append to it, and adopt it only once the rows are committed. */
  clone(): MerkleAccumulator {
    return new MerkleAccumulator(this.subtrees.slice(), this.count);
  }
}
