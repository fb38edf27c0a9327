/**
 * Checks an RFC 6962 / RFC 9162 inclusion proof in the browser (WebCrypto
 * SHA-256), so the officer does not have to take the hub's word for it:
 * leaf hash + audit path must lead to the root of a checkpoint the hub signed.
 */

function fromHex(hex) {
  const clean = hex.replace(/^0x/, '');
  if (!/^([0-9a-f]{2})*$/i.test(clean)) throw new Error('not hex');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function fromB64(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Hex (64 chars) or base64/base64url of 32 bytes. */
export function hashBytes(value) {
  if (/^[0-9a-f]{64}$/i.test(value)) return fromHex(value);
  const bytes = fromB64(value);
  if (bytes.length !== 32) throw new Error('hash is not 32 bytes');
  return bytes;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function nodeHash(left, right) {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

/** RFC 9162 §2.1.3.2. Returns the computed root (hex) or throws. */
export async function rootFromInclusionProof(leafIndex, treeSize, leafHash, path) {
  if (!(leafIndex >= 0 && leafIndex < treeSize)) throw new Error('leaf index outside the tree');
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = hashBytes(leafHash);
  for (const step of path) {
    const p = hashBytes(step);
    if (sn === 0) throw new Error('proof is longer than the tree allows');
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new Error('proof is shorter than the tree needs');
  return toHex(r);
}

/**
 * Reads a proof response whatever its field names; returns
 * { ok: true|false|null, message } (null: not enough data to check here).
 */
export async function checkProof(proof) {
  const p =
    proof?.proof && typeof proof.proof === 'object' && !Array.isArray(proof.proof)
      ? { ...proof, ...proof.proof }
      : (proof ?? {});
  const leafHash = p.leafHash ?? p.leaf_hash;
  const treeSize = p.treeSize ?? p.tree_size ?? p.checkpoint?.treeSize;
  const root = p.rootHash ?? p.root ?? p.root_hash ?? p.checkpoint?.rootHash;
  const path =
    p.auditPath ??
    p.inclusionPath ??
    p.path ??
    p.hashes ??
    (Array.isArray(proof?.proof) ? proof.proof : undefined);
  const leafIndex =
    p.leafIndex ?? p.leaf_index ?? p.index ?? (typeof p.seq === 'number' ? p.seq - 1 : undefined);
  if (
    typeof leafHash !== 'string' ||
    typeof root !== 'string' ||
    !Array.isArray(path) ||
    typeof treeSize !== 'number' ||
    typeof leafIndex !== 'number'
  ) {
    return {
      ok: null,
      message:
        'The hub returned a proof this console cannot check by itself; use `liaison audit verify` offline.',
    };
  }
  try {
    const computed = await rootFromInclusionProof(leafIndex, treeSize, leafHash, path);
    const expected = toHex(hashBytes(root));
    return computed === expected
      ? {
          ok: true,
          message: `Included: the proof leads to the signed root of the checkpoint over ${treeSize} rows (checked in this browser).`,
        }
      : {
          ok: false,
          message: `NOT included: the proof leads to ${computed.slice(0, 16)}…, the checkpoint root is ${expected.slice(0, 16)}….`,
        };
  } catch (error) {
    return { ok: false, message: `Proof invalid: ${error.message}` };
  }
}
