import {
  compilePolicies,
  parsePolicyDocument,
  policyDocumentVersion,
  policyVersionOf,
  validatePolicies,
  type OutboundRule,
  type PolicyDocument,
} from '@liaison/policy';
import { KNOWN_PATHS, loadSeed } from '../test/fixtures';

const seed = loadSeed();
const base: OutboundRule = {
  id: 'NL-T-01',
  effect: 'share',
  to: { groups: ['EU'] },
  maxTlp: 'AMBER',
  maxHandlingCode: 'H1',
  purposes: ['INVESTIGATION'],
};

function compileNl(...outbound: OutboundRule[]): void {
  compilePolicies([{ jurisdiction: 'NL', outbound }], seed.directory, KNOWN_PATHS);
}

function expectError(fn: () => void, code: string, ...inMessage: string[]): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toMatchObject({ code });
  for (const text of inMessage) expect((error as Error).message).toContain(text);
}

describe('compilePolicies validation', () => {
  it('compiles the seed world', () => {
    expect(validatePolicies(seed.documents, seed.directory, KNOWN_PATHS)).toEqual([]);
    expect(seed.files.sort()).toEqual(seed.documents.map((d) => `${d.jurisdiction}.json`).sort());
  });

  it('rejects an unknown field path, naming rule and path', () => {
    expectError(
      () => compileNl({ ...base, withhold: ['subjects[].shoeSize'] }),
      'policy.unknown-path',
      'NL-T-01',
      'subjects[].shoeSize',
    );
  });

  it('rejects unknown agencies, groups and jurisdictions', () => {
    expectError(
      () => compileNl({ ...base, to: { agencies: ['xx-ghost'] } }),
      'policy.unknown-agency',
      'xx-ghost',
    );
    expectError(
      () => compileNl({ ...base, to: { groups: ['NATO'] } }),
      'policy.unknown-group',
      'NATO',
    );
    expectError(
      () => compileNl({ ...base, to: { jurisdictions: ['ZZ'] } }),
      'policy.unknown-jurisdiction',
      'ZZ',
    );
    expectError(
      () => compilePolicies([{ jurisdiction: 'ZZ', outbound: [] }], seed.directory, KNOWN_PATHS),
      'policy.unknown-jurisdiction',
    );
  });

  it('rejects duplicate rule ids within a jurisdiction', () => {
    expectError(
      () => compileNl(base, { ...base, to: { agencies: ['de-bka'] } }),
      'policy.duplicate-rule',
      'NL-T-01',
    );
  });

  it('rejects a share and a deny with the same target and scope', () => {
    expectError(
      () =>
        compileNl(base, {
          id: 'NL-D-01',
          effect: 'deny',
          to: { groups: ['EU'] },
          purposes: ['INVESTIGATION'],
        }),
      'policy.contradiction',
      'NL-T-01',
      'NL-D-01',
    );
  });

  it('rejects withholding identity while releasing it', () => {
    expectError(
      () => compileNl({ ...base, withhold: ['subjects[].identity'], releaseVictimIdentity: true }),
      'policy.contradiction',
      'subjects[].identity',
    );
    expectError(
      () => compileNl({ ...base, withholdSubjects: ['VICTIM'], releaseVictimIdentity: true }),
      'policy.contradiction',
    );
    // Withholding a part of identity while releasing the rest is allowed.
    expect(() =>
      compileNl({
        ...base,
        withhold: ['subjects[].identity.documents[]'],
        releaseVictimIdentity: true,
      }),
    ).not.toThrow();
  });

  it('rejects malformed rules and lists every problem in details', () => {
    expectError(() => compileNl({ ...base, maxTlp: undefined }), 'policy.invalid-rule', 'maxTlp');
    expectError(() => compileNl({ ...base, purposes: [] }), 'policy.invalid-rule');
    expectError(() => compileNl({ ...base, to: {} }), 'policy.invalid-rule');
    expectError(
      () => compileNl({ ...base, messageTypes: ['NOPE'] }),
      'policy.unknown-message-type',
      'NOPE',
    );
    expectError(
      () => compileNl({ id: 'D', effect: 'deny', to: { groups: ['EU'] }, withhold: ['narrative'] }),
      'policy.invalid-rule',
    );
    const problems = validatePolicies(
      [
        {
          jurisdiction: 'NL',
          outbound: [{ ...base, withhold: ['x'], to: { agencies: ['xx-ghost'] } }],
        },
      ],
      seed.directory,
      KNOWN_PATHS,
    );
    expect(problems.map((p) => p.code)).toEqual(['policy.unknown-agency', 'policy.unknown-path']);
  });

  it('accepts addressed share rules up to RED; refuses RED on broadcast rules and addressed denies', () => {
    expect(() => compileNl({ ...base, addressed: true, maxTlp: 'RED' })).not.toThrow();
    expectError(
      () => compileNl({ ...base, maxTlp: 'RED' }),
      'policy.invalid-rule',
      'NL-T-01',
      'RED is shared by naming',
    );
    expectError(
      () => compileNl({ ...base, addressed: false, maxTlp: 'RED' }),
      'policy.invalid-rule',
      'broadcast',
    );
    expectError(
      () => compileNl({ id: 'D', effect: 'deny', to: { groups: ['EU'] }, addressed: true }),
      'policy.invalid-rule',
      'addressed',
    );
  });

  it('reads the addressed flag and refuses what the policy language does not know', () => {
    const rule = { ...base, addressed: true, maxTlp: 'RED' };
    expect(parsePolicyDocument({ jurisdiction: 'NL', outbound: [rule] }).outbound[0]).toEqual(rule);
    expectError(
      () => parsePolicyDocument({ jurisdiction: 'NL', outbound: [{ ...base, addressed: 'yes' }] }),
      'policy.invalid-document',
      'NL.outbound[0].addressed',
      'a boolean',
    );
    // A misspelt flag would otherwise silently turn an addressed rule into a broadcast one.
    expectError(
      () => parsePolicyDocument({ jurisdiction: 'NL', outbound: [{ ...base, adressed: true }] }),
      'policy.invalid-document',
      'NL.outbound[0].adressed',
    );
    expectError(
      () =>
        parsePolicyDocument({
          jurisdiction: 'NL',
          outbound: [{ ...base, to: { groups: ['EU'], named: true } }],
        }),
      'policy.invalid-document',
      'NL.outbound[0].to.named',
    );
    expectError(
      () => parsePolicyDocument({ jurisdiction: 'NL', outbound: [], inbound: [] }),
      'policy.invalid-document',
      'document.inbound',
    );
    expect(parsePolicyDocument({ jurisdiction: 'NL', version: 'sha256:x', outbound: [] })).toEqual({
      jurisdiction: 'NL',
      outbound: [],
    });
  });

  it('rejects an invalid directory', () => {
    const bad = {
      ...seed.directory,
      agencies: [...seed.directory.agencies, { ...seed.directory.agencies[0]!, id: 'NL_KNP' }],
    };
    expectError(() => compilePolicies([], bad, KNOWN_PATHS), 'policy.invalid-agency', 'NL_KNP');
  });

  it('versions by content: stable under input order, changed by any rule change', () => {
    const a = compilePolicies(seed.documents, seed.directory, KNOWN_PATHS);
    const b = compilePolicies([...seed.documents].reverse(), seed.directory, KNOWN_PATHS);
    expect(a.worldVersion).toBe(b.worldVersion);
    const changed: PolicyDocument[] = seed.documents.map((d) =>
      d.jurisdiction === 'NL' ? { ...d, outbound: d.outbound.slice(1) } : d,
    );
    const c = compilePolicies(changed, seed.directory, KNOWN_PATHS);
    expect(c.worldVersion).not.toBe(a.worldVersion);
    expect(policyVersionOf(c, 'NL')).not.toBe(policyVersionOf(a, 'NL'));
    expect(policyVersionOf(c, 'DE')).toBe(policyVersionOf(a, 'DE'));
    const nl = a.documents.find((d) => d.jurisdiction === 'NL')!;
    expect(nl.version).toBe(policyDocumentVersion(nl));
  });
});
