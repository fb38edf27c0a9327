import {
  BUILTIN,
  compilePolicies,
  decide,
  decideAll,
  NO_POLICY_VERSION,
  policyDocumentVersion,
  type CompiledPolicySet,
  type PolicyDocument,
  type RecipientDecision,
} from '@liaison/policy';
import { KNOWN_PATHS, facts, loadSeed, thrownCode } from '../test/fixtures';

const seed = loadSeed();
const set = compilePolicies(seed.documents, seed.directory, KNOWN_PATHS);

function byRecipient(decisions: RecipientDecision[]): Record<string, RecipientDecision> {
  return Object.fromEntries(decisions.map((d) => [d.recipient, d]));
}

function withNl(outbound: PolicyDocument['outbound']): CompiledPolicySet {
  const documents = seed.documents.map((d) => (d.jurisdiction === 'NL' ? { ...d, outbound } : d));
  return compilePolicies(documents, seed.directory, KNOWN_PATHS);
}

describe('decide (seed world, NL originator)', () => {
  it('gives every agency a decision naming the rules that produced it', () => {
    const d = byRecipient(decideAll(set, facts()));
    expect(Object.keys(d)).toHaveLength(seed.directory.agencies.length);
    expect(d['nl-knp']).toMatchObject({ outcome: 'DENIED', rules: [BUILTIN.originator] });
    expect(d['de-bka']).toMatchObject({ outcome: 'FULL', rules: ['NL-EU-01'], withheld: [] });
    expect(d['nl-kmar']).toMatchObject({ outcome: 'FULL', rules: ['NL-EU-01'] });
    expect(d['uk-nca']).toMatchObject({
      outcome: 'REDACTED',
      rules: ['NL-UK-01'],
      withheld: [{ path: 'financialIdentifiers[]', ruleId: 'NL-UK-01' }],
    });
    expect(d['th-dsi']?.withheld.map((w) => w.path)).toEqual([
      'narrative',
      'financialIdentifiers[]',
      'subjects[].identity.documents[]',
    ]);
    expect(d['int-hub']).toMatchObject({ outcome: 'REDACTED', rules: ['NL-HUB-01'] });
    expect(d['ngo-safehaven']).toMatchObject({ outcome: 'DENIED', rules: [BUILTIN.defaultDeny] });
  });

  it("stamps the originator jurisdiction's document version on every decision", () => {
    const nl = seed.documents.find((d) => d.jurisdiction === 'NL')!;
    for (const d of decideAll(set, facts())) {
      expect(d.policyVersion).toBe(policyDocumentVersion(nl));
    }
    expect(policyDocumentVersion(nl)).toMatch(/^sha256:[0-9a-f]{64}$/);
    const none = decide(set, facts({ originatorJurisdiction: 'XX' }), 'de-bka');
    expect(none.policyVersion).toBe(NO_POLICY_VERSION);
    expect(decide(set, facts(), 'nobody').policyVersion).toBe(policyDocumentVersion(nl));
  });

  it('denies by default: no rule of the originator jurisdiction addresses the recipient', () => {
    const d = decide(set, facts({ messageType: 'FINANCIAL_PATTERN' }), 'th-dsi');
    expect(d).toMatchObject({ outcome: 'DENIED', rules: [BUILTIN.defaultDeny] });
    const none = decide(
      set,
      facts({ originatorJurisdiction: 'XX', originatorAgency: 'xx-a' }),
      'de-bka',
    );
    expect(none.rules).toEqual([BUILTIN.defaultDeny]);
  });

  it('denies unknown recipients', () => {
    expect(decide(set, facts(), 'zz-nobody')).toMatchObject({
      outcome: 'DENIED',
      rules: [BUILTIN.unknownRecipient],
    });
  });

  it('lets a matching deny rule win over share rules', () => {
    const d = decide(set, facts({ messageType: 'VICTIM_AT_RISK', hasVictim: true }), 'int-hub');
    expect(d).toMatchObject({ outcome: 'DENIED', rules: ['NL-HUB-DENY-01'] });
  });

  it('unions withheld paths of all matching share rules and names every contributing rule', () => {
    const custom = withNl([
      {
        id: 'A',
        effect: 'share',
        to: { groups: ['EU'] },
        maxTlp: 'AMBER',
        maxHandlingCode: 'H3',
        purposes: ['INVESTIGATION'],
        withhold: ['narrative'],
      },
      {
        id: 'B',
        effect: 'share',
        to: { agencies: ['de-bka'] },
        maxTlp: 'AMBER',
        maxHandlingCode: 'H3',
        purposes: ['INVESTIGATION'],
        withhold: ['narrative', 'vehicles[]'],
      },
    ]);
    const d = decide(custom, facts(), 'de-bka');
    expect(d.rules).toEqual(['A', 'B']);
    expect(d.withheld).toEqual([
      { path: 'narrative', ruleId: 'A' },
      { path: 'vehicles[]', ruleId: 'B' },
    ]);
  });

  it('respects maxTlp, maxHandlingCode and purposes (message ∩ rule ∩ recipient)', () => {
    expect(decide(set, facts({ tlp: 'AMBER+STRICT' }), 'uk-nca').rules).toEqual([
      BUILTIN.defaultDeny,
    ]);
    expect(decide(set, facts({ handlingCode: 'H2' }), 'uk-nca').rules).toEqual([
      BUILTIN.defaultDeny,
    ]);
    // th-dsi accepts INVESTIGATION only; NL-ASEAN-01 shares for INVESTIGATION only.
    expect(decide(set, facts({ purposes: ['BORDER_CONTROL'] }), 'th-dsi').rules).toEqual([
      BUILTIN.defaultDeny,
    ]);
    expect(decide(set, facts({ purposes: [] }), 'de-bka').rules).toEqual([BUILTIN.defaultDeny]);
  });

  it('TLP:RED goes only to named recipients', () => {
    const red = facts({ tlp: 'RED', namedRecipients: ['de-bka'] });
    const d = byRecipient(decideAll(set, red));
    expect(d['de-bka']).toMatchObject({ outcome: 'FULL', rules: ['NL-EU-ADDR-01'] });
    expect(d['fr-ocriest']).toMatchObject({ outcome: 'DENIED', rules: [BUILTIN.tlpRed] });
    // Named but no addressed agreement reaches up to RED: still default deny.
    expect(decide(set, facts({ tlp: 'RED', namedRecipients: ['uk-nca'] }), 'uk-nca').rules).toEqual(
      [BUILTIN.defaultDeny],
    );
  });

  it('AMBER+STRICT reaches only directly targeted agencies, never hubs', () => {
    const strict = facts({ tlp: 'AMBER+STRICT', namedRecipients: ['fr-ocriest'] });
    const d = byRecipient(decideAll(set, strict));
    expect(d['fr-ocriest']?.outcome).toBe('FULL');
    expect(d['de-bka']).toMatchObject({ outcome: 'DENIED', rules: [BUILTIN.amberStrict] });
    const direct = withNl([
      {
        id: 'HUB',
        effect: 'share',
        to: { agencies: ['int-hub', 'de-bka'] },
        maxTlp: 'AMBER+STRICT',
        maxHandlingCode: 'H3',
        purposes: ['INVESTIGATION'],
      },
    ]);
    const s2 = byRecipient(decideAll(direct, facts({ tlp: 'AMBER+STRICT' })));
    expect(s2['de-bka']?.outcome).toBe('FULL');
    expect(s2['int-hub']?.rules).toEqual([BUILTIN.amberStrict]);
  });

  it('H2 reaches an international hub only with onwardSharing and the originator listing it', () => {
    expect(decide(set, facts({ handlingCode: 'H2' }), 'int-hub').rules).toEqual([BUILTIN.h2Onward]);
    const listed = facts({ handlingCode: 'H2', releasableTo: ['int-hub', 'de-bka'] });
    expect(decide(set, listed, 'int-hub').rules).toEqual(['NL-HUB-01']);
    const noOnward = withNl([
      {
        id: 'H',
        effect: 'share',
        to: { kinds: ['INTERNATIONAL_HUB'] },
        maxTlp: 'AMBER',
        maxHandlingCode: 'H3',
        purposes: ['INVESTIGATION'],
      },
    ]);
    expect(decide(noOnward, listed, 'int-hub').rules).toEqual([BUILTIN.h2Onward]);
    expect(decide(set, listed, 'de-bka').outcome).toBe('FULL'); // H2 limits hubs only
  });

  it("enforces the originator's releasability list", () => {
    const d = byRecipient(decideAll(set, facts({ releasableTo: ['de-bka'] })));
    expect(d['de-bka']?.outcome).toBe('FULL');
    expect(d['fr-ocriest']?.rules).toEqual([BUILTIN.releasability]);
  });

  it('releases victim identity only to accredited recipients with a matching release', () => {
    const victim = facts({
      messageType: 'VICTIM_AT_RISK',
      hasVictim: true,
      purposes: ['INVESTIGATION', 'VICTIM_SUPPORT'],
    });
    const d = byRecipient(decideAll(set, victim));
    expect(d['de-bka']).toMatchObject({ outcome: 'FULL', victimIdentityReleased: true });
    // fr-ocriest: matched by NL-EU-01 (which releases) but not VICTIM_SUPPORT accredited.
    expect(d['fr-ocriest']).toMatchObject({
      outcome: 'REDACTED',
      victimIdentityReleased: false,
      rules: ['NL-EU-01', BUILTIN.victimIdentity],
    });
    expect(d['ngo-safehaven']).toMatchObject({
      victimIdentityReleased: true,
      rules: ['NL-NGO-01'],
    });
    // Purpose must fit: RESEARCH never releases identity.
    const research = withNl([
      {
        id: 'R',
        effect: 'share',
        to: { agencies: ['de-bka'] },
        maxTlp: 'AMBER',
        maxHandlingCode: 'H3',
        purposes: ['RESEARCH', 'INVESTIGATION'],
        releaseVictimIdentity: true,
      },
    ]);
    expect(decide(research, { ...victim, purposes: ['RESEARCH'] }, 'de-bka').outcome).toBe(
      'DENIED',
    ); // de-bka accepts no RESEARCH
  });

  it('minors need releaseMinorIdentity and MINOR_PROTECTION accreditation', () => {
    const minor = facts({
      messageType: 'MISSING_PERSON',
      hasVictim: true,
      hasMinor: true,
      purposes: ['VICTIM_SUPPORT'],
    });
    const d = byRecipient(decideAll(set, minor));
    expect(d['ro-diicot']).toMatchObject({ outcome: 'FULL', minorIdentityReleased: true });
    expect(d['de-bka']).toMatchObject({
      outcome: 'REDACTED',
      victimIdentityReleased: true,
      minorIdentityReleased: false,
      rules: ['NL-EU-01', BUILTIN.minorIdentity],
    });
  });

  it('gives a suspended agency nothing', () => {
    const directory = {
      ...seed.directory,
      agencies: seed.directory.agencies.map((a) =>
        a.id === 'de-bka' ? { ...a, suspended: true } : a,
      ),
    };
    const suspended = compilePolicies(seed.documents, directory, KNOWN_PATHS);
    expect(decide(suspended, facts(), 'de-bka').rules).toEqual([BUILTIN.suspended]);
  });

  it('withholds whole subjects by role (suspects from the NGO)', () => {
    const d = decide(
      set,
      facts({ messageType: 'VICTIM_REFERRED', kind: 'CASE_NOTICE', purposes: ['VICTIM_SUPPORT'] }),
      'ngo-safehaven',
    );
    expect(d.withheldSubjects).toEqual([{ role: 'SUSPECT', ruleId: 'NL-NGO-01' }]);
    expect(d.outcome).toBe('REDACTED');
  });

  it('rejects facts with an unknown TLP', () => {
    expect(thrownCode(() => decide(set, facts({ tlp: 'PURPLE' as never }), 'de-bka'))).toBe(
      'policy.invalid-facts',
    );
  });
});

