/**
 * Property-based tests of the evaluator on random worlds: the compiled evaluator
 * agrees with the reference one, and the safety properties of docs/policy.md hold.
 */
import fc from 'fast-check';
import {
  AGENCY_KINDS,
  BUILTIN,
  HANDLING_CODES,
  PURPOSES,
  policyVersionOf,
  SUBJECT_ROLES,
  TLP_LEVELS,
  compilePolicies,
  decideAll,
  pathAndAncestors,
  planRedaction,
  prepareCatalogue,
  referenceDecideAll,
  referencePlanRedaction,
  validatePolicies,
  type Agency,
  type Directory,
  type MessageFacts,
  type OutboundRule,
  type PolicyDocument,
} from '@liaison/policy';
import { KNOWN_PATHS, catalogueWithSubjects } from '../test/fixtures';

const JURISDICTIONS = ['AA', 'BB', 'CC', 'DD'];
const GROUPS = { G1: ['AA', 'BB'], G2: ['CC'], G3: ['CC', 'DD'] };
const TYPES = ['VICTIM_AT_RISK', 'TRAFFICKING_ROUTE', 'CASE_CLOSED'];
const PATHS = [
  'narrative',
  'subjects[]',
  'subjects[].identity',
  'subjects[].identity.fullName',
  'subjects[].identity.documents[]',
  'subjects[].lastSeen',
  'locations[]',
  'vehicles[]',
  'vehicles[].plate',
  'financialIdentifiers[]',
];
const catalogue = catalogueWithSubjects();

const sub = <T>(values: readonly T[]): fc.Arbitrary<T[]> => fc.subarray([...values]);

const agencyArb = (id: string): fc.Arbitrary<Agency> =>
  fc.record({
    id: fc.constant(id),
    name: fc.constant(id),
    jurisdiction: fc.constantFrom(...JURISDICTIONS),
    kind: fc.constantFrom(...AGENCY_KINDS),
    accreditations: sub(['VICTIM_SUPPORT', 'MINOR_PROTECTION'] as const),
    acceptedPurposes: sub(PURPOSES),
    retentionDays: fc.constant(365),
  });

const directoryArb: fc.Arbitrary<Directory> = fc
  .integer({ min: 2, max: 7 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => agencyArb(`ag-${i}`))))
  .chain((agencies) =>
    fc
      .tuple(fc.constant(agencies), fc.integer({ min: -1, max: agencies.length - 1 }))
      .map(([as, s]) => ({
        agencies: as.map((a, i) =>
          i === s ? { ...a, suspended: true } : { ...a, suspended: undefined },
        ),
        groups: GROUPS,
      })),
  );

function ruleArb(
  directory: Directory,
  id: string,
  effect?: 'share' | 'deny',
): fc.Arbitrary<OutboundRule> {
  const ids = directory.agencies.map((a) => a.id);
  const to = fc
    .record({
      agencies: sub(ids),
      jurisdictions: sub(JURISDICTIONS),
      groups: sub(Object.keys(GROUPS)),
      kinds: sub(AGENCY_KINDS),
    })
    .filter(
      (t) => t.agencies.length + t.jurisdictions.length + t.groups.length + t.kinds.length > 0,
    );
  const messageTypes = fc.oneof(
    fc.constant('*' as const),
    sub(TYPES).filter((t) => t.length > 0),
  );
  const share = fc
    .record({
      id: fc.constant(id),
      effect: fc.constant('share' as const),
      to,
      messageTypes,
      maxTlp: fc.constantFrom(...TLP_LEVELS),
      maxHandlingCode: fc.constantFrom(...HANDLING_CODES),
      purposes: sub(PURPOSES).filter((p) => p.length > 0),
      withhold: sub(PATHS),
      withholdSubjects: sub(SUBJECT_ROLES),
      releaseVictimIdentity: fc.boolean(),
      releaseMinorIdentity: fc.boolean(),
      onwardSharing: fc.boolean(),
      addressed: fc.boolean(),
    })
    // Keep rules free of the contradictions validation rejects (withholding what they
    // release; a broadcast rule carrying TLP:RED).
    .map((rule) => {
      const releases = rule.releaseVictimIdentity || rule.releaseMinorIdentity;
      return {
        ...rule,
        addressed: rule.addressed || rule.maxTlp === 'RED',
        withhold: releases
          ? rule.withhold.filter((p) => !['subjects[]', 'subjects[].identity'].includes(p))
          : rule.withhold,
        withholdSubjects: rule.releaseVictimIdentity
          ? rule.withholdSubjects.filter((r) => r !== 'VICTIM')
          : rule.withholdSubjects,
      };
    });
  const deny = fc.record(
    {
      id: fc.constant(id),
      effect: fc.constant('deny' as const),
      to,
      messageTypes,
      purposes: sub(PURPOSES).filter((p) => p.length > 0),
    },
    { requiredKeys: ['id', 'effect', 'to'] },
  );
  if (effect === 'deny') return deny;
  if (effect === 'share') return share;
  return fc.oneof({ arbitrary: share, weight: 4 }, { arbitrary: deny, weight: 1 });
}

