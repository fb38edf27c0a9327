/**
 * The fan-out of one verified message, as pure domain logic: from the message,
 * every agency's decision, the recipients' profiles and the message's disclosure
 * catalogue to one delivery per entitled recipient (its presentation selected by
 * disclosure index, never re-signed), the receipt body the hub signs for it, and
 * the Decision record (every outcome, for the share ledger). No I/O, no clock:
 * the caller passes the decision time, encrypts presentations where a recipient
 * asks for it and signs the slice's receipts.
 */
import type {
  Decision,
  Delivery,
  LinkFacts,
  Message,
  OnwardHold,
  RecipientOutcome,
  Submission,
} from '@liaison/contracts';
import {
  planPresentation,
  presentationDigestOf,
  presentationOf,
  type PublicJwk,
  type ReceiptBody,
  type VerifiedSdJwt,
} from '@liaison/crypto';
import {
  planRedaction,
  type PreparedCatalogue,
  type RecipientDecision,
  type SlotRedactionPlan,
} from '@liaison/policy';

/** What the hub knows of a recipient agency when it delivers to it. */
export interface RecipientProfile {
  readonly jurisdiction: string;
  readonly retentionDays: number;
  /** Set when the agency takes its presentations encrypted (JWE) to this key. */
  readonly encryptionKey: PublicJwk | undefined;
}

/** A delivery's fields but the recipient and its receipt: what one presentation's recipients share. */
export type SharedDelivery = Omit<Delivery, 'recipientAgency' | 'receipt' | 'receiptProof'>;

export interface PlannedDelivery {
  /** The same object for every recipient of one presentation (the encoder reuses its bytes). */
  readonly shared: SharedDelivery;
  readonly recipientAgency: string;
  /** Where set, the caller sends `shared.presentation` encrypted to this key. */
  readonly encryptTo: PublicJwk | undefined;
  /** What the hub's receipt for this delivery says (signed per slice by the caller). */
  readonly receiptBody: ReceiptBody;
}

export interface DeliveryPlan {
  /** Every outcome of the message; `receiptBatch` is null until the slice's batch is signed. */
  readonly decision: Decision;
  /** One per entitled recipient, in decision order. */
  readonly deliveries: readonly PlannedDelivery[];
}

export interface FanoutInput {
  /** The envelope as consumed (its SD-JWT verified as `verified`). */
  readonly submission: Pick<
    Submission,
    'messageId' | 'kind' | 'originatorAgency' | 'custodial' | 'sdJwt'
  >;
  readonly originatorJurisdiction: string;
  readonly verified: VerifiedSdJwt;
  /** The message the verified claims hold, validated against its contract. */
  readonly message: Message;
  /** One per agency considered (the originator's own is skipped). */
  readonly decisions: readonly RecipientDecision[];
  /** The message's disclosure slots, prepared once (prepareCatalogue). */
  readonly catalogue: PreparedCatalogue;
  readonly recipients: ReadonlyMap<string, RecipientProfile>;
  readonly policyVersion: string;
  /** Epoch milliseconds: the decision and delivery time. */
  readonly decidedAtMs: number;
  /** The message's link pseudonyms and marks for the link index; null without a link key. */
  readonly links?: LinkFacts | null;
  /** Recipients held back by onward sharing (their decisions are already DENIED). */
  readonly onwardHolds?: readonly OnwardHold[];
  /** A release: the consent request under which the decisions given (the consented recipients only) deliver. */
  readonly releaseOf?: string | null;
}

/** One redaction plan's presentation, built once however many recipients share it. */
interface BuiltPresentation {
  readonly presented: readonly number[];
  readonly digest: string;
  readonly shared: SharedDelivery;
}

