/**
 * Policy evaluation micro-benchmarks: fan-out of one message to 1, 20 and 200
 * recipients (decision + redaction plan per recipient), compiled evaluator against
 * the reference rule-scan evaluator in the same run. Targets: < 1 µs per recipient
 * decision; 200-recipient fan-out ≤ 200 µs.
 */
import {
  compilePolicies,
  decideForAgency,
  planRedaction,
  prepareCatalogue,
  prepareFacts,
  referenceDecide,
  referencePlanRedaction,
  type Agency,
  type DisclosureSlot,
  type MessageFacts,
  type OutboundRule,
  type PolicyDocument,
} from '@liaison/policy';
import { measure, type Measurement, type MicroBenchmark } from '../harness';

const EU = [
  'NL',
  'DE',
  'FR',
  'RO',
  'BE',
  'ES',
  'IT',
  'PL',
  'PT',
  'SE',
  'AT',
  'CZ',
  'HU',
  'BG',
  'GR',
];
const ASEAN = ['TH', 'PH', 'VN', 'KH', 'MY', 'ID', 'LA', 'MM'];
const JURISDICTIONS = [...EU, ...ASEAN, 'UK', 'INT'];
const KNOWN_PATHS = [
  'narrative',
  'subjects[]',
  'subjects[].identity',
  'subjects[].identity.fullName',
  'subjects[].identity.dateOfBirth',
  'subjects[].identity.documents[]',
  'subjects[].identity.contacts[]',
  'subjects[].lastSeen',
  'locations[]',
  'routeLegs[]',
  'vehicles[]',
  'vehicles[].plate',
  'financialIdentifiers[]',
];

/** 200 agencies: law enforcement, border guards, a few hubs and NGOs across 25 jurisdictions. */
function syntheticAgencies(count: number): Agency[] {
  return Array.from({ length: count }, (_, i): Agency => {
    const jurisdiction = JURISDICTIONS[i % JURISDICTIONS.length]!;
    const kind =
      jurisdiction === 'INT'
        ? 'INTERNATIONAL_HUB'
        : i % 11 === 0
          ? 'VICTIM_SUPPORT_NGO'
          : i % 3 === 0
            ? 'BORDER_GUARD'
            : 'LAW_ENFORCEMENT';
    return {
      id: `${jurisdiction.toLowerCase()}-agency-${i}`,
      name: `Agency ${i}`,
      jurisdiction,
      kind,
      accreditations:
        i % 2 === 0 ? ['VICTIM_SUPPORT', 'MINOR_PROTECTION'] : ['DATA_PROTECTION_LED'],
      acceptedPurposes:
        kind === 'VICTIM_SUPPORT_NGO'
          ? ['VICTIM_SUPPORT']
          : ['INVESTIGATION', 'VICTIM_SUPPORT', 'BORDER_CONTROL'],
      retentionDays: 730,
    };
  });
}

function document(jurisdiction: string): PolicyDocument {
  const rules: OutboundRule[] = [
    {
      id: `${jurisdiction}-EU-01`,
      effect: 'share',
      to: { groups: ['EU'], kinds: ['LAW_ENFORCEMENT', 'BORDER_GUARD'] },
      maxTlp: 'AMBER+STRICT',
      maxHandlingCode: 'H3',
      purposes: ['INVESTIGATION', 'BORDER_CONTROL', 'VICTIM_SUPPORT'],
      releaseVictimIdentity: true,
      releaseMinorIdentity: true,
    },
    {
      id: `${jurisdiction}-EU-02`,
      effect: 'share',
      to: { groups: ['EU'], kinds: ['BORDER_GUARD'] },
      maxTlp: 'AMBER',
      maxHandlingCode: 'H1',
      purposes: ['BORDER_CONTROL', 'INVESTIGATION'],
      withhold: ['financialIdentifiers[]'],
    },
    {
      id: `${jurisdiction}-ASEAN-01`,
      effect: 'share',
      to: { groups: ['ASEAN'], kinds: ['LAW_ENFORCEMENT'] },
      messageTypes: ['SUSPECT_MOVEMENT', 'TRAFFICKING_ROUTE', 'VICTIM_AT_RISK'],
      maxTlp: 'AMBER',
      maxHandlingCode: 'H1',
      purposes: ['INVESTIGATION'],
      withhold: ['narrative', 'financialIdentifiers[]', 'subjects[].identity.documents[]'],
    },
    {
      id: `${jurisdiction}-UK-01`,
      effect: 'share',
      to: { jurisdictions: ['UK'] },
      maxTlp: 'AMBER',
      maxHandlingCode: 'H1',
      purposes: ['INVESTIGATION'],
      withhold: ['financialIdentifiers[]'],
    },
    {
      id: `${jurisdiction}-HUB-DENY-01`,
      effect: 'deny',
      to: { kinds: ['INTERNATIONAL_HUB'] },
      messageTypes: ['MISSING_PERSON'],
    },
    {
      id: `${jurisdiction}-HUB-01`,
      effect: 'share',
      to: { kinds: ['INTERNATIONAL_HUB'] },
      maxTlp: 'AMBER',
      maxHandlingCode: 'H2',
      purposes: ['INVESTIGATION'],
      withhold: ['narrative'],
      onwardSharing: true,
    },
    {
      id: `${jurisdiction}-NGO-01`,
      effect: 'share',
      to: { kinds: ['VICTIM_SUPPORT_NGO'] },
      messageTypes: ['VICTIM_AT_RISK', 'MISSING_PERSON', 'VICTIM_REFERRED'],
      maxTlp: 'AMBER',
      maxHandlingCode: 'H1',
      purposes: ['VICTIM_SUPPORT'],
      withhold: ['financialIdentifiers[]', 'vehicles[]', 'routeLegs[]', 'narrative'],
      withholdSubjects: ['SUSPECT'],
      releaseVictimIdentity: true,
      releaseMinorIdentity: true,
    },
  ];
  return { jurisdiction, outbound: rules };
}

