/**
 * The policy worker's transform, one call per slice of consumed submissions:
 * decode (Avro) → verify the originator's SD-JWT once → replay check → validate the
 * message contract → decide for every agency → build each recipient's presentation
 * by selecting disclosures → sign one receipt batch for the slice → outputs:
 * a Delivery per recipient feed, one Decision per message, and a DeadLetter (with
 * its reason code) for every input that cannot be processed. Never throws for bad
 * input; the caller writes all outputs and the offsets in one Kafka transaction.
 */
import { randomUUID } from 'node:crypto';
import {
  codecFor,
  recordSplicer,
  type DeadLetter,
  type Decision,
  type Delivery,
  type RecipientOutcome,
  type Submission,
} from '@liaison/contracts';
import {
  encryptFor,
  planPresentation,
  presentationDigestOf,
  presentationOf,
  signReceiptBatch,
  verifySdJwt,
  type JwsSigner,
  type ReceiptBody,
} from '@liaison/crypto';
import { isDomainError } from '@liaison/errors';
import { Topic, feedTopic, type InputRecord, type OutputRecord } from '@liaison/kafka';
import {
  decideAll,
  planRedaction,
  prepareCatalogue,
  type SlotRedactionPlan,
} from '@liaison/policy';
import { analyseMessage, submissionClaimShape } from '@liaison/runtime';
import type { PolicySnapshot } from './policy-snapshot';

const submissionCodec = codecFor('Submission');
/** A message's deliveries differ only in these; the rest is encoded once per presentation. */
const deliverySplicer = recordSplicer('Delivery', ['recipientAgency', 'receiptProof']);
type SharedDelivery = Omit<Delivery, 'recipientAgency' | 'receipt' | 'receiptProof'>;
const decisionCodec = codecFor('Decision');
const deadLetterCodec = codecFor('DeadLetter');

export interface ReplayCheck {
  /** Returns the `issuer jti source` entries that are replays (first seen from another source). */
  (
    entries: readonly { issuer: string; jti: string; expiresAt: Date; source: string }[],
  ): Promise<Set<string>>;
}

export interface ProcessorDeps {
  readonly snapshot: () => PolicySnapshot;
  readonly hubSigner: JwsSigner;
  readonly replays: ReplayCheck;
  readonly clockSkewSec: number;
  readonly maxTokenBytes: number;
  /** Longest exp - iat a message may claim (MESSAGE_MAX_LIFETIME_SECONDS). */
  readonly maxLifetimeSec: number;
  readonly now?: () => number;
  readonly onDeadLetter?: (reasonCode: string) => void;
}

interface PendingDelivery {
  /** The same object for every recipient of one presentation (not when encrypted). */
  readonly shared: SharedDelivery;
  readonly recipientAgency: string;
  readonly receiptBody: ReceiptBody;
}

interface Prepared {
  readonly record: InputRecord;
  readonly submission: Submission;
  readonly decision: Decision;
  readonly deliveries: PendingDelivery[];
}

class Rejection extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly messageId: string | null = null,
  ) {
    super(message);
  }
}

function rejectionOf(error: unknown, messageId: string | null): Rejection {
  if (error instanceof Rejection) return error;
  if (isDomainError(error)) return new Rejection(error.code, error.message, messageId);
  return new Rejection(
    'worker.unexpected',
    error instanceof Error ? error.message : String(error),
    messageId,
  );
}

export class SubmissionProcessor {
  constructor(private readonly deps: ProcessorDeps) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private deadLetter(record: InputRecord, rejection: Rejection): OutputRecord {
    this.deps.onDeadLetter?.(rejection.code);
    const letter: DeadLetter = {
      sourceTopic: record.topic,
      sourcePartition: record.partition,
      sourceOffset: record.offset,
      key: record.key,
      messageId: rejection.messageId,
      reasonCode: rejection.code,
      reason: rejection.message.slice(0, 2000),
      payload: record.value ?? Buffer.alloc(0),
      failedAt: new Date(this.now()).toISOString(),
    };
    return {
      topic: Topic.deadLetters,
      key: `${record.topic}:${record.partition}:${record.offset}`,
      value: deadLetterCodec.encode(letter),
      headers: { 'x-reason-code': rejection.code },
    };
  }