const worldArb = directoryArb.chain((directory) =>
  fc
    .tuple(
      ...JURISDICTIONS.map((j) =>
        fc
          .integer({ min: 0, max: 5 })
          .chain((n) =>
            fc.tuple(...Array.from({ length: n }, (_, i) => ruleArb(directory, `${j}-${i}`))),
          )
          .map((outbound): PolicyDocument => ({ jurisdiction: j, outbound })),
      ),
    )
    .map((documents) => ({ directory, documents }))
    .filter(
      ({ directory: d, documents }) => validatePolicies(documents, d, KNOWN_PATHS).length === 0,
    ),
);

function factsArb(directory: Directory): fc.Arbitrary<MessageFacts> {
  const ids = directory.agencies.map((a) => a.id);
  const record = fc.record({
    kind: fc.constantFrom('ALERT' as const, 'CASE_NOTICE' as const),
    messageType: fc.constantFrom(...TYPES),
    originatorAgency: fc.constantFrom(...ids, 'zz-outsider'),
    originatorJurisdiction: fc.constantFrom(...JURISDICTIONS),
    tlp: fc.constantFrom(...TLP_LEVELS),
    handlingCode: fc.constantFrom(...HANDLING_CODES),
    purposes: sub(PURPOSES),
    releasableTo: fc.oneof(fc.constant([]), sub(ids)),
    namedRecipients: sub(ids),
    // Agencies a case notice asks for or proposes as partners (an unknown id included).
    alsoAddressed: sub([...ids, 'zz-outsider']),
    hasVictim: fc.boolean(),
    hasMinor: fc.boolean(),
  });
  return record.map(({ alsoAddressed, ...facts }) => ({
    ...facts,
    // As the app derives it: named recipients, then requested agencies and partners.
    addressedTo: [...new Set([...facts.namedRecipients, ...alsoAddressed])],
  }));
}

const scenarioArb = worldArb.chain((world) =>
  fc.record({ world: fc.constant(world), facts: factsArb(world.directory) }),
);

const EARLIER_OR_NOT_ADDRESSED: readonly string[] = [
  BUILTIN.originator,
  BUILTIN.suspended,
  BUILTIN.tlpRed,
  BUILTIN.releasability,
  BUILTIN.notAddressed,
];

const RUNS = { numRuns: Number(process.env.POLICY_PROPERTY_RUNS ?? 300) };

