/**
 * What one Decision becomes in the audit store, as plain values (no I/O): a
 * ledger row per outcome (denials included), the originator's content, each
 * recipient's presentation by its disclosure indices (rebuilt once to check its
 * digest), a case event
 * for case notices, and the law-enforcement log entries.
 */
import type { Decision, RecipientOutcome } from '@liaison/contracts';
import { presentationDigestOf } from '@liaison/crypto';
import {
  ledgerLeafHashBytesAt,
  presentationFromDisclosures,
  readSdJwtClaims,
  type LedgerRowFields,
  type MerkleAccumulator,
} from '@liaison/ledger';
import type { CaseEventDraft, LeLogEntry, MessageContentDraft } from '@liaison/persistence';

const DAY_MS = 86_400_000;
const CASE_OUTCOMES = new Set(['CONVICTION', 'PROSECUTION', 'DISMISSED', 'TRANSFERRED']);

export interface DeliveryContentDraft {
  readonly messageId: string;
  readonly recipientAgency: string;
  /**
   * The presentation by reference: the originator's issuer JWT and the
   * disclosures at these indices, ascending (message_content keeps the token
   * at least as long).
   */
  readonly disclosureIndices: readonly number[];
  readonly retainUntil: string;
  /** False when the rebuilt presentation does not hash to the outcome's digest. */
  readonly digestMatches: boolean;
}

/**
 * A pair's place in the ledger: its first decision's row, or its release (a
 * pair holds at most one of each).
 */
export function ledgerRowKey(messageId: string, recipientAgency: string, release = false): string {
  return `${messageId.toLowerCase()}|${recipientAgency}${release ? '|release' : ''}`;
}

function plusDays(iso: string, days: number): string {
  return new Date(new Date(iso).getTime() + Math.max(0, days) * DAY_MS).toISOString();
}

export function decidedAtOf(decision: Decision): string {
  const at = new Date(decision.decidedAt);
  if (Number.isNaN(at.getTime())) throw new Error(`decision ${decision.messageId}: bad decidedAt`);
  return at.toISOString();
}

/**
 * The ledger row of one outcome. `decidedAt` is the decision's, normalised: a
 * caller drafting every outcome of a decision passes it, computed once.
 */
export function ledgerRowFields(
  decision: Decision,
  outcome: RecipientOutcome,
  decidedAt: string = decidedAtOf(decision),
): LedgerRowFields {
  return {
    messageId: decision.messageId.toLowerCase(),
    kind: decision.kind,
    messageType: decision.messageType,
    caseRef: decision.caseRef,
    originatorAgency: decision.originatorAgency,
    originatorJurisdiction: decision.originatorJurisdiction,
    recipientAgency: outcome.recipientAgency,
    recipientJurisdiction: outcome.recipientJurisdiction,
    decision: outcome.decision,
    rules: [...outcome.rules],
    disclosedPaths: [...outcome.disclosedPaths],
    withheld: outcome.withheld.map((w) => ({ path: w.path, ruleId: w.ruleId })),
    policyVersion: decision.policyVersion,
    presentationDigest: outcome.presentationDigest,
    custodial: decision.custodial,
    decidedAt,
    releaseOf: decision.releaseOf === null ? null : decision.releaseOf.toLowerCase(),
  };
}

/** A ledger row about to be written: its place, its leaf hash and its fields. */
export interface NewLedgerRow {
  readonly seq: number;
  readonly leafHash: string;
  readonly fields: LedgerRowFields;
}

/**
 * The next row of the tree: the next seq, the leaf hash of its fields at it,
 * appended to `tree` as bytes (the hex only for the row's column).
 */
export function appendLedgerRow(tree: MerkleAccumulator, fields: LedgerRowFields): NewLedgerRow {
  const seq = tree.size + 1;
  const leaf = ledgerLeafHashBytesAt(fields, seq);
  tree.append(leaf);
  return { seq, leafHash: leaf.toString('hex'), fields };
}

export function originatorSdJwt(decision: Decision): string {
  return `${decision.issuerJwt}~${decision.disclosures.map((d) => `${d}~`).join('')}`;
}

