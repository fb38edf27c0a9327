/**
 * The policy worker's transform, one call per slice of consumed submissions:
 * decode (Avro) → verify the originator's SD-JWT once → decide for every agency →
 * pseudonymise its selectors for the link index (@liaison/links) → replay check
 * and onward-sharing check (what each originator received, from the link index:
 * one statement for the slice, beside the replay check's) → hold the recipients
 * the received marks do not allow (onward-holds.ts); a release of a held
 * message (Submission.releaseOf) is re-decided with the consent in force and
 * planned for the consented recipients only (onward-releases.ts) → plan the fan-out
 * (@liaison/fanout) → encrypt where a recipient asks for it → sign one receipt
 * batch for the slice → encode: a Delivery per
 * recipient feed, one Decision per message, and a DeadLetter (with its reason
 * code) for every input that cannot be processed. Never throws for bad input;
 * the caller writes all outputs and the offsets in one Kafka transaction, and
 * hands them back (`release`) once it committed: a slice's deliveries are cut
 * from slabs of a pool, which the next slices write over.
 */
import { randomUUID } from 'node:crypto';
import {
  RecordSlab,
  SlabPool,
  codecFor,
  recordSplicer,
  type DeadLetter,
  type Submission,
} from '@liaison/contracts';
import { encryptFor, signReceiptBatch, verifySdJwt, type JwsSigner } from '@liaison/crypto';
import {
  Rejection,
  planDeliveries,
  planSlice,
  rejectionOf,
  type DeliveryPlan,
  type FanoutInput,
  type SharedDelivery,
  type SliceEntry,
  type SliceOutput,
} from '@liaison/fanout';
import {
  FEED_PARTITION,
  Topic,
  feedTopic,
  type InputRecord,
  type OutputRecord,
} from '@liaison/kafka';
import { linkFactsOf, type LinkKeyRing, type ReleaseConsent } from '@liaison/links';
import type { OnwardKnowledge, OnwardQuestion } from '@liaison/persistence';
import { decideAll, policyVersionOf, prepareCatalogue } from '@liaison/policy';
import { analyseMessage, submissionClaimShape } from '@liaison/messages';
import { withOnwardHolds } from './onward-holds';
import { releaseDecisions, releaseReplayKey } from './onward-releases';
import type { PolicySnapshot } from './policy-snapshot';
import type { PendingSliceOutcomes } from './slice-outcomes';

const submissionCodec = codecFor('Submission');
/** A message's deliveries differ only in these; the rest is encoded once per presentation. */
const deliverySplicer = recordSplicer('Delivery', ['recipientAgency', 'receiptProof']);
const decisionCodec = codecFor('Decision');
const deadLetterCodec = codecFor('DeadLetter');
/** How long a message id is remembered for the replay check. */
const REPLAY_MEMORY_MS = 30 * 24 * 3600 * 1000;

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
  /** The hub link keys: each decision carries its message's selector pseudonyms. */
  readonly linkKeys?: LinkKeyRing;
  readonly onDeadLetter?: (reasonCode: string) => void;
  /** Where each slice's decisions wait for its commit (the worker's metrics). */
  readonly outcomes?: PendingSliceOutcomes;
  /**
   * What each submission's originator received that restricts onward sharing
   * (one answer per question, in order); without it nothing is held.
   */
  readonly onward?: (questions: readonly OnwardQuestion[]) => Promise<OnwardKnowledge[]>;
  /** The consent requests a slice's releases name, by id; without it every release is refused. */
  readonly releases?: (requestIds: readonly string[]) => Promise<Map<string, ReleaseConsent>>;
}

/** A verified and decided submission, before its fan-out is planned. */
interface Analysed {
  readonly record: InputRecord;
  readonly submission: Submission;
  readonly fanout: FanoutInput;
}

interface Planned {
  readonly record: InputRecord;
  readonly submission: Submission;
  readonly plan: DeliveryPlan;
}

/** Where a record was consumed from: a re-delivery of the same position is not a replay. */
function sourceOf(record: InputRecord): string {
  return `${record.topic}:${record.partition}:${record.offset}`;
}

export class SubmissionProcessor {
  /** Slabs of committed slices, reused for the deliveries of the next ones. */
  private readonly slabPool = new SlabPool();
  /** Each slice's slab, by the outputs it returned, until they are released. */
  private readonly slabs = new WeakMap<readonly OutputRecord[], RecordSlab>();

  constructor(private readonly deps: ProcessorDeps) {}

