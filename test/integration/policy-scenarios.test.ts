/**
 * Hand-written sharing situations driven through the REAL policy worker (real
 * Kafka, real PostgreSQL, the seeded demo world's policies): each scenario
 * publishes an originator-signed message and checks, per agency, the decision
 * (who got what, what was withheld, under which rule) and that the agency's feed
 * topic holds exactly the delivery the decision promises (nothing for denials).
 */
import './../support/isolated-namespace';
import { codecFor, type Decision, type Delivery } from '@liaison/contracts';
import { Topic, createKafkaClient, feedTopic } from '@liaison/kafka';
import {
  dropNamespaceDatabase,
  seedNamespace,
  startApp,
  stopApp,
  type StartedApp,
} from '../support/hub-processes';
import { freshMessage, handling, signedSubmission, type Overrides } from '../support/submissions';
import { readTopics } from '../support/topic-reader';
import { testConfig } from '../support/stack';

type Outcome = 'FULL' | 'REDACTED' | 'DENIED';

interface Expectation {
  readonly outcome: Outcome;
  /** Rule ids that must appear in the decision's rules. */
  readonly rules?: readonly string[];
  /** [concrete path prefix, rule id] pairs that must be withheld. */
  readonly withheld?: readonly (readonly [string, string])[];
  /** Concrete path prefixes that must be disclosed. */
  readonly disclosed?: readonly string[];
}

interface Scenario {
  readonly name: string;
  readonly example: string;
  readonly originator: string;
  readonly overrides?: Overrides;
  readonly expect: Readonly<Record<string, Expectation>>;
}

const noReleasability: Overrides = (m) => {
  handling(m).releasableTo = [];
};

const VICTIM_ID = 'subjects[0].identity';
const SUSPECT = 'subjects[1]';