export function messageContentDraft(decision: Decision): MessageContentDraft {
  const longest = decision.outcomes.reduce((max, o) => Math.max(max, o.retentionDays), 0);
  return {
    messageId: decision.messageId.toLowerCase(),
    sdJwt: originatorSdJwt(decision),
    retainUntil: plusDays(decidedAtOf(decision), longest),
  };
}

/** A presentation and its digest, by disclosure indices: recipients under one plan share them. */
export type PresentationCache = Map<string, { presentation: string; digest: string } | null>;

/**
 * Null for a denial (nothing was delivered) or when the indices do not fit the
 * token. Pass one cache per decision: its recipients under the same plan get
 * the same presentation, rebuilt and hashed once.
 */
export function deliveryContentDraft(
  decision: Decision,
  outcome: RecipientOutcome,
  cache: PresentationCache = new Map(),
): DeliveryContentDraft | null {
  if (outcome.decision === 'DENIED') return null;
  const indices = [...outcome.disclosureIndices].sort((a, b) => a - b);
  const key = indices.join(',');
  let built = cache.get(key);
  if (built === undefined) {
    try {
      const presentation = presentationFromDisclosures(
        decision.issuerJwt,
        decision.disclosures,
        indices,
      );
      built = { presentation, digest: presentationDigestOf(presentation) };
    } catch {
      built = null;
    }
    cache.set(key, built);
  }
  if (built === null) return null;
  return {
    messageId: decision.messageId.toLowerCase(),
    recipientAgency: outcome.recipientAgency,
    disclosureIndices: indices,
    retainUntil: plusDays(decidedAtOf(decision), outcome.retentionDays),
    digestMatches:
      outcome.presentationDigest === null || outcome.presentationDigest === built.digest,
  };
}

export function caseEventDraft(decision: Decision): CaseEventDraft | null {
  if (decision.kind !== 'CASE_NOTICE') return null;
  let claims: Record<string, unknown> = {};
  try {
    claims = readSdJwtClaims(originatorSdJwt(decision)).claims;
  } catch {
    // The hub verified the token before deciding; an unreadable one keeps the header facts only.
  }
  const outcome =
    decision.messageType === 'CASE_CLOSED' &&
    typeof claims.outcome === 'string' &&
    CASE_OUTCOMES.has(claims.outcome)
      ? claims.outcome
      : null;
  const issuedAt = typeof claims.issuedAt === 'string' ? new Date(claims.issuedAt) : undefined;
  return {
    messageId: decision.messageId.toLowerCase(),
    originatorAgency: decision.originatorAgency,
    jurisdiction: decision.originatorJurisdiction,
    caseRef: decision.caseRef,
    noticeType: decision.messageType,
    outcome,
    occurredAt:
      issuedAt && !Number.isNaN(issuedAt.getTime())
        ? issuedAt.toISOString()
        : decidedAtOf(decision),
  };
}

export const HUB_ACTOR = 'hub';

/** DISCLOSURE (to whom) and COLLECTION (content kept for the audit trail) for one new message. */
export function leLogEntriesFor(
  decision: Decision,
  recorded: readonly RecipientOutcome[],
  content: MessageContentDraft,
): LeLogEntry[] {
  const delivered = recorded.filter((o) => o.decision !== 'DENIED');
  const denied = recorded.filter((o) => o.decision === 'DENIED');
  const subject = decision.messageId.toLowerCase();
  const entries: LeLogEntry[] = [
    {
      actor: HUB_ACTOR,
      action: 'COLLECTION',
      subject,
      justification: `content kept for the share audit until ${content.retainUntil}`,
      details: {
        originatorAgency: decision.originatorAgency,
        caseRef: decision.caseRef,
        retainUntil: content.retainUntil,
        presentations: delivered.length,
      },
    },
  ];
  entries.push({
    actor: HUB_ACTOR,
    action: 'DISCLOSURE',
    subject,
    justification: `decided under policy ${decision.policyVersion}`,
    details: {
      originatorAgency: decision.originatorAgency,
      caseRef: decision.caseRef,
      recipients: delivered.map((o) => ({
        agency: o.recipientAgency,
        jurisdiction: o.recipientJurisdiction,
        decision: o.decision,
        rules: o.rules,
      })),
      denied: denied.map((o) => ({ agency: o.recipientAgency, rules: o.rules })),
    },
  });
  return entries;
}