  /**
   * A slice's outputs are no longer read (its transaction committed): the
   * slabs its deliveries were cut from go back to the pool. Outputs of a slice
   * that was never released are collected as any garbage.
   */
  release(outputs: readonly OutputRecord[]): void {
    this.slabs.get(outputs)?.release();
    this.slabs.delete(outputs);
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** Decodes, verifies and decides one submission; throws a Rejection for poison input. */
  private analyse(record: InputRecord, snapshot: PolicySnapshot): Analysed {
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
      const fanout = {
        submission,
        originatorJurisdiction,
        verified,
        message: analysed.message,
        decisions: decideAll(snapshot.policies, analysed.facts),
        catalogue: prepareCatalogue(analysed.catalogue),
        recipients: snapshot.recipients,
        policyVersion: policyVersionOf(snapshot.policies, originatorJurisdiction),
        decidedAtMs: this.now(),
        links:
          this.deps.linkKeys === undefined
            ? null
            : linkFactsOf(analysed.message, originatorJurisdiction, this.deps.linkKeys.matching),
      };
      return { record, submission, fanout };
    } catch (error) {
      throw rejectionOf(error, messageId);
    }
  }

  /** The fan-out of an analysed submission, onward holds applied; throws a Rejection. */
  private async plan(
    analysed: Analysed,
    knowledge: OnwardKnowledge | undefined,
    snapshot: PolicySnapshot,
    consents: ReadonlyMap<string, ReleaseConsent>,
  ): Promise<Planned> {
    const { record, submission, fanout } = analysed;
    try {
      const held =
        knowledge === undefined
          ? { decisions: fanout.decisions, holds: [] }
          : withOnwardHolds({
              submitter: submission.originatorAgency,
              decisions: fanout.decisions,
              deliverable: (agency) => snapshot.recipients.has(agency),
              knowledge,
            });
      const releaseOf = submission.releaseOf;
      const plan =
        releaseOf === null
          ? planDeliveries({ ...fanout, decisions: held.decisions, onwardHolds: held.holds })
          : planDeliveries({
              ...fanout,
              // A release indexes nothing and asks nothing: the held message did both.
              links: null,
              decisions: releaseDecisions(
                held.decisions,
                consents.get(releaseOf.toLowerCase()),
                submission,
              ),
              releaseOf: releaseOf.toLowerCase(),
            });
      return { record, submission, plan: await this.encrypted(plan) };
    } catch (error) {
      throw rejectionOf(error, submission.messageId);
    }
  }

  /** Each analysed submission's onward knowledge (one statement), or none without a source. */
  private async onward(analysed: readonly Analysed[]): Promise<(OnwardKnowledge | undefined)[]> {
    if (this.deps.onward === undefined) return analysed.map(() => undefined);
    return this.deps.onward(
      analysed.map((a) => ({
        submitter: a.submission.originatorAgency,
        pseudonyms: a.fanout.links?.pseudonyms ?? [],
      })),
    );
  }

  /** The plan with each presentation encrypted to the recipients that ask for it. */
  private async encrypted(plan: DeliveryPlan): Promise<DeliveryPlan> {
    if (plan.deliveries.every((d) => d.encryptTo === undefined)) return plan;
    const deliveries = await Promise.all(
      plan.deliveries.map(async (d) =>
        d.encryptTo === undefined
          ? d
          : {
              ...d,
              shared: {
                ...d.shared,
                presentation: await encryptFor(d.shared.presentation, d.encryptTo),
                encrypted: true,
              },
              encryptTo: undefined,
            },
      ),
    );
    return { ...plan, deliveries };
  }

  /**
   * Replays: the same message id from a different Kafka position than the
   * first time; a release is remembered by its consent request instead (its
   * message id was seen when it was held), so a second release of the same
   * consent is a replay.
   */
  private async replayed(planned: readonly Analysed[]): Promise<Map<InputRecord, Rejection>> {
    const jtiOf = (s: Submission): string =>
      s.releaseOf === null ? s.messageId : releaseReplayKey(s.releaseOf);
    const replays = await this.deps.replays(
      planned.map((p) => ({
        issuer: p.submission.originatorAgency,
        jti: jtiOf(p.submission),
        expiresAt: new Date(
          (p.submission.releaseOf === null ? Date.parse(p.submission.receivedAt) : this.now()) +
            REPLAY_MEMORY_MS,
        ),
        source: sourceOf(p.record),
      })),
    );
    const rejected = new Map<InputRecord, Rejection>();
    for (const { record, submission } of planned) {
      if (!replays.has(`${submission.originatorAgency} ${jtiOf(submission)} ${sourceOf(record)}`))
        continue;
      rejected.set(
        record,
        new Rejection(
          'submission.replayed',
          submission.releaseOf === null
            ? `message ${submission.messageId} was already submitted`
            : `the release under consent request ${submission.releaseOf} was already submitted`,
          submission.messageId,
        ),
      );
    }
    return rejected;
  }