const scenarios: Scenario[] = [
  {
    name: '1 minor victim at risk, originator releasability list',
    example: 'alert-victim-at-risk',
    originator: 'nl-knp',
    expect: {
      'ro-diicot': { outcome: 'FULL', rules: ['NL-EU-01'], disclosed: [VICTIM_ID, SUSPECT] },
      'de-bka': {
        outcome: 'REDACTED',
        rules: ['NL-EU-01'],
        withheld: [[VICTIM_ID, 'builtin:minor-identity']],
        disclosed: [SUSPECT],
      },
      // The NGO rule carries up to H1 only; this alert is H2.
      'ngo-safehaven': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
      'int-hub': { outcome: 'DENIED', rules: ['NL-HUB-DENY-01'] },
      'fr-ocriest': { outcome: 'DENIED', rules: ['builtin:releasability'] },
      'uk-nca': { outcome: 'DENIED', rules: ['builtin:releasability'] },
      'th-dsi': { outcome: 'DENIED', rules: ['builtin:releasability'] },
    },
  },
  {
    name: '2 minor victim, no releasability list: non-accredited EU partners lose victim identity',
    example: 'alert-victim-at-risk',
    originator: 'nl-knp',
    overrides: noReleasability,
    expect: {
      'fr-ocriest': {
        outcome: 'REDACTED',
        rules: ['NL-EU-01', 'builtin:victim-identity'],
        withheld: [[VICTIM_ID, 'builtin:victim-identity']],
        disclosed: [SUSPECT],
      },
      'nl-kmar': { outcome: 'REDACTED', withheld: [[VICTIM_ID, 'builtin:victim-identity']] },
      'ro-diicot': { outcome: 'FULL' },
      'uk-nca': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
      'th-dsi': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
      'ph-iacat': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
    },
  },
  {
    name: '3 TLP:RED naming only DE-BKA reaches DE-BKA by the addressed agreement, nobody else',
    example: 'alert-victim-at-risk',
    originator: 'nl-knp',
    overrides: (m) => {
      noReleasability(m);
      handling(m).tlp = 'RED';
      handling(m).namedRecipients = ['de-bka'];
    },
    expect: {
      'de-bka': { outcome: 'REDACTED', rules: ['NL-EU-ADDR-01'] },
      'ro-diicot': { outcome: 'DENIED', rules: ['builtin:tlp-red'] },
      'fr-ocriest': { outcome: 'DENIED', rules: ['builtin:tlp-red'] },
      'ngo-safehaven': { outcome: 'DENIED', rules: ['builtin:tlp-red'] },
    },
  },
  {
    name: '4 H1 opens the UK rule; minor identity still needs a minor release',
    example: 'alert-victim-at-risk',
    originator: 'nl-knp',
    overrides: (m) => {
      noReleasability(m);
      handling(m).handlingCode = 'H1';
    },
    expect: {
      'uk-nca': {
        outcome: 'REDACTED',
        rules: ['NL-UK-01', 'builtin:minor-identity'],
        withheld: [[VICTIM_ID, 'builtin:minor-identity']],
        disclosed: [SUSPECT],
      },
    },
  },
  {
    name: '5 research purpose only: law enforcement rules do not apply, hubs denied explicitly',
    example: 'alert-victim-at-risk',
    originator: 'nl-knp',
    overrides: (m) => {
      noReleasability(m);
      handling(m).purposes = ['RESEARCH'];
    },
    expect: {
      'de-bka': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
      'int-hub': { outcome: 'DENIED', rules: ['NL-HUB-DENY-01'] },
      'ngo-safehaven': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
    },
  },
  {
    name: '6 adult victim: accredited partner sees identity, non-accredited does not',
    example: 'alert-victim-at-risk',
    originator: 'nl-knp',
    overrides: (m) => {
      noReleasability(m);
      ((m.subjects as Record<string, unknown>[])[0] as Record<string, unknown>).minor = false;
    },
    expect: {
      'de-bka': { outcome: 'FULL', disclosed: [VICTIM_ID] },
      'fr-ocriest': { outcome: 'REDACTED', withheld: [[VICTIM_ID, 'builtin:victim-identity']] },
    },
  },
  {
    name: '7 no victim at all: nothing identity-related withheld from EU partners',
    example: 'alert-victim-at-risk',
    originator: 'nl-knp',
    overrides: (m) => {
      noReleasability(m);
      const victim = (m.subjects as Record<string, unknown>[])[0] as Record<string, unknown>;
      victim.role = 'WITNESS';
      victim.minor = false;
    },
    expect: {
      'fr-ocriest': { outcome: 'FULL', rules: ['NL-EU-01'] },
      'de-bka': { outcome: 'FULL' },
    },
  },
  {
    name: '8 suspect movement to ASEAN and the international hub (H1)',
    example: 'alert-suspect-movement',
    originator: 'nl-knp',
    overrides: (m) => {
      handling(m).tlp = 'AMBER';
    },
    expect: {
      'th-dsi': {
        outcome: 'REDACTED',
        rules: ['NL-ASEAN-01'],
        withheld: [['narrative', 'NL-ASEAN-01']],
        disclosed: ['subjects[0].identity'],
      },
      'int-hub': {
        outcome: 'REDACTED',
        rules: ['NL-HUB-01'],
        withheld: [['narrative', 'NL-HUB-01']],
      },
      'ngo-safehaven': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
      'de-bka': { outcome: 'FULL', rules: ['NL-EU-01'] },
    },
  },
  {
    name: '9 H2 forbids onward sharing to the hub unless the originator lists it',
    example: 'alert-suspect-movement',
    originator: 'nl-knp',
    overrides: (m) => {
      handling(m).tlp = 'AMBER';
      handling(m).handlingCode = 'H2';
    },
    expect: {
      'int-hub': { outcome: 'DENIED', rules: ['builtin:h2-onward'] },
      'th-dsi': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
      'de-bka': { outcome: 'FULL' },
    },
  },
  {
    name: '10 H2 with the hub on the releasability list',
    example: 'alert-suspect-movement',
    originator: 'nl-knp',
    overrides: (m) => {
      handling(m).tlp = 'AMBER';
      handling(m).handlingCode = 'H2';
      handling(m).releasableTo = ['int-hub', 'de-bka'];
    },
    expect: {
      'int-hub': {
        outcome: 'REDACTED',
        rules: ['NL-HUB-01'],
        withheld: [['narrative', 'NL-HUB-01']],
      },
      'de-bka': { outcome: 'FULL' },
      'fr-ocriest': { outcome: 'DENIED', rules: ['builtin:releasability'] },
    },
  },
  {
    name: '11 AMBER+STRICT never goes through a group rule',
    example: 'alert-suspect-movement',
    originator: 'nl-knp',
    expect: {
      'de-bka': { outcome: 'DENIED', rules: ['builtin:amber-strict'] },
      'th-dsi': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
      'int-hub': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
    },
  },
  {
    name: '12 AMBER+STRICT to a named recipient',
    example: 'alert-suspect-movement',
    originator: 'nl-knp',
    overrides: (m) => {
      handling(m).namedRecipients = ['de-bka'];
    },
    expect: {
      'de-bka': { outcome: 'FULL', rules: ['NL-EU-01'] },
      'fr-ocriest': { outcome: 'DENIED', rules: ['builtin:amber-strict'] },
    },
  },
  {
    name: '13 ASEAN originator: minor victim to an ASEAN partner without a minor release',
    example: 'alert-victim-at-risk',
    originator: 'th-dsi',
    overrides: (m) => {
      noReleasability(m);
      handling(m).handlingCode = 'H1';
    },
    expect: {
      'ph-iacat': {
        outcome: 'REDACTED',
        rules: ['TH-ASEAN-01', 'builtin:minor-identity'],
        withheld: [[VICTIM_ID, 'builtin:minor-identity']],
      },
      'de-bka': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
      'int-hub': { outcome: 'DENIED', rules: ['TH-HUB-DENY-01'] },
    },
  },
  {
    name: '14 Romanian minor victim alert to the UK, the NGO and the Netherlands',
    example: 'alert-victim-at-risk',
    originator: 'ro-diicot',
    overrides: (m) => {
      noReleasability(m);
      handling(m).handlingCode = 'H1';
    },
    expect: {
      'uk-nca': {
        outcome: 'REDACTED',
        rules: ['RO-UK-01'],
        withheld: [[VICTIM_ID, 'builtin:minor-identity']],
      },
      'ngo-safehaven': {
        outcome: 'REDACTED',
        rules: ['RO-NGO-01'],
        withheld: [[SUSPECT, 'RO-NGO-01']],
        disclosed: [VICTIM_ID],
      },
      'nl-knp': { outcome: 'FULL', rules: ['RO-EU-01'] },
      'fr-ocriest': { outcome: 'REDACTED', withheld: [[VICTIM_ID, 'builtin:victim-identity']] },
    },
  },
  {
    name: '15 UK originator to the EU: financial identifiers rule plus minor identity',
    example: 'alert-victim-at-risk',
    originator: 'uk-nca',
    overrides: (m) => {
      noReleasability(m);
      handling(m).handlingCode = 'H1';
    },
    expect: {
      'de-bka': {
        outcome: 'REDACTED',
        rules: ['UK-EU-01'],
        withheld: [[VICTIM_ID, 'builtin:minor-identity']],
      },
      'ngo-safehaven': {
        outcome: 'REDACTED',
        rules: ['UK-NGO-01'],
        withheld: [[SUSPECT, 'UK-NGO-01']],
      },
    },
  },
  {
    name: '16 financial pattern from France: EU partners lose account identifiers',
    example: 'alert-financial-pattern',
    originator: 'fr-ocriest',
    expect: {
      'de-bka': {
        outcome: 'REDACTED',
        rules: ['FR-EU-01'],
        withheld: [
          ['financialIdentifiers[0]', 'FR-EU-01'],
          ['financialIdentifiers[1]', 'FR-EU-01'],
        ],
        disclosed: ['narrative'],
      },
      'uk-nca': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
      'th-dsi': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
    },
  },
  {
    name: '17 financial pattern from Germany at H1: the UK rule withholds identifiers',
    example: 'alert-financial-pattern',
    originator: 'de-bka',
    overrides: (m) => {
      handling(m).handlingCode = 'H1';
    },
    expect: {
      'uk-nca': {
        outcome: 'REDACTED',
        rules: ['DE-UK-01'],
        withheld: [['financialIdentifiers[0]', 'DE-UK-01']],
      },
      'nl-knp': { outcome: 'FULL', rules: ['DE-EU-01'] },
      'th-dsi': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
    },
  },
  {
    name: '18 trafficking route from Germany to ASEAN: vehicle plates and narrative withheld',
    example: 'alert-trafficking-route',
    originator: 'de-bka',
    overrides: (m) => {
      handling(m).purposes = ['INVESTIGATION'];
    },
    expect: {
      'th-dsi': {
        outcome: 'REDACTED',
        rules: ['DE-ASEAN-01'],
        withheld: [
          ['narrative', 'DE-ASEAN-01'],
          ['vehicles[0].plate', 'DE-ASEAN-01'],
        ],
        disclosed: ['routeLegs[0]'],
      },
      'int-hub': {
        outcome: 'REDACTED',
        rules: ['DE-HUB-01'],
        withheld: [['narrative', 'DE-HUB-01']],
      },
    },
  },
  {
    name: '19 victim referral (TLP:RED) from France to the named NGO and Romania, by addressed agreements',
    example: 'case-notice-victim-referred',
    originator: 'fr-ocriest',
    expect: {
      'ro-diicot': { outcome: 'REDACTED', rules: ['FR-EU-ADDR-01'] },
      // France never releases a minor's identity, not even to the NGO it names.
      'ngo-safehaven': {
        outcome: 'REDACTED',
        rules: ['FR-NGO-ADDR-01', 'builtin:minor-identity'],
        withheld: [[VICTIM_ID, 'builtin:minor-identity']],
        disclosed: ['title'],
      },
      'de-bka': { outcome: 'DENIED', rules: ['builtin:tlp-red'] },
    },
  },
  {
    name: '20 case closed in Romania: EU partners and the hub informed (narrative withheld), ASEAN not',
    example: 'case-notice-case-closed',
    originator: 'ro-diicot',
    expect: {
      'nl-knp': { outcome: 'FULL', rules: ['RO-EU-01'] },
      'fr-ocriest': { outcome: 'FULL' },
      'th-dsi': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
      'int-hub': {
        outcome: 'REDACTED',
        rules: ['RO-HUB-01'],
        withheld: [['narrative', 'RO-HUB-01']],
      },
    },
  },
  {
    name: '21 NGO at H1: victim support fields only, suspects and operational data withheld',
    example: 'alert-victim-at-risk',
    originator: 'nl-knp',
    overrides: (m) => {
      handling(m).handlingCode = 'H1';
    },
    expect: {
      'ngo-safehaven': {
        outcome: 'REDACTED',
        rules: ['NL-NGO-01'],
        withheld: [
          [SUSPECT, 'NL-NGO-01'],
          ['narrative', 'NL-NGO-01'],
          ['vehicles[0]', 'NL-NGO-01'],
          ['routeLegs[0]', 'NL-NGO-01'],
        ],
        disclosed: [VICTIM_ID],
      },
    },
  },
  {
    name: '22 CASE_CLOSED (conviction) from NL naming DE, which assisted: DE only',
    example: 'case-notice-case-closed',
    originator: 'nl-knp',
    overrides: (m) => {
      m.requestedAgencies = ['de-bka'];
    },
    expect: {
      'de-bka': { outcome: 'FULL', rules: ['NL-EU-ADDR-01'], disclosed: ['narrative'] },
      'nl-kmar': { outcome: 'DENIED', rules: ['builtin:not-addressed'] },
      'fr-ocriest': { outcome: 'DENIED', rules: ['builtin:not-addressed'] },
      'int-hub': { outcome: 'DENIED', rules: ['builtin:not-addressed'] },
      'uk-nca': { outcome: 'DENIED', rules: ['builtin:not-addressed'] },
    },
  },
  {
    name: '23 ASSISTANCE_REQUEST from Romania reaches the named agencies only',
    example: 'case-notice-assistance-request',
    originator: 'ro-diicot',
    expect: {
      'fr-ocriest': {
        outcome: 'FULL',
        rules: ['RO-EU-ADDR-01'],
        disclosed: ['assistanceRequested'],
      },
      'nl-knp': { outcome: 'DENIED', rules: ['builtin:not-addressed'] },
      'de-bka': { outcome: 'DENIED', rules: ['builtin:not-addressed'] },
      'uk-nca': { outcome: 'DENIED', rules: ['builtin:not-addressed'] },
      'int-hub': { outcome: 'DENIED', rules: ['builtin:not-addressed'] },
    },
  },
  {
    name: '24 ASSISTANCE_REQUEST naming an agency with only a broadcast agreement: default deny',
    example: 'case-notice-assistance-request',
    originator: 'nl-knp',
    overrides: (m) => {
      m.requestedAgencies = ['uk-nca'];
    },
    expect: {
      'uk-nca': { outcome: 'DENIED', rules: ['builtin:default-deny'] },
      'de-bka': { outcome: 'DENIED', rules: ['builtin:not-addressed'] },
    },
  },
  {
    name: '25 JIT proposal from Romania to its partner agency and the partner hub',
    example: 'case-notice-jit-proposed',
    originator: 'ro-diicot',
    overrides: (m) => {
      m.narrative = 'Joint team on the Lyon labour exploitation network.';
    },
    expect: {
      'fr-ocriest': { outcome: 'FULL', rules: ['RO-EU-ADDR-01'], disclosed: ['narrative'] },
      'int-hub': {
        outcome: 'REDACTED',
        rules: ['RO-HUB-ADDR-01'],
        withheld: [['narrative', 'RO-HUB-ADDR-01']],
      },
      'nl-knp': { outcome: 'DENIED', rules: ['builtin:not-addressed'] },
    },
  },
];