/** An alert with two victims (one a minor) and two suspects: 29 disclosable slots. */
function catalogue(): DisclosureSlot[] {
  const slots: DisclosureSlot[] = [];
  const add = (
    schemaPath: string,
    parentIndex: number | null,
    role: DisclosureSlot['subjectRole'] = null,
    minor = false,
    identity = false,
  ): number => {
    slots.push({
      index: slots.length,
      schemaPath,
      subjectRole: role,
      subjectMinor: minor,
      subjectIdentity: identity,
      parentIndex,
    });
    return slots.length - 1;
  };
  add('narrative', null);
  for (const [role, minor] of [
    ['VICTIM', false],
    ['VICTIM', true],
    ['SUSPECT', false],
    ['SUSPECT', false],
  ] as const) {
    const subject = add('subjects[]', null, role, minor, true);
    const identity = add('subjects[].identity', subject, role, minor, true);
    add('subjects[].identity.fullName', identity, role, minor, true);
    add('subjects[].identity.dateOfBirth', identity, role, minor, true);
    add('subjects[].identity.documents[]', identity, role, minor, true);
    add('subjects[].lastSeen', subject, role, minor, false);
  }
  add('locations[]', null);
  add('routeLegs[]', null);
  add('vehicles[]', null);
  add('vehicles[].plate', 27);
  add('financialIdentifiers[]', null);
  return slots;
}

const directory = {
  agencies: syntheticAgencies(201), // originator + 200 recipients
  groups: { EU, ASEAN },
};
const documents = JURISDICTIONS.map(document);
const set = compilePolicies(documents, directory, KNOWN_PATHS);
const slots = catalogue();
const facts: MessageFacts = {
  kind: 'ALERT',
  messageType: 'VICTIM_AT_RISK',
  originatorAgency: directory.agencies[0]!.id,
  originatorJurisdiction: directory.agencies[0]!.jurisdiction,
  tlp: 'AMBER',
  handlingCode: 'H1',
  purposes: ['INVESTIGATION', 'VICTIM_SUPPORT'],
  releasableTo: [],
  namedRecipients: [],
  addressedTo: [],
  hasVictim: true,
  hasMinor: true,
};

/** Fan-out of one message to the first `n` agencies, as the policy worker does it. */
function compiledFanOut(n: number): number {
  const prepared = prepareFacts(set, facts);
  const catalogueOnce = prepareCatalogue(slots);
  let disclosed = 0;
  for (let i = 0; i < n && i + 1 < directory.agencies.length; i++) {
    disclosed += planRedaction(decideForAgency(set, prepared, i + 1), catalogueOnce)
      .disclosedIndices.length;
  }
  return disclosed;
}

function referenceFanOut(n: number): number {
  let disclosed = 0;
  for (let i = 0; i < n && i + 1 < directory.agencies.length; i++) {
    const decision = referenceDecide(
      documents,
      directory,
      set.worldVersion,
      facts,
      directory.agencies[i + 1]!.id,
    );
    disclosed += referencePlanRedaction(decision, slots).disclosedIndices.length;
  }
  return disclosed;
}

function fanOutBenchmark(n: number): MicroBenchmark {
  const baseline = `reference rule-scan fan-out ×${n}`;
  return {
    group: `policy: decide + redaction plan, ${n} recipient${n === 1 ? '' : 's'}`,
    baseline,
    run: async (): Promise<Measurement[]> => {
      const batchSize = n >= 200 ? 20 : n >= 20 ? 100 : 1000;
      return [
        await measure(baseline, () => referenceFanOut(n), { batchSize }),
        await measure(`compiled fan-out ×${n}`, () => compiledFanOut(n), { batchSize }),
      ];
    },
  };
}

/** Decision only (no redaction), per recipient, over the whole directory. */
const perDecision: MicroBenchmark = {
  group: 'policy: one recipient decision',
  baseline: 'referenceDecide',
  run: async (): Promise<Measurement[]> => {
    const prepared = prepareFacts(set, facts);
    let i = 0;
    return [
      await measure(
        'referenceDecide',
        () =>
          referenceDecide(
            documents,
            directory,
            set.worldVersion,
            facts,
            directory.agencies[i++ % 200]!.id,
          ),
        { batchSize: 1000 },
      ),
      await measure('decideForAgency (compiled)', () => decideForAgency(set, prepared, i++ % 200), {
        batchSize: 10000,
      }),
    ];
  },
};

export const benchmarks: MicroBenchmark[] = [
  perDecision,
  fanOutBenchmark(1),
  fanOutBenchmark(20),
  fanOutBenchmark(200),
];