  /** The consent requests the slice's releases name (no round trip without a release). */
  private async consents(
    analysed: readonly Analysed[],
  ): Promise<ReadonlyMap<string, ReleaseConsent>> {
    const ids = analysed.flatMap((a) =>
      a.submission.releaseOf === null ? [] : [a.submission.releaseOf.toLowerCase()],
    );
    if (ids.length === 0 || this.deps.releases === undefined) return new Map();
    return this.deps.releases(ids);
  }

  async transform(records: readonly InputRecord[]): Promise<OutputRecord[]> {
    const snapshot = this.deps.snapshot();
    const stages: (Analysed | Rejection)[] = records.map((record) => {
      try {
        return this.analyse(record, snapshot);
      } catch (error) {
        return rejectionOf(error, null);
      }
    });
    const analysed = stages.filter((s): s is Analysed => !(s instanceof Rejection));
    // Round trips side by side: the replay store, the link index and (with
    // releases in the slice) the consent requests they name.
    const [replayed, knowledge, consents] = await Promise.all([
      this.replayed(analysed),
      this.onward(analysed),
      this.consents(analysed),
    ]);
    const knowledgeOf = new Map(analysed.map((a, i) => [a.record, knowledge[i]]));
    const planned: Planned[] = [];
    const entries: SliceEntry<InputRecord>[] = [];
    for (const [i, stage] of stages.entries()) {
      const record = records[i] as InputRecord;
      if (stage instanceof Rejection) {
        entries.push({ input: record, rejection: stage });
        continue;
      }
      try {
        const p = await this.plan(stage, knowledgeOf.get(record), snapshot, consents);
        planned.push(p);
        entries.push({ input: record, plan: p.plan });
      } catch (error) {
        entries.push({ input: record, rejection: rejectionOf(error, null) });
      }
    }
    const last = records[records.length - 1];
    if (last !== undefined && this.deps.outcomes !== undefined) {
      const accepted = planned.filter((p) => !replayed.has(p.record));
      this.deps.outcomes.keep(
        last.partition,
        last.offset,
        accepted.map((p) => p.plan.decision),
        accepted.map((p) => p.submission.receivedAt),
      );
    }
    const slice = planSlice(
      entries.map((entry) => {
        const rejection = replayed.get(entry.input);
        return rejection ? { input: entry.input, rejection } : entry;
      }),
      (bodies) =>
        signReceiptBatch(bodies, {
          signer: this.deps.hubSigner,
          batchId: randomUUID(),
          now: () => this.now(),
        }),
    );
    const templates = new Map<SharedDelivery, ReturnType<typeof deliverySplicer.template>>();
    const slab = new RecordSlab(this.slabPool);
    const outputs = slice.map((output) => this.encode(output, templates, slab));
    this.slabs.set(outputs, slab);
    return outputs;
  }

  private encode(
    output: SliceOutput<InputRecord>,
    templates: Map<SharedDelivery, ReturnType<typeof deliverySplicer.template>>,
    slab: RecordSlab,
  ): OutputRecord {
    switch (output.kind) {
      case 'delivery': {
        const { delivery, receipt } = output;
        let template = templates.get(delivery.shared);
        if (!template) {
          template = deliverySplicer.template(
            { ...delivery.shared, receipt: receipt.receiptJws },
            slab,
          );
          templates.set(delivery.shared, template);
        }
        return {
          topic: feedTopic(delivery.recipientAgency),
          partition: FEED_PARTITION,
          key: delivery.shared.messageId,
          // The template encodes what its recipients share once; each record
          // is written whole from those bytes and its own (kafkajs takes whole values).
          value: template.encode({
            recipientAgency: delivery.recipientAgency,
            receiptProof: receipt.proof,
          }),
        };
      }
      case 'decision':
        return {
          topic: Topic.decisions,
          key: output.decision.caseRef ?? output.decision.messageId,
          value: decisionCodec.encode(output.decision),
        };
      case 'dead-letter':
        return this.deadLetter(output.input, output.rejection);
    }
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
      key: sourceOf(record),
      value: deadLetterCodec.encode(letter),
      headers: { 'x-reason-code': rejection.code },
    };
  }
}