const decisionCodec = codecFor('Decision');
const deliveryCodec = codecFor('Delivery');
const AGENCIES = [
  'nl-knp',
  'nl-kmar',
  'de-bka',
  'fr-ocriest',
  'ro-diicot',
  'uk-nca',
  'th-dsi',
  'ph-iacat',
  'int-hub',
  'ngo-safehaven',
];

describe('sharing scenarios through the real policy worker', () => {
  let worker: StartedApp | undefined;
  const published = new Map<string, Scenario>();
  let decisions = new Map<string, Decision>();
  let deliveries: { topic: string; value: Delivery }[] = [];

  beforeAll(async () => {
    await seedNamespace();
    worker = await startApp('policy', { POLICY_WORKER_ID: `scenarios-${process.pid}` });
    const config = testConfig();
    const kafka = createKafkaClient(
      { brokers: config.kafka.brokers, clientId: 'scenarios' },
      'publisher',
    );
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (const scenario of scenarios) {
      const message = freshMessage(scenario.example, scenario.originator, scenario.overrides);
      const { submission, bytes } = await signedSubmission(message);
      published.set(submission.messageId, scenario);
      await producer.send({
        topic: Topic.submissions,
        messages: [{ key: submission.messageId, value: bytes }],
      });
    }
    await producer.disconnect();
    const records = await readTopics(
      [Topic.decisions],
      decisionCodec,
      (r) => r.filter((x) => published.has(x.value.messageId)).length >= published.size,
    );
    decisions = new Map(
      records
        .filter((r) => published.has(r.value.messageId))
        .map((r) => [r.value.messageId, r.value]),
    );
    const expectedDeliveries = [...decisions.values()].reduce(
      (n, d) => n + d.outcomes.filter((o) => o.decision !== 'DENIED').length,
      0,
    );
    deliveries = (
      await readTopics(
        AGENCIES.map(feedTopic),
        deliveryCodec,
        (r) => r.filter((x) => published.has(x.value.messageId)).length >= expectedDeliveries,
      )
    ).filter((r) => published.has(r.value.messageId));
  }, 180_000);

  afterAll(async () => {
    await stopApp(worker);
    await dropNamespaceDatabase();
  }, 30_000);

  it('decides every published message exactly once', () => {
    expect(decisions.size).toBe(scenarios.length);
  });

  it.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    const entry = [...published].find(([, s]) => s === scenario);
    const decision = entry ? decisions.get(entry[0]) : undefined;
    expect(decision).toBeDefined();
    if (!decision) return;
    expect(
      decision.outcomes.find((o) => o.recipientAgency === scenario.originator),
    ).toBeUndefined();
    for (const [agency, want] of Object.entries(scenario.expect)) {
      const outcome = decision.outcomes.find((o) => o.recipientAgency === agency);
      const context = `${agency}: ${JSON.stringify(outcome)}`;
      expect({ agency, outcome: outcome?.decision }).toEqual({ agency, outcome: want.outcome });
      if (!outcome) continue;
      for (const rule of want.rules ?? []) {
        if (!outcome.rules.includes(rule)) throw new Error(`expected rule ${rule}; ${context}`);
      }
      for (const [prefix, ruleId] of want.withheld ?? []) {
        const hit = outcome.withheld.find(
          (w) =>
            (w.path === prefix ||
              w.path.startsWith(`${prefix}.`) ||
              w.path.startsWith(`${prefix}[`)) &&
            w.ruleId === ruleId,
        );
        if (!hit) throw new Error(`expected ${prefix} withheld by ${ruleId}; ${context}`);
      }
      for (const prefix of want.disclosed ?? []) {
        const hit = outcome.disclosedPaths.some(
          (p) => p === prefix || p.startsWith(`${prefix}.`) || p.startsWith(`${prefix}[`),
        );
        if (!hit) throw new Error(`expected ${prefix} disclosed; ${context}`);
        expect(outcome.withheld.some((w) => w.path === prefix)).toBe(false);
      }
      // The feed holds exactly what the decision promised: one delivery, or none.
      const onFeed = deliveries.filter(
        (d) => d.topic === feedTopic(agency) && d.value.messageId === decision.messageId,
      );
      if (want.outcome === 'DENIED') {
        expect(onFeed).toHaveLength(0);
      } else {
        expect(onFeed).toHaveLength(1);
        expect(onFeed[0]?.value.disclosedPaths).toEqual(outcome.disclosedPaths);
        expect(onFeed[0]?.value.withheld).toEqual(outcome.withheld);
      }
    }
  });
});
