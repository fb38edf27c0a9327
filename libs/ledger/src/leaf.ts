/**
 * The share ledger's leaf: the canonical form of one row's immutable fields and
 * its RFC 6962 leaf hash. Defined once here; the writer, the server-side check
 * and the offline verifier all hash through `ledgerLeafHash`.
 *
 * Leaf data = UTF-8 bytes of canonicalJson (RFC 8785 for these values) of
 *   { v: 1, seq, messageId, kind, messageType, caseRef, originatorAgency,
 *     originatorJurisdiction, recipientAgency, recipientJurisdiction, decision,
 *     rules, disclosedPaths, withheld: [{path, ruleId}], policyVersion,
 *     presentationDigest, custodial, decidedAt }
 * with `decidedAt` as an ISO 8601 UTC string with milliseconds
 * (`Date.prototype.toISOString`) and `seq` as a JSON number. `seq` is inside the
 * leaf so a row moved to another position no longer hashes to its old leaf.
 * A release row (a delivery of a held message under an onward consent) has
 * `v: 2` and one more member, `releaseOf` (the consent request id, lowercase);
 * every other row keeps the v1 form, so rows written before verify unchanged.
 * leaf_hash = lowercase hex of SHA-256(0x00 || leaf data).
 */
import { canonicalJson, hashLeafText } from '@liaison/crypto';
import type { LedgerRow, LedgerRowFields, LedgerWithheld } from './ledger-row';

export const LEDGER_LEAF_VERSION = 1;
/** The leaf version of a release row (v1 and `releaseOf`). */
export const LEDGER_RELEASE_LEAF_VERSION = 2;

/** What the leaf hashes: a row's fields at its place (everything but its stored hash). */
type LeafInput = Omit<LedgerRow, 'leafHash'>;