export function planDeliveries(input: FanoutInput): DeliveryPlan {
  const { submission, verified, message, recipients, policyVersion } = input;
  const messageId = submission.messageId;
  const decidedAt = new Date(input.decidedAtMs).toISOString();
  const issuedAt = Math.floor(input.decidedAtMs / 1000);
  const originatorRetention = message.handling.retentionDays;
  const outcomes: RecipientOutcome[] = [];
  const deliveries: PlannedDelivery[] = [];
  const presentations = new Map<SlotRedactionPlan, BuiltPresentation>();

  const build = (plan: SlotRedactionPlan): BuiltPresentation => {
    const presentationPlan = planPresentation(verified, plan.disclosedIndices);
    const presentation = presentationOf(verified, presentationPlan);
    return {
      presented: presentationPlan.presented,
      digest: presentationDigestOf(presentation),
      shared: {
        messageId,
        kind: submission.kind,
        messageType: message.messageType,
        originatorAgency: submission.originatorAgency,
        caseRef: message.caseRef,
        presentation,
        encrypted: false,
        disclosedPaths: presentationPlan.presented.map(
          (i) => verified.disclosures[i]?.concretePath ?? '',
        ),
        withheld: plan.withheld.map((w) => ({
          path: verified.disclosures[w.index]?.concretePath ?? w.path,
          ruleId: w.ruleId,
        })),
        policyVersion,
        deliveredAt: decidedAt,
        custodial: submission.custodial,
      },
    };
  };

  for (const decision of input.decisions) {
    // The originator is not a recipient of its own message: no ledger row about itself.
    if (decision.recipient === submission.originatorAgency) continue;
    const profile = recipients.get(decision.recipient);
    if (!profile) continue;
    const retentionDays = Math.min(
      profile.retentionDays,
      originatorRetention ?? Number.MAX_SAFE_INTEGER,
    );
    if (decision.outcome === 'DENIED') {
      outcomes.push({
        recipientAgency: decision.recipient,
        recipientJurisdiction: profile.jurisdiction,
        decision: 'DENIED',
        rules: decision.rules,
        disclosedPaths: [],
        withheld: [],
        disclosureIndices: [],
        presentationDigest: null,
        retentionDays,
      });
      continue;
    }
    // Recipients matched by the same rules share one plan object: its presentation,
    // paths and digest are built once per message, not once per recipient.
    const plan = planRedaction(decision, input.catalogue);
    let built = presentations.get(plan);
    if (!built) presentations.set(plan, (built = build(plan)));
    const { disclosedPaths, withheld } = built.shared;
    outcomes.push({
      recipientAgency: decision.recipient,
      recipientJurisdiction: profile.jurisdiction,
      decision: withheld.length === 0 ? 'FULL' : 'REDACTED',
      rules: decision.rules,
      disclosedPaths,
      withheld,
      disclosureIndices: built.presented,
      presentationDigest: built.digest,
      retentionDays,
    });
    deliveries.push({
      shared: built.shared,
      recipientAgency: decision.recipient,
      encryptTo: profile.encryptionKey,
      receiptBody: {
        messageId,
        recipientAgency: decision.recipient,
        disclosedPaths,
        withheld,
        policyVersion,
        presentationDigest: built.digest,
        issuedAt,
      },
    });
  }

  const [issuerJwt, ...rest] = submission.sdJwt.split('~');
  return {
    decision: {
      messageId,
      kind: submission.kind,
      messageType: message.messageType,
      originatorAgency: submission.originatorAgency,
      originatorJurisdiction: input.originatorJurisdiction,
      caseRef: message.caseRef,
      policyVersion,
      decidedAt,
      issuerJwt: issuerJwt ?? '',
      disclosures: rest.filter((d) => d.length > 0),
      custodial: submission.custodial,
      outcomes,
      receiptBatch: null,
      links: input.links ?? null,
      onwardHolds: (input.onwardHolds ?? []).filter((h) =>
        outcomes.some((o) => o.recipientAgency === h.recipientAgency),
      ),
      releaseOf: input.releaseOf ?? null,
    },
    deliveries,
  };
}
