import {
  BUILTIN,
  compilePolicies,
  decide,
  decideAll,
  planRedaction,
  prepareCatalogue,
  referencePlanRedaction,
  type RecipientDecision,
} from '@liaison/policy';
import { KNOWN_PATHS, catalogueWithSubjects, facts, loadSeed, thrownCode } from '../test/fixtures';

const seed = loadSeed();
const set = compilePolicies(seed.documents, seed.directory, KNOWN_PATHS);
const catalogue = catalogueWithSubjects();
const pathOf = (i: number): string => catalogue[i]!.schemaPath;

function decision(overrides: Partial<RecipientDecision>): RecipientDecision {
  return {
    recipient: 'de-bka',
    outcome: 'FULL',
    rules: ['X'],
    withheld: [],
    withheldSubjects: [],
    victimIdentityReleased: true,
    minorIdentityReleased: true,
    policyVersion: 'v',
    ...overrides,
  };
}

describe('planRedaction', () => {
  it('discloses everything when nothing is withheld', () => {
    const plan = planRedaction(decision({}), catalogue);
    expect(plan.outcome).toBe('FULL');
    expect(plan.disclosedIndices).toHaveLength(catalogue.length);
  });

  it('withholds a path, its descendants, and children of withheld slots', () => {
    const plan = planRedaction(
      decision({ withheld: [{ path: 'vehicles[]', ruleId: 'R1' }] }),
      catalogue,
    );
    expect(plan.outcome).toBe('REDACTED');
    expect(plan.withheld.map((w) => [w.path, w.ruleId])).toEqual([
      ['vehicles[]', 'R1'],
      ['vehicles[].plate', 'R1'],
    ]);
    const identity = planRedaction(
      decision({ withheld: [{ path: 'subjects[].identity', ruleId: 'R2' }] }),
      catalogue,
    );
    expect(
      identity.withheld.every((w) => w.path.startsWith('subjects[].identity') && w.ruleId === 'R2'),
    ).toBe(true);
    expect(identity.withheld).toHaveLength(12);
  });

  it('withholds victim identity without release, minors without minor release', () => {
    const plan = planRedaction(
      decision({ victimIdentityReleased: false, minorIdentityReleased: false }),
      catalogue,
    );
    const reasons = new Map(plan.withheld.map((w) => [w.index, w.ruleId]));
    // slots 1..6: adult victim, 7..12: minor victim, 13..18: suspect
    for (let i = 1; i <= 12; i++) expect(reasons.get(i)).toBe(BUILTIN.victimIdentity);
    for (let i = 13; i <= 18; i++) expect(reasons.has(i)).toBe(false);
    const minorOnly = planRedaction(decision({ minorIdentityReleased: false }), catalogue);
    expect(minorOnly.withheld.map((w) => w.index)).toEqual([7, 8, 9, 10, 11, 12]);
    expect(new Set(minorOnly.withheld.map((w) => w.ruleId))).toEqual(
      new Set([BUILTIN.minorIdentity]),
    );
    expect(pathOf(12)).toBe('subjects[].lastSeen'); // withheld because its parent subject is
  });

  it('withholds whole subjects by role', () => {
    const plan = planRedaction(
      decision({ withheldSubjects: [{ role: 'SUSPECT', ruleId: 'NGO' }] }),
      catalogue,
    );
    expect(plan.withheld.map((w) => w.index)).toEqual([13, 14, 15, 16, 17, 18]);
  });

  it('discloses nothing on a denial', () => {
    expect(planRedaction(decision({ outcome: 'DENIED' }), catalogue)).toMatchObject({
      outcome: 'DENIED',
      disclosedIndices: [],
    });
  });

  it('is FULL when the decision expected redaction but the message has no such fields', () => {
    const d = decide(set, facts({ messageType: 'VICTIM_AT_RISK', hasVictim: true }), 'fr-ocriest');
    expect(d.outcome).toBe('REDACTED');
    expect(
      planRedaction(d, [
        {
          index: 0,
          schemaPath: 'locations[]',
          subjectRole: null,
          subjectMinor: false,
          subjectIdentity: false,
          parentIndex: null,
        },
      ]).outcome,
    ).toBe('FULL');
  });

  it('agrees with the reference planner on the seed fan-out', () => {
    const prepared = prepareCatalogue(catalogue);
    for (const f of [
      facts(),
      facts({
        messageType: 'VICTIM_AT_RISK',
        hasVictim: true,
        hasMinor: true,
        purposes: ['VICTIM_SUPPORT', 'INVESTIGATION'],
      }),
    ]) {
      for (const d of decideAll(set, f)) {
        expect(planRedaction(d, prepared)).toEqual(referencePlanRedaction(d, catalogue));
      }
    }
  });

  it('rejects a catalogue with dangling parents', () => {
    expect(
      thrownCode(() =>
        prepareCatalogue([
          {
            index: 0,
            schemaPath: 'x',
            subjectRole: null,
            subjectMinor: false,
            subjectIdentity: false,
            parentIndex: 9,
          },
        ]),
      ),
    ).toBe('policy.invalid-catalogue');
  });
});
