/**
 * planDeliveries on real signed example messages (every disclosable field a
 * disclosure) and decisions drawn at random: who gets a delivery, what it
 * discloses, what the Decision records, and that recipients of one plan share
 * one presentation. Fixed seed; LIAISON_PROPERTY_RUNS=<n> runs more cases.
 */
import fc from 'fast-check';
import type { Decision, Message, MessageKind } from '@liaison/contracts';
import {
  generateAgencyKeys,
  presentationDigestOf,
  verifySdJwt,
  type VerifiedSdJwt,
} from '@liaison/crypto';
import {
  BUILTIN,
  SUBJECT_ROLES,
  prepareCatalogue,
  type RecipientDecision,
  type WithheldPath,
  type WithheldSubjectRole,
} from '@liaison/policy';
import { analyseMessage, disclosablePathsOf } from '@liaison/messages';
import {
  NOW_MS,
  claimsOf,
  exampleSigners,
  hubVerifyOptions,
  loadExamples,
  signClaims,
} from '../../messages/src/testing/signed-examples';
import { planDeliveries, type FanoutInput, type RecipientProfile } from './delivery-plan';

const RUNS = Number(process.env.LIAISON_PROPERTY_RUNS ?? 40);
const SEED = 1903;
const POLICY_VERSION = 'pv-test';

interface SignedExample {
  readonly file: string;
  readonly kind: MessageKind;
  readonly sdJwt: string;
  readonly verified: VerifiedSdJwt;
  readonly message: Message;
  readonly originator: string;
}

const examples = loadExamples();
const signers = exampleSigners([...new Set(examples.map((e) => String(e.json.originatorAgency)))]);
let signed: SignedExample[] = [];

beforeAll(async () => {
  signed = await Promise.all(
    examples.map(async (e): Promise<SignedExample> => {
      const sdJwt = await signClaims(signers, e.kind, claimsOf(e.json, e.kind));
      const verified = verifySdJwt(sdJwt, hubVerifyOptions(signers.directory, e.kind));
      const { message } = analyseMessage(verified, e.kind, 'XX');
      return {
        file: e.file,
        kind: e.kind,
        sdJwt,
        verified,
        message,
        originator: message.originatorAgency,
      };
    }),
  );
});

function inputFor(
  example: SignedExample,
  decisions: readonly RecipientDecision[],
  recipients: ReadonlyMap<string, RecipientProfile>,
): FanoutInput {
  const { catalogue } = analyseMessage(example.verified, example.kind, 'XX');
  return {
    submission: {
      messageId: example.message.messageId,
      kind: example.kind,
      originatorAgency: example.originator,
      custodial: false,
      sdJwt: example.sdJwt,
    },
    originatorJurisdiction: 'XX',
    verified: example.verified,
    message: example.message,
    decisions,
    catalogue: prepareCatalogue(catalogue),
    recipients,
    policyVersion: POLICY_VERSION,
    decidedAtMs: NOW_MS,
  };
}

function decision(
  recipient: string,
  outcome: RecipientDecision['outcome'],
  rule: Partial<RecipientDecision> = {},
): RecipientDecision {
  return {
    recipient,
    outcome,
    rules: [outcome === 'DENIED' ? BUILTIN.defaultDeny : 'rule-share'],
    withheld: [],
    withheldSubjects: [],
    victimIdentityReleased: true,
    minorIdentityReleased: true,
    policyVersion: POLICY_VERSION,
    ...rule,
  };
}

const profile = (jurisdiction: string, retentionDays = 365): RecipientProfile => ({
  jurisdiction,
  retentionDays,
  encryptionKey: undefined,
});

/** The presentation the Decision's indices rebuild (what audit keeps, ADR 0008). */
function rebuilt(decisionRecord: Decision, indices: readonly number[]): string {
  return `${decisionRecord.issuerJwt}~${indices.map((i) => `${decisionRecord.disclosures[i]}~`).join('')}`;
}

function exampleNamed(prefix: string): SignedExample {
  const found = signed.find((s) => s.file.startsWith(prefix));
  if (!found) throw new Error(`no example ${prefix}`);
  return found;
}

