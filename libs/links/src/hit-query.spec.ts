import {
  LINK_BUILTIN,
  answerHitQuery,
  type LinkParty,
  type LinkWorld,
  type StoredLinkRow,
} from './index';

const party = (id: string, jurisdiction: string, kind = 'LAW_ENFORCEMENT'): LinkParty => ({
  id,
  jurisdiction,
  groups: ['UK', 'INT'].includes(jurisdiction) ? [] : ['EU'],
  kind,
});

const WORLD: LinkWorld = {
  parties: new Map(
    [
      party('nl-knp', 'NL'),
      party('de-bka', 'DE'),
      party('ro-diicot', 'RO'),
      party('uk-nca', 'UK'),
      party('int-europol', 'INT', 'INTERNATIONAL_HUB'),
    ].map((p) => [p.id, p]),
  ),
  rules: new Map([
    ['DE', [{ id: 'DE-LINKS-EU', to: { groups: ['EU'] } }]],
    ['RO', [{ id: 'RO-LINKS-EU', to: { groups: ['EU'] } }]],
    ['NL', [{ id: 'NL-LINKS-EU', to: { groups: ['EU'] } }]],
  ]),
};

let n = 0;
function row(agency: string, patch: Partial<StoredLinkRow> = {}): StoredLinkRow {
  n += 1;
  return {
    epoch: 1,
    kind: 'PHONE',
    pseudonym: 'p',
    agency,
    messageId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    caseHandle: `${agency.toUpperCase()}-1`,
    tlp: 'AMBER',
    handlingCode: 'H0',
    releasableTo: [],
    namedRecipients: [],
    ...patch,
  };
}

describe('answerHitQuery', () => {
  it('answers no hit on an empty index', () => {
    expect(answerHitQuery({ world: WORLD, asker: 'nl-knp', kind: 'PHONE', rows: [] })).toEqual({
      hit: false,
      holders: [],
      withheld: [],
    });
  });

  it('names the holders and handles the links rules reveal, one line per handle', () => {
    const rows = [
      row('ro-diicot'),
      row('ro-diicot', { tlp: 'AMBER_STRICT', namedRecipients: ['nl-knp'] }),
      row('de-bka', { caseHandle: null, tlp: 'GREEN' }),
    ];
    const answer = answerHitQuery({ world: WORLD, asker: 'nl-knp', kind: 'PHONE', rows });
    expect(answer).toEqual({
      hit: true,
      holders: [
        {
          agency: 'de-bka',
          caseHandle: null,
          tlp: 'GREEN',
          kind: 'PHONE',
          strength: 'EXACT',
          messages: 1,
          rules: ['DE-LINKS-EU'],
        },
        {
          agency: 'ro-diicot',
          caseHandle: 'RO-DIICOT-1',
          tlp: 'AMBER_STRICT',
          kind: 'PHONE',
          strength: 'EXACT',
          messages: 2,
          rules: ['RO-LINKS-EU'],
        },
      ],
      withheld: [],
    });
  });

  it("withholds what a notice would: no rule, RED not naming the asker, the asker's own", () => {
    const own = row('nl-knp');
    const red = row('de-bka', { tlp: 'RED', namedRecipients: ['ro-diicot'] });
    const answer = answerHitQuery({
      world: WORLD,
      asker: 'nl-knp',
      kind: 'PHONE',
      rows: [own, red],
    });
    expect(answer.hit).toBe(false);
    expect(answer.holders).toEqual([]);
    expect(answer.withheld).toEqual([
      { agency: 'nl-knp', messageId: own.messageId, rule: LINK_BUILTIN.sameAgency },
      { agency: 'de-bka', messageId: red.messageId, rule: LINK_BUILTIN.tlpRed },
    ]);
    // The UK has no links agreement with anyone: default deny both ways.
    const uk = answerHitQuery({
      world: WORLD,
      asker: 'uk-nca',
      kind: 'PHONE',
      rows: [row('de-bka')],
    });
    expect(uk.hit).toBe(false);
    expect(uk.withheld.map((w) => w.rule)).toEqual([LINK_BUILTIN.defaultDeny]);
  });

  it('a person key is a possible link, revealed only where a rule allows possible links', () => {
    const rows = [row('de-bka', { kind: 'PERSON' })];
    const denied = answerHitQuery({ world: WORLD, asker: 'nl-knp', kind: 'PERSON', rows });
    expect(denied.hit).toBe(false);
    const possible: LinkWorld = {
      ...WORLD,
      rules: new Map([['DE', [{ id: 'DE-LINKS-P', to: { groups: ['EU'] }, possible: true }]]]),
    };
    const allowed = answerHitQuery({ world: possible, asker: 'nl-knp', kind: 'PERSON', rows });
    expect(allowed.holders).toMatchObject([{ agency: 'de-bka', strength: 'POSSIBLE' }]);
  });

  it('counts a message once across key epochs, and ignores rows of another kind', () => {
    const a = row('de-bka');
    const rows = [a, { ...a, epoch: 2 }, row('ro-diicot', { kind: 'HANDLE' })];
    const answer = answerHitQuery({ world: WORLD, asker: 'nl-knp', kind: 'PHONE', rows });
    expect(answer.holders).toMatchObject([{ agency: 'de-bka', messages: 1 }]);
  });
});
