/**
 * The worker's transform on a slice, without Kafka or PostgreSQL: the seed world
 * compiled in memory, example messages signed by their originators, and a replay
 * check that is a plain in-memory set. What goes out: a Delivery per entitled
 * recipient on its feed topic with a receipt that verifies, one Decision per
 * message, a dead letter with its reason for every input it cannot process.
 */
import { codecFor, type Submission } from '@liaison/contracts';
import {
  createJwsSigner,
  decryptPresentation,
  generateAgencyKeys,
  presentationDigestOf,
  verifyReceipt,
} from '@liaison/crypto';
import type { RecipientProfile } from '@liaison/fanout';
import { FEED_PARTITION, Topic, feedTopic, type InputRecord } from '@liaison/kafka';
import { compilePolicies } from '@liaison/policy';
import { ALL_KNOWN_PATHS } from '@liaison/messages';
import { loadSeed } from '../../../libs/policy/test/fixtures';
import {
  NOW_MS,
  claimsOf,
  exampleSigners,
  loadExamples,
  signClaims,
} from '../../../libs/messages/src/testing/signed-examples';
import { ONWARD_WITHOUT_CONSENT, type StoredLinkRow } from '@liaison/links';
import type { OnwardKnowledge, OnwardQuestion } from '@liaison/persistence';
import type { PolicySnapshot } from './policy-snapshot';
import { SubmissionProcessor, type ReplayCheck } from './submission.processor';

const submissionCodec = codecFor('Submission');
const deliveryCodec = codecFor('Delivery');
const decisionCodec = codecFor('Decision');
const deadLetterCodec = codecFor('DeadLetter');

const seed = loadSeed();
const examples = loadExamples();
const signers = exampleSigners([...new Set(examples.map((e) => String(e.json.originatorAgency)))]);
const hubKey = generateAgencyKeys('EdDSA');
const encKey = generateAgencyKeys('ECDH-ES+A256KW');
/** One recipient takes its presentations encrypted. */
const ENCRYPTED_RECIPIENT = 'de-bka';

const snapshot: PolicySnapshot = {
  policies: compilePolicies(seed.documents, seed.directory, ALL_KNOWN_PATHS),
  keys: signers.directory,
  jurisdictionOf: new Map(seed.directory.agencies.map((a) => [a.id, a.jurisdiction])),
  recipients: new Map(
    seed.directory.agencies.map((a): [string, RecipientProfile] => [
      a.id,
      {
        jurisdiction: a.jurisdiction,
        retentionDays: a.retentionDays,
        encryptionKey: a.id === ENCRYPTED_RECIPIENT ? encKey.publicJwk : undefined,
      },
    ]),
  ),
  loadedAt: new Date(NOW_MS),
};

function record(offset: number, value: Buffer | null): InputRecord {
  return {
    topic: Topic.submissions,
    partition: 0,
    offset: String(offset),
    key: null,
    value,
    headers: {},
    timestamp: String(NOW_MS),
  };
}

async function submissionOf(file: string, overrides: Partial<Submission> = {}): Promise<Buffer> {
  const example = examples.find((e) => e.file === file);
  if (!example) throw new Error(`no example ${file}`);
  const sdJwt = await signClaims(signers, example.kind, claimsOf(example.json, example.kind));
  return submissionCodec.encode({
    messageId: String(example.json.messageId),
    kind: example.kind,
    originatorAgency: String(example.json.originatorAgency),
    sdJwt,
    custodial: false,
    receivedAt: new Date(NOW_MS).toISOString(),
    idempotencyKey: null,
    caseRef: null,
    correlationId: 'corr-1',
    releaseOf: null,
    ...overrides,
  });
}

/** A replay store in memory: the first source of a message id wins. */
function memoryReplays(): ReplayCheck {
  const firstSource = new Map<string, string>();
  return (entries) => {
    const replayed = new Set<string>();
    for (const e of entries) {
      const id = `${e.issuer} ${e.jti}`;
      const first = firstSource.get(id) ?? e.source;
      firstSource.set(id, first);
      if (first !== e.source) replayed.add(`${id} ${e.source}`);
    }
    return Promise.resolve(replayed);
  };
}

function processor(
  deadLetters: string[] = [],
  onward?: (questions: readonly OnwardQuestion[]) => Promise<OnwardKnowledge[]>,
): SubmissionProcessor {
  return new SubmissionProcessor({
    onward,
    snapshot: () => snapshot,
    hubSigner: createJwsSigner({ privateJwk: hubKey.privateJwk, kid: hubKey.kid, alg: 'EdDSA' }),
    replays: memoryReplays(),
    clockSkewSec: 60,
    maxTokenBytes: 1 << 20,
    maxLifetimeSec: 24 * 3600,
    now: () => NOW_MS,
    onDeadLetter: (code) => deadLetters.push(code),
  });
}

const FILE = 'alert-victim-at-risk.json';