describe('planDeliveries', () => {
  it('delivers to entitled recipients only, never to the originator or the denied', () => {
    const example = exampleNamed('alert-victim-at-risk');
    const recipients = new Map([
      ['de-bka', profile('DE', 30)],
      ['fr-pn', profile('FR')],
      [example.originator, profile('NL')],
    ]);
    const plan = planDeliveries(
      inputFor(
        example,
        [
          decision('de-bka', 'FULL'),
          decision('fr-pn', 'DENIED'),
          decision(example.originator, 'FULL'),
          decision('xx-unknown', 'FULL'),
        ],
        recipients,
      ),
    );
    expect(plan.deliveries.map((d) => d.recipientAgency)).toEqual(['de-bka']);
    expect(plan.decision.outcomes.map((o) => [o.recipientAgency, o.decision])).toEqual([
      ['de-bka', 'FULL'],
      ['fr-pn', 'DENIED'],
    ]);
    const denied = plan.decision.outcomes[1];
    expect(denied?.presentationDigest).toBeNull();
    expect(denied?.disclosureIndices).toEqual([]);
    // The stricter of the originator's handling (180 days) and the recipient's limit.
    expect(plan.decision.outcomes.map((o) => o.retentionDays)).toEqual([30, 180]);
    expect(plan.decision.receiptBatch).toBeNull();
    expect(plan.decision.decidedAt).toBe(new Date(NOW_MS).toISOString());
  });

  it('withholds a rule-withheld path, names the rule and reports REDACTED', () => {
    const example = exampleNamed('alert-victim-at-risk');
    const path = example.verified.disclosures[0]?.schemaPath ?? '';
    const plan = planDeliveries(
      inputFor(
        example,
        [decision('de-bka', 'REDACTED', { withheld: [{ path, ruleId: 'rule-no-x' }] })],
        new Map([['de-bka', profile('DE')]]),
      ),
    );
    const [delivery] = plan.deliveries;
    const concrete = example.verified.disclosures[0]?.concretePath;
    expect(delivery?.shared.withheld).toContainEqual({ path: concrete, ruleId: 'rule-no-x' });
    expect(delivery?.shared.disclosedPaths).not.toContain(concrete);
    expect(plan.decision.outcomes[0]?.decision).toBe('REDACTED');
    expect(delivery?.shared.presentation).not.toContain(
      example.verified.disclosures[0]?.encoded ?? '?',
    );
  });

  it('marks recipients with an encryption key for the caller to encrypt to', () => {
    const example = exampleNamed('alert-suspect-movement');
    const key = generateAgencyKeys('EdDSA').publicJwk;
    const plan = planDeliveries(
      inputFor(
        example,
        [decision('r-enc', 'FULL'), decision('r-plain', 'FULL')],
        new Map([
          ['r-enc', { ...profile('DE'), encryptionKey: key }],
          ['r-plain', profile('FR')],
        ]),
      ),
    );
    expect(plan.deliveries.map((d) => d.encryptTo)).toEqual([key, undefined]);
    // Planning never encrypts: the shared delivery stays the plain presentation.
    expect(plan.deliveries.every((d) => !d.shared.encrypted)).toBe(true);
  });

  it('keeps the submitted disclosures in order in the Decision', () => {
    const example = exampleNamed('case-notice-case-opened');
    const plan = planDeliveries(inputFor(example, [], new Map()));
    expect(plan.deliveries).toEqual([]);
    expect(plan.decision.outcomes).toEqual([]);
    expect(plan.decision.issuerJwt).toBe(example.verified.issuerJwt);
    expect(plan.decision.disclosures).toEqual(example.verified.disclosures.map((d) => d.encoded));
  });
});

