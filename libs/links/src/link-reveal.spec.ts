import {
  LINK_BUILTIN,
  revealLink,
  type HeldMessageMarks,
  type LinkParty,
  type LinksRule,
  type RevealQuestion,
} from './index';

const party = (id: string, jurisdiction: string, kind = 'LAW_ENFORCEMENT'): LinkParty => ({
  id,
  jurisdiction,
  groups: ['UK', 'INT', 'TH', 'PH'].includes(jurisdiction) ? [] : ['EU'],
  kind,
});

const NL = party('nl-knp', 'NL');
const DE = party('de-bka', 'DE');
const FR = party('fr-ocriest', 'FR');
const UK = party('uk-nca', 'UK');
const HUB = party('int-europol', 'INT', 'INTERNATIONAL_HUB');

const AMBER: HeldMessageMarks = {
  tlp: 'AMBER',
  handlingCode: 'H1',
  releasableTo: [],
  namedRecipients: [],
};

const EU_RULE: LinksRule = { id: 'NL-LINKS-EU', to: { groups: ['EU'] } };

function ask(overrides: Partial<RevealQuestion>): ReturnType<typeof revealLink> {
  return revealLink({
    holder: NL,
    marks: AMBER,
    learner: DE,
    kinds: ['PHONE'],
    rules: [EU_RULE],
    ...overrides,
  });
}

describe('revealLink', () => {
  it('reveals to an agency a links rule of the holder jurisdiction addresses', () => {
    expect(ask({})).toEqual({
      reveal: true,
      rules: ['NL-LINKS-EU'],
      kinds: ['PHONE'],
      strength: 'EXACT',
    });
  });

  it('denies by default: no rule, or no rule addressing the learner', () => {
    expect(ask({ rules: [] })).toEqual({ reveal: false, rule: LINK_BUILTIN.defaultDeny });
    expect(ask({ learner: UK })).toEqual({ reveal: false, rule: LINK_BUILTIN.defaultDeny });
  });

  it('never reveals to the holder itself or to a suspended agency', () => {
    expect(ask({ learner: NL })).toEqual({ reveal: false, rule: LINK_BUILTIN.sameAgency });
    expect(ask({ learner: { ...DE, suspended: true } })).toEqual({
      reveal: false,
      rule: LINK_BUILTIN.suspended,
    });
  });

  it('reveals only the kinds the rule lists', () => {
    const rules: LinksRule[] = [
      { id: 'NL-DE-DOCS', to: { agencies: ['de-bka'] }, kinds: ['DOCUMENT'] },
    ];
    expect(ask({ rules, kinds: ['PHONE'] })).toEqual({
      reveal: false,
      rule: LINK_BUILTIN.defaultDeny,
    });
    expect(ask({ rules, kinds: ['PHONE', 'DOCUMENT'] })).toMatchObject({
      reveal: true,
      kinds: ['DOCUMENT'],
    });
  });

  it('reveals possible links only where the rule says so', () => {
    expect(ask({ kinds: ['PERSON'] })).toEqual({ reveal: false, rule: LINK_BUILTIN.defaultDeny });
    expect(ask({ kinds: ['PERSON'], rules: [{ ...EU_RULE, possible: true }] })).toEqual({
      reveal: true,
      rules: ['NL-LINKS-EU'],
      kinds: ['PERSON'],
      strength: 'POSSIBLE',
    });
    expect(ask({ kinds: ['PHONE', 'PERSON'] })).toMatchObject({
      kinds: ['PHONE'],
      strength: 'EXACT',
    });
  });

  it('RED reveals only to named recipients', () => {
    const red: HeldMessageMarks = { ...AMBER, tlp: 'RED', namedRecipients: ['fr-ocriest'] };
    expect(ask({ marks: red })).toEqual({ reveal: false, rule: LINK_BUILTIN.tlpRed });
    expect(ask({ marks: red, learner: FR })).toMatchObject({ reveal: true });
  });

  it('AMBER+STRICT reveals only to agencies targeted directly, never to a hub', () => {
    const strict: HeldMessageMarks = { ...AMBER, tlp: 'AMBER_STRICT' };
    expect(ask({ marks: strict })).toEqual({ reveal: false, rule: LINK_BUILTIN.amberStrict });
    const direct: LinksRule = { id: 'NL-DE', to: { agencies: ['de-bka'] } };
    expect(ask({ marks: strict, rules: [EU_RULE, direct] })).toEqual({
      reveal: true,
      rules: ['NL-LINKS-EU', 'NL-DE'],
      kinds: ['PHONE'],
      strength: 'EXACT',
    });
    expect(ask({ marks: { ...strict, namedRecipients: ['de-bka'] } })).toMatchObject({
      reveal: true,
    });
    const toHub: LinksRule = { id: 'NL-HUB', to: { agencies: ['int-europol'] } };
    expect(ask({ marks: strict, learner: HUB, rules: [toHub] })).toEqual({
      reveal: false,
      rule: LINK_BUILTIN.amberStrict,
    });
    expect(ask({ learner: HUB, rules: [toHub] })).toMatchObject({ reveal: true });
  });

  it("respects the originator's releasability list", () => {
    const listed: HeldMessageMarks = { ...AMBER, releasableTo: ['fr-ocriest'] };
    expect(ask({ marks: listed })).toEqual({ reveal: false, rule: LINK_BUILTIN.releasability });
    expect(ask({ marks: listed, learner: FR })).toMatchObject({ reveal: true });
  });

  it('addresses by jurisdiction, by group and by kind as outbound rules do', () => {
    const byJurisdiction: LinksRule = { id: 'J', to: { jurisdictions: ['UK'] } };
    expect(ask({ learner: UK, rules: [byJurisdiction] })).toMatchObject({ reveal: true });
    const hubsOnly: LinksRule = { id: 'K', to: { kinds: ['INTERNATIONAL_HUB'] } };
    expect(ask({ learner: HUB, rules: [hubsOnly] })).toMatchObject({ reveal: true });
    expect(ask({ learner: DE, rules: [hubsOnly] })).toMatchObject({ reveal: false });
    const euHubs: LinksRule = { id: 'G', to: { groups: ['EU'], kinds: ['INTERNATIONAL_HUB'] } };
    expect(ask({ learner: DE, rules: [euHubs] })).toMatchObject({ reveal: false });
  });
});