describe('SubmissionProcessor.transform', () => {
  it('fans a message out to its recipients with receipts that verify, then its decision', async () => {
    const outputs = await processor().transform([record(0, await submissionOf(FILE))]);
    // Whole Buffers: the produce path of kafkajs as released (ADR 0007).
    expect(outputs.every((o) => Buffer.isBuffer(o.value))).toBe(true);
    const last = outputs[outputs.length - 1];
    expect(last?.topic).toBe(Topic.decisions);
    const decision = decisionCodec.decode(last?.value ?? Buffer.alloc(0));
    const deliveries = outputs.slice(0, -1);
    const entitled = decision.outcomes.filter((o) => o.decision !== 'DENIED');
    expect(entitled.map((o) => o.recipientAgency)).toContain(ENCRYPTED_RECIPIENT);
    expect(deliveries.map((o) => o.topic)).toEqual(
      entitled.map((o) => feedTopic(o.recipientAgency)),
    );
    // Every delivery names the feed's one partition; the decision is keyed by its case.
    expect(deliveries.every((o) => o.partition === FEED_PARTITION)).toBe(true);
    expect(last?.partition).toBeUndefined();
    expect(decision.outcomes.map((o) => o.recipientAgency)).not.toContain(
      decision.originatorAgency,
    );
    expect(decision.receiptBatch).not.toBeNull();
    for (const output of deliveries) {
      const delivery = deliveryCodec.decode(output.value);
      expect(output.key).toBe(decision.messageId);
      const outcome = entitled.find((o) => o.recipientAgency === delivery.recipientAgency);
      const presentation = delivery.encrypted
        ? await decryptPresentation(delivery.presentation, encKey.privateJwk)
        : delivery.presentation;
      expect(delivery.encrypted).toBe(delivery.recipientAgency === ENCRYPTED_RECIPIENT);
      expect(presentationDigestOf(presentation)).toBe(outcome?.presentationDigest);
      expect(delivery.receipt).toBe(decision.receiptBatch);
      expect([delivery.disclosedPaths, delivery.withheld]).toEqual([
        outcome?.disclosedPaths,
        outcome?.withheld,
      ]);
      expect(() =>
        verifyReceipt(
          // What the ledger records for this recipient is what the receipt signs.
          {
            messageId: decision.messageId,
            recipientAgency: outcome?.recipientAgency ?? '',
            disclosedPaths: outcome?.disclosedPaths ?? [],
            withheld: outcome?.withheld ?? [],
            policyVersion: decision.policyVersion,
            presentationDigest: outcome?.presentationDigest ?? '',
            issuedAt: Math.floor(Date.parse(decision.decidedAt) / 1000),
          },
          delivery.receipt,
          delivery.receiptProof,
          hubKey.publicJwk,
        ),
      ).not.toThrow();
    }
  });

  it("keeps a slice's deliveries intact until it is released, then reuses their memory", async () => {
    const p = processor();
    const deliveriesOf = (outputs: readonly { topic: string; value: Buffer }[]) =>
      outputs.filter((o) => o.topic !== Topic.decisions && o.topic !== Topic.deadLetters);
    const slabsOf = (outputs: readonly { topic: string; value: Buffer }[]) =>
      new Set(deliveriesOf(outputs).map((o) => o.value.buffer));
    const copies = (outputs: readonly { value: Buffer }[]) =>
      outputs.map((o) => Buffer.from(o.value));
    const first = await p.transform([record(0, await submissionOf(FILE))]);
    const second = await p.transform([
      record(1, await submissionOf('alert-trafficking-route.json')),
    ]);
    expect(deliveriesOf(first).length).toBeGreaterThan(0);
    expect(deliveriesOf(second).length).toBeGreaterThan(0);
    const [firstBytes, secondBytes] = [copies(first), copies(second)];
    // Two slices in flight at once never share memory.
    expect([...slabsOf(second)].filter((s) => slabsOf(first).has(s))).toEqual([]);

    p.release(first);
    const third = await p.transform([
      record(2, await submissionOf('alert-recruitment-advert.json')),
    ]);
    // The third slice is written where the first was (it committed) ...
    expect([...slabsOf(third)].some((s) => slabsOf(first).has(s))).toBe(true);
    expect(copies(first)).not.toEqual(firstBytes);
    // ... and never where the second is (still in flight).
    expect(copies(second)).toEqual(secondBytes);
    for (const output of deliveriesOf(third)) {
      expect(deliveryCodec.decode(output.value).messageId).toBe(
        decisionCodec.decode(third[third.length - 1]?.value ?? Buffer.alloc(0)).messageId,
      );
    }
  });

  it('dead-letters poison input with its reason and processes the rest of the slice', async () => {
    const deadLetters: string[] = [];
    const outputs = await processor(deadLetters).transform([
      record(0, null),
      record(1, Buffer.from('not avro')),
      record(2, await submissionOf(FILE, { originatorAgency: 'xx-nobody' })),
      record(3, await submissionOf(FILE, { originatorAgency: 'de-bka' })),
      record(4, await submissionOf('alert-suspect-movement.json')),
    ]);
    const letters = outputs
      .filter((o) => o.topic === Topic.deadLetters)
      .map((o) => deadLetterCodec.decode(o.value));
    expect(letters.map((l) => [l.sourceOffset, l.reasonCode])).toEqual([
      ['0', 'submission.empty'],
      ['1', expect.stringMatching(/^codec\./) as unknown as string],
      ['2', 'submission.unknown-agency'],
      ['3', 'submission.originator-mismatch'],
    ]);
    expect(deadLetters).toEqual(letters.map((l) => l.reasonCode));
    expect(outputs.filter((o) => o.topic === Topic.deadLetters).map((o) => o.key)).toEqual(
      ['0', '1', '2', '3'].map((offset) => `${Topic.submissions}:0:${offset}`),
    );
    expect(outputs.filter((o) => o.topic === Topic.decisions)).toHaveLength(1);
  });

  it('refuses a message id seen before from another position, not a re-delivery', async () => {
    const worker = processor();
    const value = await submissionOf(FILE);
    const first = await worker.transform([record(7, value)]);
    const again = await worker.transform([record(7, value)]);
    expect(again.map((o) => o.topic)).toEqual(first.map((o) => o.topic));
    const replay = await worker.transform([record(8, value)]);
    expect(replay).toHaveLength(1);
    const letter = deadLetterCodec.decode(replay[0]?.value ?? Buffer.alloc(0));
    expect([letter.reasonCode, letter.messageId]).toEqual([
      'submission.replayed',
      examples.find((e) => e.file === FILE)?.json.messageId,
    ]);
  });

  describe('onward sharing', () => {
    const ORIGINAL = '0b0b0b0b-0000-4000-8000-000000000001';
    /** What the link index says the submitter received: AMBER+STRICT from ro-diicot, naming it. */
    function received(submitter: string, patch: Partial<StoredLinkRow> = {}): StoredLinkRow {
      return {
        epoch: 1,
        kind: 'PHONE',
        pseudonym: 'p',
        agency: 'ro-diicot',
        messageId: ORIGINAL,
        caseHandle: 'RO-DIICOT-1',
        tlp: 'AMBER_STRICT',
        handlingCode: 'H0',
        releasableTo: [],
        namedRecipients: [submitter],
        ...patch,
      };
    }

    async function decide(knowledge: (submitter: string) => OnwardKnowledge) {
      const asked: OnwardQuestion[] = [];
      const outputs = await processor([], (questions) => {
        asked.push(...questions);
        return Promise.resolve(questions.map((q) => knowledge(q.submitter)));
      }).transform([record(20, await submissionOf(FILE))]);
      const decision = decisionCodec.decode(outputs[outputs.length - 1]?.value ?? Buffer.alloc(0));
      return { asked, outputs, decision };
    }

    it('holds every recipient the received marks do not allow, and lists the holds', async () => {
      const plain = await decide(() => ({ matched: [], consents: new Set() }));
      const entitled = plain.decision.outcomes
        .filter((o) => o.decision !== 'DENIED')
        .map((o) => o.recipientAgency);
      expect(entitled).toContain('ro-diicot');
      expect(entitled.length).toBeGreaterThan(1);
      expect(plain.asked.map((q) => q.submitter)).toEqual([plain.decision.originatorAgency]);
      expect(plain.decision.onwardHolds).toEqual([]);

      const held = await decide((submitter) => ({
        matched: [received(submitter)],
        consents: new Set(),
      }));
      const outcome = (agency: string) =>
        held.decision.outcomes.find((o) => o.recipientAgency === agency);
      // The original originator still receives it; everyone else entitled is held.
      expect(outcome('ro-diicot')?.decision).not.toBe('DENIED');
      const heldBack = entitled.filter((a) => a !== 'ro-diicot');
      for (const agency of heldBack) {
        expect([outcome(agency)?.decision, outcome(agency)?.rules]).toEqual([
          'DENIED',
          [ONWARD_WITHOUT_CONSENT],
        ]);
      }
      expect(held.decision.onwardHolds).toEqual(
        heldBack.map((recipientAgency) => ({
          recipientAgency,
          originalMessageId: ORIGINAL,
          originalAgency: 'ro-diicot',
        })),
      );
      expect(held.outputs.slice(0, -1).map((o) => o.topic)).toEqual([feedTopic('ro-diicot')]);
    });

    it("the original originator's consent releases one recipient; unrestricted marks hold nothing", async () => {
      const plain = await decide(() => ({ matched: [], consents: new Set() }));
      const released = plain.decision.outcomes.find(
        (o) => o.decision !== 'DENIED' && o.recipientAgency !== 'ro-diicot',
      )?.recipientAgency;
      const consented = await decide((submitter) => ({
        matched: [received(submitter)],
        consents: new Set([`${ORIGINAL}|${released}`]),
      }));
      expect(consented.decision.onwardHolds.map((h) => h.recipientAgency)).not.toContain(released);
      expect(consented.outputs.map((o) => o.topic)).toContain(feedTopic(released ?? ''));
      const amber = await decide((submitter) => ({
        matched: [received(submitter, { tlp: 'AMBER', handlingCode: 'H1' })],
        consents: new Set(),
      }));
      expect(amber.decision.onwardHolds).toEqual([]);
      expect(amber.outputs).toHaveLength(plain.outputs.length);
    });
  });
});
