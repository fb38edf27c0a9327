/**
 * Batched delivery receipts. The hub signs ONE JWS per batch over the Merkle
 * root of the receipts' canonical JSON; each recipient gets that JWS plus its
 * inclusion proof. A signature per recipient would cost ~70 µs (Ed25519 sign)
 * x fan-out (200 agencies = 14 ms per message); a batch of 200 costs one
 * signature plus ~400 SHA-256 compressions (bench/micro/crypto.bench.ts).
 *
 * Leaf data = UTF-8 canonical JSON of the ReceiptBody (canonical-json.ts),
 * leaf hash = SHA-256(0x00 || data) (RFC 6962).
 */
import { hash } from 'node:crypto';
import {
  parseCompactJws,
  signCompactJws,
  verifyParsedJws,
  jsonPayloadOf,
  type JwsSigner,
} from './compact-jws';
import { canonicalJson } from './canonical-json';
import { cryptoError, jwsRefused } from './crypto-error';
import { type PublicJwk } from './jwk';
import { type VerificationKey } from './key-directory';
import {
  hashLeafText,
  inclusionProofFromLevels,
  treeLevels,
  verifyInclusion,
  type Hash,
} from './merkle/rfc6962';
import { nowSeconds, type Clock } from './time-claims';
import { isVerificationKey, verificationKeyFromJwk } from './verification-key';

export const RECEIPT_BATCH_TYP = 'liaison-receipt-batch+jws';

export interface WithheldField {
  readonly path: string;
  readonly ruleId: string;
}

export interface ReceiptBody {
  readonly messageId: string;
  readonly recipientAgency: string;
  readonly disclosedPaths: readonly string[];
  readonly withheld: readonly WithheldField[];
  readonly policyVersion: string;
  /** presentationDigestOf(the presentation delivered). */
  readonly presentationDigest: string;
  /** Epoch seconds. */
  readonly issuedAt: number;
}

export interface ReceiptProof {
  readonly leafIndex: number;
  readonly treeSize: number;
  /** Audit path, leaf to root, lowercase hex. */
  readonly path: readonly string[];
}

export interface SignedReceipt {
  readonly receiptJws: string;
  readonly proof: ReceiptProof;
}

export interface ReceiptBatch {
  readonly batchId: string;
  readonly root: string;
  readonly treeSize: number;
  /** The one hub JWS over { root, treeSize, batchId, iat }. */
  readonly batchJws: string;
  /** In the order of the bodies given. */
  readonly receipts: readonly SignedReceipt[];
}

export interface ReceiptBatchPayload {
  readonly root: string;
  readonly treeSize: number;
  readonly batchId: string;
  readonly iat: number;
}

/** base64url(SHA-256(presentation)): what a receipt says was delivered. */
export function presentationDigestOf(presentation: string): string {
  return hash('sha256', presentation, 'base64url');
}

/**
 * A receipt body's canonical JSON around its recipient: `prefix` +
 * JSON.stringify(recipientAgency) + `suffix`. The members are written in sorted
 * order by JSON.stringify: the same text as canonicalJson (a property test holds
 * them equal) at a fraction of the cost, which matters once per recipient.
 */
interface LeafFrame {
  readonly body: ReceiptBody;
  readonly prefix: string;
  readonly suffix: string;
}

/** Undefined for a body the fast form cannot write (then canonicalJson does). */
function leafFrame(body: ReceiptBody): LeafFrame | undefined {
  if (!Number.isSafeInteger(body.issuedAt) || Object.keys(body).length !== 7) return undefined;
  const head = JSON.stringify({
    disclosedPaths: body.disclosedPaths,
    issuedAt: body.issuedAt,
    messageId: body.messageId,
    policyVersion: body.policyVersion,
    presentationDigest: body.presentationDigest,
  });
  const withheld = body.withheld.map((w) => ({ path: w.path, ruleId: w.ruleId }));
  return {
    body,
    prefix: `${head.slice(0, -1)},"recipientAgency":`,
    suffix: `,"withheld":${JSON.stringify(withheld)}}`,
  };
}

/** The same members but the recipient, arrays by identity (a message's bodies under one plan share them). */
function sharesFrame(frame: LeafFrame, body: ReceiptBody): boolean {
  const f = frame.body;
  return (
    f.disclosedPaths === body.disclosedPaths &&
    f.withheld === body.withheld &&
    f.messageId === body.messageId &&
    f.issuedAt === body.issuedAt &&
    f.policyVersion === body.policyVersion &&
    f.presentationDigest === body.presentationDigest &&
    Object.keys(body).length === 7
  );
}

const textIn = (frame: LeafFrame, body: ReceiptBody): string =>
  frame.prefix + JSON.stringify(body.recipientAgency) + frame.suffix;