describe('evaluator properties', () => {
  it('compiled evaluator and planner agree with the reference evaluator', () => {
    fc.assert(
      fc.property(scenarioArb, ({ world, facts }) => {
        const set = compilePolicies(world.documents, world.directory, KNOWN_PATHS);
        const compiled = decideAll(set, facts);
        const reference = referenceDecideAll(
          world.documents,
          world.directory,
          policyVersionOf(set, facts.originatorJurisdiction),
          facts,
        );
        expect(compiled).toEqual(reference);
        const prepared = prepareCatalogue(catalogue);
        compiled.forEach((d) =>
          expect(planRedaction(d, prepared)).toEqual(referencePlanRedaction(d, catalogue)),
        );
      }),
      RUNS,
    );
  });

  it('never discloses a path that a contributing rule withholds', () => {
    fc.assert(
      fc.property(scenarioArb, ({ world, facts }) => {
        const set = compilePolicies(world.documents, world.directory, KNOWN_PATHS);
        const rules =
          world.documents.find((d) => d.jurisdiction === facts.originatorJurisdiction)?.outbound ??
          [];
        for (const d of decideAll(set, facts)) {
          const plan = planRedaction(d, catalogue);
          const disclosed = new Set(plan.disclosedIndices);
          for (const rule of rules.filter((r) => d.rules.includes(r.id))) {
            for (const slot of catalogue) {
              const hit = pathAndAncestors(slot.schemaPath).some((p) => rule.withhold?.includes(p));
              const roleHit =
                slot.subjectRole !== null && rule.withholdSubjects?.includes(slot.subjectRole);
              if (hit || roleHit) expect(disclosed.has(slot.index)).toBe(false);
            }
          }
        }
      }),
      RUNS,
    );
  });

  it('denies by default: a recipient no share rule of the originator addresses is DENIED', () => {
    fc.assert(
      fc.property(scenarioArb, ({ world, facts }) => {
        const set = compilePolicies(world.documents, world.directory, KNOWN_PATHS);
        const shareIds = new Set(
          (
            world.documents.find((d) => d.jurisdiction === facts.originatorJurisdiction)
              ?.outbound ?? []
          )
            .filter((r) => r.effect === 'share')
            .map((r) => r.id),
        );
        for (const d of decideAll(set, facts)) {
          if (d.outcome !== 'DENIED') expect(d.rules.some((id) => shareIds.has(id))).toBe(true);
          if (d.recipient === facts.originatorAgency) expect(d.outcome).toBe('DENIED');
        }
      }),
      RUNS,
    );
  });

  it('TLP:RED never reaches an unnamed recipient; releasability is honoured', () => {
    fc.assert(
      fc.property(scenarioArb, ({ world, facts }) => {
        const set = compilePolicies(world.documents, world.directory, KNOWN_PATHS);
        for (const d of decideAll(set, { ...facts, tlp: 'RED' })) {
          if (d.outcome !== 'DENIED') expect(facts.namedRecipients).toContain(d.recipient);
        }
        for (const d of decideAll(set, facts)) {
          if (d.outcome !== 'DENIED' && facts.releasableTo.length > 0)
            expect(facts.releasableTo).toContain(d.recipient);
        }
      }),
      RUNS,
    );
  });

  it('a case notice naming agencies reaches only them, and only through addressed rules', () => {
    fc.assert(
      fc.property(scenarioArb, ({ world, facts }) => {
        const set = compilePolicies(world.documents, world.directory, KNOWN_PATHS);
        const notice = { ...facts, kind: 'CASE_NOTICE' as const };
        fc.pre(notice.addressedTo.length > 0);
        const addressedIds = new Set(
          (
            world.documents.find((d) => d.jurisdiction === facts.originatorJurisdiction)
              ?.outbound ?? []
          )
            .filter((r) => r.effect === 'share' && r.addressed === true)
            .map((r) => r.id),
        );
        for (const d of decideAll(set, notice)) {
          if (!notice.addressedTo.includes(d.recipient)) {
            expect(d.outcome).toBe('DENIED');
            // Only the checks before it (originator, suspension, RED, releasability) can pre-empt it.
            expect(EARLIER_OR_NOT_ADDRESSED).toContain(d.rules[0]);
          }
          if (d.outcome === 'DENIED') continue;
          expect(notice.addressedTo).toContain(d.recipient);
          const shareRules = d.rules.filter((id) => !id.startsWith('builtin:'));
          expect(shareRules.length).toBeGreaterThan(0);
          for (const id of shareRules) expect(addressedIds.has(id)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('addressed rules reach no recipient the message does not name', () => {
    fc.assert(
      fc.property(scenarioArb, ({ world, facts }) => {
        const set = compilePolicies(world.documents, world.directory, KNOWN_PATHS);
        const addressedIds = new Set(
          (
            world.documents.find((d) => d.jurisdiction === facts.originatorJurisdiction)
              ?.outbound ?? []
          )
            .filter((r) => r.effect === 'share' && r.addressed === true)
            .map((r) => r.id),
        );
        for (const d of decideAll(set, facts)) {
          if (d.rules.some((id) => addressedIds.has(id)))
            expect(facts.addressedTo).toContain(d.recipient);
        }
      }),
      RUNS,
    );
  });

  it('adding a deny rule never widens any disclosure', () => {
    const withDeny = scenarioArb.chain((s) =>
      ruleArb(s.world.directory, 'EXTRA-DENY', 'deny').map((deny) => ({ ...s, deny })),
    );
    fc.assert(
      fc.property(withDeny, ({ world, facts, deny }) => {
        const before = compilePolicies(world.documents, world.directory, KNOWN_PATHS);
        const documents = world.documents.map((d) =>
          d.jurisdiction === facts.originatorJurisdiction
            ? { ...d, outbound: [...d.outbound, deny] }
            : d,
        );
        fc.pre(validatePolicies(documents, world.directory, KNOWN_PATHS).length === 0);
        const after = compilePolicies(documents, world.directory, KNOWN_PATHS);
        const b = decideAll(before, facts);
        const a = decideAll(after, facts);
        a.forEach((decision, i) => {
          const was = new Set(planRedaction(b[i]!, catalogue).disclosedIndices);
          for (const index of planRedaction(decision, catalogue).disclosedIndices)
            expect(was.has(index)).toBe(true);
        });
      }),
      RUNS,
    );
  });

  it('victim identity reaches only accredited recipients; minor identity only with a minor release', () => {
    fc.assert(
      fc.property(scenarioArb, ({ world, facts }) => {
        const set = compilePolicies(world.documents, world.directory, KNOWN_PATHS);
        const rules =
          world.documents.find((d) => d.jurisdiction === facts.originatorJurisdiction)?.outbound ??
          [];
        for (const d of decideAll(set, facts)) {
          const agency = world.directory.agencies.find((a) => a.id === d.recipient)!;
          const plan = planRedaction(d, catalogue);
          const contributing = rules.filter((r) => d.rules.includes(r.id));
          for (const index of plan.disclosedIndices) {
            const slot = catalogue[index]!;
            if (!slot.subjectIdentity) continue;
            if (slot.subjectRole === 'VICTIM') {
              expect(agency.accreditations).toContain('VICTIM_SUPPORT');
              expect(contributing.some((r) => r.releaseVictimIdentity === true)).toBe(true);
            }
            if (slot.subjectMinor) {
              expect(agency.accreditations).toContain('MINOR_PROTECTION');
              expect(contributing.some((r) => r.releaseMinorIdentity === true)).toBe(true);
            }
          }
        }
      }),
      RUNS,
    );
  });
});