  /** Verifies and decides one submission; throws a Rejection for poison input. */
  private async prepare(record: InputRecord, snapshot: PolicySnapshot): Promise<Prepared> {
    if (!record.value) throw new Rejection('submission.empty', 'record has no value');
    let submission: Submission;
    try {
      submission = submissionCodec.decode(record.value);
    } catch (error) {
      throw rejectionOf(error, null);
    }
    const messageId = submission.messageId;
    const originatorJurisdiction = snapshot.jurisdictionOf.get(submission.originatorAgency);
    if (originatorJurisdiction === undefined) {
      throw new Rejection(
        'submission.unknown-agency',
        `originator ${submission.originatorAgency} is not registered`,
        messageId,
      );
    }
    try {
      const receivedAtMs = Date.parse(submission.receivedAt);
      // Time claims are judged at acceptance time, so a backlog or a restart
      // never turns a valid submission into an expired one.
      const verified = verifySdJwt(submission.sdJwt, {
        directory: snapshot.keys,
        shape: submissionClaimShape(submission.kind),
        now: () => receivedAtMs,
        maxTokenBytes: this.deps.maxTokenBytes,
        clockSkewSec: this.deps.clockSkewSec,
        maxLifetimeSec: this.deps.maxLifetimeSec,
      });
      if (verified.issuer !== submission.originatorAgency) {
        throw new Rejection(
          'submission.originator-mismatch',
          `signed by ${verified.issuer}, submitted as ${submission.originatorAgency}`,
          messageId,
        );
      }
      const analysed = analyseMessage(verified, submission.kind, originatorJurisdiction);
      if (analysed.message.messageId !== messageId) {
        throw new Rejection(
          'submission.id-mismatch',
          'envelope messageId differs from the signed message',
          messageId,
        );
      }
      const policies = snapshot.policies;
      const decisions = decideAll(policies, analysed.facts);
      const catalogue = prepareCatalogue(analysed.catalogue);
      const decidedAt = new Date(this.now()).toISOString();
      const issuedAt = Math.floor(this.now() / 1000);
      const outcomes: RecipientOutcome[] = [];
      const deliveries: PendingDelivery[] = [];
      const originatorRetention = analysed.message.handling.retentionDays;
      const presentations = new Map<
        SlotRedactionPlan,
        { presented: readonly number[]; digest: string; shared: SharedDelivery }
      >();
      for (const decision of decisions) {
        // The originator is not a recipient of its own message: no ledger row about itself.
        if (decision.recipient === submission.originatorAgency) continue;
        const profile = snapshot.recipients.get(decision.recipient);
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
        const plan = planRedaction(decision, catalogue);
        // Recipients matched by the same rules share one plan object: build its
        // presentation, paths and digest once per message, not once per recipient.
        let built = presentations.get(plan);
        if (!built) {
          const presentationPlan = planPresentation(verified, plan.disclosedIndices);
          const presentation = presentationOf(verified, presentationPlan);
          const disclosedPaths = presentationPlan.presented.map(
            (i) => verified.disclosures[i]?.concretePath ?? '',
          );
          const withheld = plan.withheld.map((w) => ({
            path: verified.disclosures[w.index]?.concretePath ?? w.path,
            ruleId: w.ruleId,
          }));
          built = {
            presented: presentationPlan.presented,
            digest: presentationDigestOf(presentation),
            // Every field of this plan's deliveries but the recipient and the receipt.
            shared: {
              messageId,
              kind: submission.kind,
              messageType: analysed.message.messageType,
              originatorAgency: submission.originatorAgency,
              caseRef: analysed.message.caseRef,
              presentation,
              encrypted: false,
              disclosedPaths,
              withheld,
              policyVersion: policies.version,
              deliveredAt: decidedAt,
              custodial: submission.custodial,
            },
          };
          presentations.set(plan, built);
        }
        const { presentation, disclosedPaths, withheld } = built.shared;
        const presentationDigest = built.digest;
        const outcome = withheld.length === 0 ? 'FULL' : 'REDACTED';
        outcomes.push({
          recipientAgency: decision.recipient,
          recipientJurisdiction: profile.jurisdiction,
          decision: outcome,
          rules: decision.rules,
          disclosedPaths,
          withheld,
          disclosureIndices: built.presented,
          presentationDigest,
          retentionDays,
        });
        deliveries.push({
          shared: profile.encryptionKey
            ? {
                ...built.shared,
                presentation: await encryptFor(presentation, profile.encryptionKey),
                encrypted: true,
              }
            : built.shared,
          recipientAgency: decision.recipient,
          receiptBody: {
            messageId,
            recipientAgency: decision.recipient,
            disclosedPaths,
            withheld,
            policyVersion: policies.version,
            presentationDigest,
            issuedAt,
          },
        });
      }
      const [issuerJwt, ...rest] = submission.sdJwt.split('~');
      const decision: Decision = {
        messageId,
        kind: submission.kind,
        messageType: analysed.message.messageType,
        originatorAgency: submission.originatorAgency,
        originatorJurisdiction,
        caseRef: analysed.message.caseRef,
        policyVersion: policies.version,
        decidedAt,
        issuerJwt: issuerJwt ?? '',
        disclosures: rest.filter((d) => d.length > 0),
        custodial: submission.custodial,
        outcomes,
        receiptBatch: null,
      };
      return { record, submission, decision, deliveries };
    } catch (error) {
      throw rejectionOf(error, messageId);
    }
  }