/** Canonical JSON of a receipt body: the leaf's data. */
export function receiptLeafText(body: ReceiptBody): string {
  const frame = leafFrame(body);
  return frame ? textIn(frame, body) : canonicalJson(body);
}

export function receiptLeafData(body: ReceiptBody): Buffer {
  return Buffer.from(receiptLeafText(body), 'utf8');
}

export function receiptLeafHash(body: ReceiptBody): Hash {
  return hashLeafText(receiptLeafText(body));
}

/**
 * receiptLeafHash of each body. Consecutive bodies that differ only in the
 * recipient share the text before and after it, built once.
 */
export function receiptLeafHashes(bodies: readonly ReceiptBody[]): Hash[] {
  let frame: LeafFrame | undefined;
  return bodies.map((body) => {
    if (frame === undefined || !sharesFrame(frame, body)) frame = leafFrame(body);
    return hashLeafText(frame ? textIn(frame, body) : canonicalJson(body));
  });
}

export interface ReceiptBatchOptions {
  /** The hub's EdDSA signing key. */
  readonly signer: JwsSigner;
  readonly batchId: string;
  readonly now: Clock;
}

export function signReceiptBatch(
  bodies: readonly ReceiptBody[],
  options: ReceiptBatchOptions,
): ReceiptBatch {
  if (bodies.length === 0)
    throw cryptoError('receipt.empty-batch', 'no receipts to sign', 'invalid-input');
  if (options.signer.alg !== 'EdDSA') {
    throw cryptoError('receipt.hub-alg', 'the hub signs receipts with EdDSA', 'invalid-input');
  }
  const levels = treeLevels(receiptLeafHashes(bodies));
  const root = ((levels[levels.length - 1] as Hash[])[0] as Hash).toString('hex');
  const treeSize = bodies.length;
  const payload: ReceiptBatchPayload = {
    root,
    treeSize,
    batchId: options.batchId,
    iat: nowSeconds(options.now),
  };
  const batchJws = signCompactJws(payload, options.signer, { typ: RECEIPT_BATCH_TYP });
  // Each node's hex once (about 2n conversions), not once per proof it is in
  // (n log n); the proofs share the strings.
  const hexLevels = levels.map((level) => level.map((h) => h.toString('hex')));
  const receipts = bodies.map((_body, leafIndex): SignedReceipt => ({
    receiptJws: batchJws,
    proof: { leafIndex, treeSize, path: inclusionProofFromLevels(hexLevels, leafIndex) },
  }));
  return { batchId: options.batchId, root, treeSize, batchJws, receipts };
}

const HEX_HASH = /^[0-9a-f]{64}$/;

/** Checks the hub's signature, the batch payload and the receipt's inclusion. */
export function verifyReceipt(
  body: ReceiptBody,
  receiptJws: string,
  proof: ReceiptProof,
  hubKey: PublicJwk | VerificationKey,
): ReceiptBatchPayload {
  const key = isVerificationKey(hubKey) ? hubKey : verificationKeyFromJwk(hubKey, 'EdDSA');
  const parsed = parseCompactJws(receiptJws, 'receipt');
  if (parsed.header.typ !== RECEIPT_BATCH_TYP) {
    throw jwsRefused('receipt', 'bad-typ', `typ must be ${RECEIPT_BATCH_TYP}`);
  }
  verifyParsedJws(parsed, key, 'receipt');
  const payload = jsonPayloadOf(parsed, 'receipt');
  const { root, treeSize, batchId, iat } = payload;
  if (
    typeof root !== 'string' ||
    !HEX_HASH.test(root) ||
    typeof treeSize !== 'number' ||
    !Number.isSafeInteger(treeSize) ||
    typeof batchId !== 'string' ||
    typeof iat !== 'number'
  ) {
    throw jwsRefused('receipt', 'malformed', 'receipt batch payload malformed');
  }
  if (proof.treeSize !== treeSize) {
    throw cryptoError(
      'receipt.tree-size-mismatch',
      'proof is for another tree size',
      'invalid-input',
    );
  }
  if (!proof.path.every((h) => HEX_HASH.test(h))) {
    throw cryptoError('receipt.not-included', 'proof path is not hex SHA-256', 'invalid-input');
  }
  const included = verifyInclusion(
    proof.leafIndex,
    treeSize,
    receiptLeafHash(body),
    proof.path.map((h) => Buffer.from(h, 'hex')),
    Buffer.from(root, 'hex'),
  );
  if (!included) {
    throw cryptoError(
      'receipt.not-included',
      'receipt is not in the signed batch',
      'unauthenticated',
    );
  }
  return { root, treeSize: treeSize, batchId, iat };
}