describe('addressed messages (seed world)', () => {
  const notice = (overrides: Parameters<typeof facts>[0]): ReturnType<typeof facts> =>
    facts({ kind: 'CASE_NOTICE', ...overrides });
  const fromRo = { originatorAgency: 'ro-diicot', originatorJurisdiction: 'RO' };
  const broadcastOnly = withNl(
    seed.documents
      .find((d) => d.jurisdiction === 'NL')!
      .outbound.filter((rule) => rule.addressed !== true),
  );

  it.each<[string, ReturnType<typeof facts>, Record<string, readonly unknown[]>]>([
    [
      'CASE_CLOSED from NL naming DE, which assisted: DE only, by the addressed agreement',
      notice({ messageType: 'CASE_CLOSED', addressedTo: ['de-bka'] }),
      {
        'de-bka': ['FULL', 'NL-EU-ADDR-01'],
        'nl-kmar': ['DENIED', BUILTIN.notAddressed],
        'fr-ocriest': ['DENIED', BUILTIN.notAddressed],
        'int-hub': ['DENIED', BUILTIN.notAddressed],
        'uk-nca': ['DENIED', BUILTIN.notAddressed],
      },
    ],
    [
      'CASE_CLOSED naming nobody: broadcast as before',
      notice({ messageType: 'CASE_CLOSED' }),
      { 'de-bka': ['FULL', 'NL-EU-01'], 'int-hub': ['REDACTED', 'NL-HUB-01'] },
    ],
    [
      'ASSISTANCE_REQUEST from RO to named agencies only (one unknown to the hub)',
      notice({
        ...fromRo,
        messageType: 'ASSISTANCE_REQUEST',
        addressedTo: ['fr-ocriest', 'hu-nni'],
      }),
      {
        'fr-ocriest': ['FULL', 'RO-EU-ADDR-01'],
        'nl-knp': ['DENIED', BUILTIN.notAddressed],
        'de-bka': ['DENIED', BUILTIN.notAddressed],
        'uk-nca': ['DENIED', BUILTIN.notAddressed],
        'ro-diicot': ['DENIED', BUILTIN.originator],
      },
    ],
    [
      'ASSISTANCE_REQUEST naming an agency with only a broadcast agreement: default deny',
      notice({ messageType: 'ASSISTANCE_REQUEST', addressedTo: ['uk-nca'] }),
      { 'uk-nca': ['DENIED', BUILTIN.defaultDeny], 'de-bka': ['DENIED', BUILTIN.notAddressed] },
    ],
    [
      'JIT_PROPOSED from RO: the partner agency and the partner hub (narrative withheld)',
      notice({ ...fromRo, messageType: 'JIT_PROPOSED', addressedTo: ['fr-ocriest', 'int-hub'] }),
      {
        'fr-ocriest': ['FULL', 'RO-EU-ADDR-01'],
        'int-hub': ['REDACTED', 'RO-HUB-ADDR-01'],
        'nl-knp': ['DENIED', BUILTIN.notAddressed],
      },
    ],
    [
      'deny still wins: a victim referral naming the hub',
      notice({
        messageType: 'VICTIM_REFERRED',
        purposes: ['VICTIM_SUPPORT'],
        addressedTo: ['int-hub', 'de-bka'],
      }),
      { 'int-hub': ['DENIED', 'NL-HUB-DENY-01'], 'de-bka': ['FULL', 'NL-EU-ADDR-01'] },
    ],
    [
      'TLP:RED alert naming only DE-BKA: DE-BKA by the addressed agreement, nobody else',
      facts({ tlp: 'RED', namedRecipients: ['de-bka'] }),
      {
        'de-bka': ['FULL', 'NL-EU-ADDR-01'],
        'fr-ocriest': ['DENIED', BUILTIN.tlpRed],
        'ro-diicot': ['DENIED', BUILTIN.tlpRed],
      },
    ],
    [
      'TLP:RED victim referral from FR naming the NGO and RO: both, by addressed agreements',
      notice({
        originatorAgency: 'fr-ocriest',
        originatorJurisdiction: 'FR',
        messageType: 'VICTIM_REFERRED',
        tlp: 'RED',
        handlingCode: 'H2',
        purposes: ['VICTIM_SUPPORT'],
        namedRecipients: ['ngo-safehaven', 'ro-diicot'],
        hasVictim: true,
      }),
      {
        'ngo-safehaven': ['REDACTED', 'FR-NGO-ADDR-01'],
        'ro-diicot': ['REDACTED', 'FR-EU-ADDR-01'],
        'de-bka': ['DENIED', BUILTIN.tlpRed],
      },
    ],
    [
      'an AMBER alert naming DE-BKA stays broadcast; DE-BKA also matches the addressed rule',
      facts({ namedRecipients: ['de-bka'] }),
      { 'de-bka': ['FULL', 'NL-EU-01', 'NL-EU-ADDR-01'], 'fr-ocriest': ['FULL', 'NL-EU-01'] },
    ],
  ])('%s', (_name, message, want) => {
    const d = byRecipient(decideAll(set, message));
    for (const [agency, [outcome, ...rules]] of Object.entries(want)) {
      expect({ agency, outcome: d[agency]?.outcome, rules: d[agency]?.rules }).toEqual({
        agency,
        outcome,
        rules,
      });
    }
  });

  it('without an addressed agreement the same messages are denied by default', () => {
    const red = facts({ tlp: 'RED', namedRecipients: ['de-bka'] });
    expect(decide(broadcastOnly, red, 'de-bka').rules).toEqual([BUILTIN.defaultDeny]);
    const closed = notice({ messageType: 'CASE_CLOSED', addressedTo: ['de-bka'] });
    expect(decide(broadcastOnly, closed, 'de-bka').rules).toEqual([BUILTIN.defaultDeny]);
  });

  it('a named agency counts as directly targeted for AMBER+STRICT', () => {
    const strict = notice({
      messageType: 'ASSISTANCE_REQUEST',
      tlp: 'AMBER+STRICT',
      addressedTo: ['de-bka'],
    });
    expect(decide(set, strict, 'de-bka')).toMatchObject({
      outcome: 'FULL',
      rules: ['NL-EU-ADDR-01'],
    });
  });
});