describe('planDeliveries, over random decisions', () => {
  const AGENCIES = ['a-1', 'a-2', 'a-3', 'a-4', 'a-5', 'a-6', 'a-7', 'a-8'];

  /** A few rule combinations shared by identity, as the compiled evaluator shares them. */
  const comboArb = (kind: MessageKind) =>
    fc.record({
      withheld: fc.uniqueArray(
        fc
          .constantFrom(...disclosablePathsOf(kind))
          .map((path): WithheldPath => ({ path, ruleId: `rule-${path}` })),
        { selector: (w) => w.path, maxLength: 4 },
      ),
      withheldSubjects: fc.uniqueArray(
        fc
          .constantFrom(...SUBJECT_ROLES)
          .map((role): WithheldSubjectRole => ({ role, ruleId: `rule-${role}` })),
        { selector: (w) => w.role, maxLength: 2 },
      ),
      victimIdentityReleased: fc.boolean(),
      minorIdentityReleased: fc.boolean(),
    });

  const caseArb = fc.nat({ max: examples.length - 1 }).chain((example) => {
    const kind = examples[example]?.kind ?? 'ALERT';
    return fc.record({
      example: fc.constant(example),
      combos: fc.array(comboArb(kind), { minLength: 1, maxLength: 3 }),
      recipients: fc.uniqueArray(
        fc.record({
          agency: fc.constantFrom(...AGENCIES, 'originator'),
          outcome: fc.constantFrom('FULL', 'REDACTED', 'DENIED'),
          combo: fc.nat({ max: 2 }),
          registered: fc.boolean(),
          retentionDays: fc.integer({ min: 1, max: 3650 }),
        }),
        { maxLength: 10, selector: (r) => r.agency },
      ),
    });
  });

  it('holds the fan-out invariants', () => {
    fc.assert(
      fc.property(caseArb, ({ example: index, combos, recipients: drawn }) => {
        const example = signed[index] as SignedExample;
        const decisions = drawn.map((r) => {
          const combo = combos[r.combo % combos.length] as (typeof combos)[number];
          const agency = r.agency === 'originator' ? example.originator : r.agency;
          return decision(agency, r.outcome, combo);
        });
        const profiles = new Map(
          drawn
            .filter((r) => r.registered || r.agency === 'originator')
            .map((r) => [
              r.agency === 'originator' ? example.originator : r.agency,
              profile('ZZ', r.retentionDays),
            ]),
        );
        const plan = planDeliveries(inputFor(example, decisions, profiles));

        const considered = decisions.filter(
          (d) => d.recipient !== example.originator && profiles.has(d.recipient),
        );
        const entitled = considered.filter((d) => d.outcome !== 'DENIED').map((d) => d.recipient);
        // Every entitled recipient exactly once; DENIED, unregistered and the originator never.
        expect(plan.deliveries.map((d) => d.recipientAgency)).toEqual(entitled);
        expect(plan.decision.outcomes.map((o) => o.recipientAgency)).toEqual(
          considered.map((d) => d.recipient),
        );

        const outcomeOf = new Map(plan.decision.outcomes.map((o) => [o.recipientAgency, o]));
        for (const d of considered) {
          const outcome = outcomeOf.get(d.recipient);
          expect(outcome?.retentionDays).toBe(
            Math.min(
              profiles.get(d.recipient)?.retentionDays ?? Infinity,
              example.message.handling.retentionDays ?? Infinity,
            ),
          );
          if (d.outcome === 'DENIED') {
            expect(outcome?.decision).toBe('DENIED');
            expect(outcome?.disclosedPaths).toEqual([]);
          }
        }

        for (const delivery of plan.deliveries) {
          const { shared, receiptBody } = delivery;
          const outcome = outcomeOf.get(delivery.recipientAgency);
          const disclosed = new Set(shared.disclosedPaths);
          // Withheld paths are never disclosed, and FULL iff nothing is withheld.
          for (const w of shared.withheld) expect(disclosed.has(w.path)).toBe(false);
          expect(outcome?.decision).toBe(shared.withheld.length === 0 ? 'FULL' : 'REDACTED');
          // Every disclosure is either presented or withheld, none lost.
          expect(shared.disclosedPaths.length + shared.withheld.length).toBe(
            example.verified.disclosures.length,
          );
          // The Decision rebuilds exactly the presentation delivered; the receipt names it.
          expect(rebuilt(plan.decision, outcome?.disclosureIndices ?? [])).toBe(
            shared.presentation,
          );
          expect(receiptBody.presentationDigest).toBe(presentationDigestOf(shared.presentation));
          expect(outcome?.presentationDigest).toBe(receiptBody.presentationDigest);
          expect(receiptBody.recipientAgency).toBe(delivery.recipientAgency);
          expect(receiptBody.disclosedPaths).toEqual(shared.disclosedPaths);
          expect(receiptBody.withheld).toEqual(shared.withheld);
        }

        // Recipients decided by the same rule combination share one presentation object.
        const comboOf = new Map(decisions.map((d, i) => [d.recipient, drawn[i]?.combo]));
        const sharedByCombo = new Map<unknown, Set<unknown>>();
        for (const delivery of plan.deliveries) {
          const combo = combos[(comboOf.get(delivery.recipientAgency) ?? 0) % combos.length];
          const set = sharedByCombo.get(combo) ?? new Set();
          sharedByCombo.set(combo, set.add(delivery.shared));
        }
        for (const shared of sharedByCombo.values()) expect(shared.size).toBe(1);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