  async transform(records: readonly InputRecord[]): Promise<OutputRecord[]> {
    const snapshot = this.deps.snapshot();
    const outputs: OutputRecord[] = [];
    const prepared: Prepared[] = [];
    const rejected = new Map<InputRecord, Rejection>();
    for (const record of records) {
      try {
        prepared.push(await this.prepare(record, snapshot));
      } catch (error) {
        rejected.set(record, rejectionOf(error, null));
      }
    }
    // Replays: the same message id from a different Kafka position than the first time.
    const sourceOf = (p: Prepared): string =>
      `${p.record.topic}:${p.record.partition}:${p.record.offset}`;
    const replays = await this.deps.replays(
      prepared.map((p) => ({
        issuer: p.submission.originatorAgency,
        jti: p.submission.messageId,
        expiresAt: new Date(Date.parse(p.submission.receivedAt) + 30 * 24 * 3600 * 1000),
        source: sourceOf(p),
      })),
    );
    const accepted = prepared.filter((p) => {
      if (!replays.has(`${p.submission.originatorAgency} ${p.submission.messageId} ${sourceOf(p)}`))
        return true;
      rejected.set(
        p.record,
        new Rejection(
          'submission.replayed',
          `message ${p.submission.messageId} was already submitted`,
          p.submission.messageId,
        ),
      );
      return false;
    });
    const bodies = accepted.flatMap((p) => p.deliveries.map((d) => d.receiptBody));
    const batch =
      bodies.length > 0
        ? signReceiptBatch(bodies, {
            signer: this.deps.hubSigner,
            batchId: randomUUID(),
            now: () => this.now(),
          })
        : undefined;
    const acceptedByRecord = new Map(accepted.map((a) => [a.record, a]));
    const templates = new Map<SharedDelivery, ReturnType<typeof deliverySplicer.template>>();
    let leaf = 0;
    for (const record of records) {
      const rejection = rejected.get(record);
      if (rejection) {
        outputs.push(this.deadLetter(record, rejection));
        continue;
      }
      const p = acceptedByRecord.get(record);
      if (!p) continue;
      for (const d of p.deliveries) {
        const signed = batch?.receipts[leaf++];
        if (!signed) throw new Error('receipt batch is shorter than the deliveries');
        let template = templates.get(d.shared);
        if (!template) {
          template = deliverySplicer.template({ ...d.shared, receipt: signed.receiptJws });
          templates.set(d.shared, template);
        }
        outputs.push({
          topic: feedTopic(d.recipientAgency),
          key: d.shared.messageId,
          // In parts: the presentation and the rest of what the template's
          // recipients share is one buffer for all of them, not a copy each.
          value: template.encodeParts({
            recipientAgency: d.recipientAgency,
            receiptProof: signed.proof,
          }),
        });
      }
      const partitionKey = p.decision.caseRef ?? p.decision.messageId;
      outputs.push({
        topic: Topic.decisions,
        key: partitionKey,
        value: decisionCodec.encode({ ...p.decision, receiptBatch: batch?.batchJws ?? null }),
      });
    }
    return outputs;
  }
}