function isoOf(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a timestamp: ${String(value)}`);
  return date.toISOString();
}

/**
 * The leaf text around the members that differ between a message's rows, for
 * the last message seen: strings and booleans only, compared by value (a
 * decision's rows come one after another, `decidedAt` as the same string).
 * `head` ends before the decision, `middle` before the presentation digest.
 */
interface MessageFrame {
  /** `decidedAt` as given, when a string (a Date is normalised every time). */
  readonly decidedAtGiven: string | undefined;
  readonly caseRef: string | null;
  readonly custodial: boolean;
  readonly kind: string;
  readonly messageId: string;
  readonly messageType: string;
  readonly originatorAgency: string;
  readonly originatorJurisdiction: string;
  readonly policyVersion: string;
  readonly head: string;
  readonly middle: string;
}
let lastFrame: MessageFrame | undefined;

function frameFor(leaf: LedgerRowFields): MessageFrame {
  const f = lastFrame;
  if (
    f !== undefined &&
    f.decidedAtGiven === leaf.decidedAt &&
    f.messageId === leaf.messageId &&
    f.caseRef === leaf.caseRef &&
    f.custodial === leaf.custodial &&
    f.kind === leaf.kind &&
    f.messageType === leaf.messageType &&
    f.originatorAgency === leaf.originatorAgency &&
    f.originatorJurisdiction === leaf.originatorJurisdiction &&
    f.policyVersion === leaf.policyVersion
  ) {
    return f;
  }
  const decidedAt = isoOf(leaf.decidedAt);
  const frame: MessageFrame = {
    decidedAtGiven: typeof leaf.decidedAt === 'string' ? leaf.decidedAt : undefined,
    caseRef: leaf.caseRef,
    custodial: leaf.custodial,
    kind: leaf.kind,
    messageId: leaf.messageId,
    messageType: leaf.messageType,
    originatorAgency: leaf.originatorAgency,
    originatorJurisdiction: leaf.originatorJurisdiction,
    policyVersion: leaf.policyVersion,
    head:
      `{"caseRef":${JSON.stringify(leaf.caseRef)},"custodial":${String(leaf.custodial)},` +
      `"decidedAt":${JSON.stringify(decidedAt)},"decision":`,
    middle:
      `,"kind":${JSON.stringify(leaf.kind)},"messageId":${JSON.stringify(leaf.messageId.toLowerCase())},` +
      `"messageType":${JSON.stringify(leaf.messageType)},"originatorAgency":${JSON.stringify(leaf.originatorAgency)},` +
      `"originatorJurisdiction":${JSON.stringify(leaf.originatorJurisdiction)},` +
      `"policyVersion":${JSON.stringify(leaf.policyVersion)},"presentationDigest":`,
  };
  lastFrame = frame;
  return frame;
}

// Indexed loops, not every(): a sparse array's holes must fail the checks.
function allStrings(values: readonly unknown[]): boolean {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'string') return false;
  return true;
}

function withheldPairs(withheld: readonly LedgerWithheld[]): boolean {
  for (let i = 0; i < withheld.length; i++) {
    const w = withheld[i];
    if (!w || typeof w.path !== 'string' || typeof w.ruleId !== 'string') return false;
  }
  return true;
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** Every member of a leaf's canonical object is a JSON string, a boolean, null or a safe integer. */
function isPlainLeaf(leaf: LedgerRowFields): boolean {
  return (
    isString(leaf.messageId) &&
    isString(leaf.kind) &&
    isString(leaf.messageType) &&
    isString(leaf.originatorAgency) &&
    isString(leaf.originatorJurisdiction) &&
    isString(leaf.recipientAgency) &&
    isString(leaf.recipientJurisdiction) &&
    isString(leaf.decision) &&
    isString(leaf.policyVersion) &&
    (leaf.caseRef === null || isString(leaf.caseRef)) &&
    (leaf.presentationDigest === null || isString(leaf.presentationDigest)) &&
    (leaf.releaseOf === undefined || leaf.releaseOf === null || isString(leaf.releaseOf)) &&
    typeof leaf.custodial === 'boolean' &&
    Array.isArray(leaf.rules) &&
    allStrings(leaf.rules) &&
    Array.isArray(leaf.disclosedPaths) &&
    allStrings(leaf.disclosedPaths) &&
    Array.isArray(leaf.withheld) &&
    withheldPairs(leaf.withheld)
  );
}

/**
 * The exact bytes hashed for a leaf: canonicalJson of the leaf object. The
 * writer's path (once per ledger row) writes the members in sorted order with
 * JSON.stringify, the message's own ones once per message: the same bytes as
 * canonicalJson (property tests hold them equal, for single leaves and for
 * runs of a message's rows) at a fraction of the cost; anything unusual takes
 * the general path.
 */
export function ledgerLeafData(leaf: LeafInput): Buffer {
  return Buffer.from(ledgerLeafText(leaf), 'utf8');
}

/** ledgerLeafData as text (what is hashed is its UTF-8 encoding). */
export function ledgerLeafText(leaf: LeafInput): string {
  return ledgerLeafTextAt(leaf, leaf.seq);
}

/** ledgerLeafText of the fields at `seq` (the writer's path: no copy of the fields per row). */
export function ledgerLeafTextAt(leaf: LedgerRowFields, seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new RangeError(`ledger seq must be a positive safe integer, got ${seq}`);
  }
  if (isPlainLeaf(leaf)) {
    // Members in UTF-16 code-unit order of their keys, as canonicalJson sorts
    // them, each written by JSON.stringify; the message's own members come
    // from its frame, written once for all its rows.
    const frame = frameFor(leaf);
    const releaseOf = leaf.releaseOf ?? null;
    return (
      frame.head +
      JSON.stringify(leaf.decision) +
      ',"disclosedPaths":' +
      JSON.stringify(leaf.disclosedPaths) +
      frame.middle +
      JSON.stringify(leaf.presentationDigest) +
      ',"recipientAgency":' +
      JSON.stringify(leaf.recipientAgency) +
      ',"recipientJurisdiction":' +
      JSON.stringify(leaf.recipientJurisdiction) +
      (releaseOf === null ? '' : ',"releaseOf":' + JSON.stringify(releaseOf.toLowerCase())) +
      ',"rules":' +
      JSON.stringify(leaf.rules) +
      ',"seq":' +
      String(seq) +
      ',"v":' +
      String(releaseOf === null ? LEDGER_LEAF_VERSION : LEDGER_RELEASE_LEAF_VERSION) +
      ',"withheld":' +
      (leaf.withheld.length === 0
        ? '[]'
        : JSON.stringify(leaf.withheld.map((w) => ({ path: w.path, ruleId: w.ruleId })))) +
      '}'
    );
  }
  return canonicalLeafJson({ ...leaf, seq });
}

/** The general path (and the definition the fast path is tested against). */
export function canonicalLeafJson(leaf: LeafInput, decidedAt = isoOf(leaf.decidedAt)): string {
  const releaseOf = leaf.releaseOf ?? null;
  return canonicalJson({
    v: releaseOf === null ? LEDGER_LEAF_VERSION : LEDGER_RELEASE_LEAF_VERSION,
    ...(releaseOf === null ? {} : { releaseOf: releaseOf.toLowerCase() }),
    seq: leaf.seq,
    messageId: leaf.messageId.toLowerCase(),
    kind: leaf.kind,
    messageType: leaf.messageType,
    caseRef: leaf.caseRef,
    originatorAgency: leaf.originatorAgency,
    originatorJurisdiction: leaf.originatorJurisdiction,
    recipientAgency: leaf.recipientAgency,
    recipientJurisdiction: leaf.recipientJurisdiction,
    decision: leaf.decision,
    rules: [...leaf.rules],
    disclosedPaths: [...leaf.disclosedPaths],
    withheld: leaf.withheld.map((w) => ({ path: w.path, ruleId: w.ruleId })),
    policyVersion: leaf.policyVersion,
    presentationDigest: leaf.presentationDigest,
    custodial: leaf.custodial,
    decidedAt,
  });
}

/** RFC 6962 leaf hash of the row, raw bytes. */
export function ledgerLeafHashBytes(leaf: LeafInput): Buffer {
  return hashLeafText(ledgerLeafTextAt(leaf, leaf.seq));
}

/** RFC 6962 leaf hash of the fields at `seq`, raw bytes. */
export function ledgerLeafHashBytesAt(leaf: LedgerRowFields, seq: number): Buffer {
  return hashLeafText(ledgerLeafTextAt(leaf, seq));
}

/** RFC 6962 leaf hash of the row, lowercase hex (the `leaf_hash` column). */
export function ledgerLeafHash(leaf: LeafInput): string {
  return ledgerLeafHashBytes(leaf).toString('hex');
}
