import { agencyLinkGraph, linkOverview, type LinkHitSide, type LinkNoticeView } from './link-graph';

function notice(over: Partial<LinkNoticeView>): LinkNoticeView {
  return {
    noticeId: '00000000-0000-4000-8000-000000000001',
    messageId: '11111111-2222-4333-8444-555555555555',
    caseHandle: 'NL-1',
    counterpartAgency: 'de-bka',
    counterpartCaseHandle: 'DE-9',
    kinds: ['PHONE'],
    strength: 'EXACT',
    counterpartTlp: 'AMBER',
    rules: ['DE-LINKS-EU-01'],
    foundAt: '2026-12-01T10:00:00.000Z',
    ...over,
  };
}

describe('agencyLinkGraph', () => {
  it("joins the agency's handles to the counterparts' handles, one edge per pair", () => {
    const graph = agencyLinkGraph('nl-knp', [
      notice({}),
      notice({ noticeId: 'n2', kinds: ['DOCUMENT'], strength: 'POSSIBLE' }),
      notice({ noticeId: 'n3', counterpartAgency: 'ro-diicot', counterpartCaseHandle: 'RO-3' }),
    ]);
    expect(graph.nodes.map((n) => [n.id, n.kind, n.own])).toEqual([
      ['agency:de-bka', 'AGENCY', false],
      ['agency:nl-knp', 'AGENCY', true],
      ['agency:ro-diicot', 'AGENCY', false],
      ['case:de-bka:DE-9', 'CASE', false],
      ['case:nl-knp:NL-1', 'CASE', true],
      ['case:ro-diicot:RO-3', 'CASE', false],
    ]);
    const links = graph.edges.filter((e) => e.kind === 'LINK');
    expect(links).toEqual([
      {
        from: 'case:nl-knp:NL-1',
        to: 'case:de-bka:DE-9',
        kind: 'LINK',
        selectorKinds: ['DOCUMENT', 'PHONE'],
        strength: 'EXACT',
        count: 2,
      },
      expect.objectContaining({ to: 'case:ro-diicot:RO-3', count: 1 }),
    ]);
    expect(graph.edges.filter((e) => e.kind === 'HOLDS').map((e) => [e.from, e.to])).toEqual([
      ['agency:de-bka', 'case:de-bka:DE-9'],
      ['agency:nl-knp', 'case:nl-knp:NL-1'],
      ['agency:ro-diicot', 'case:ro-diicot:RO-3'],
    ]);
  });

  it('without handles: the own message stands alone, the link reaches the counterpart agency', () => {
    const graph = agencyLinkGraph('nl-knp', [
      notice({ caseHandle: null, counterpartCaseHandle: null, strength: 'POSSIBLE' }),
    ]);
    expect(graph.edges.find((e) => e.kind === 'LINK')).toMatchObject({
      from: 'message:nl-knp:11111111-2222-4333-8444-555555555555',
      to: 'agency:de-bka',
      strength: 'POSSIBLE',
    });
    expect(graph.nodes.find((n) => n.id.startsWith('message:'))?.label).toBe(
      'message 11111111 (no case handle)',
    );
  });

  it('carries nothing but agencies, handles, kinds and counts', () => {
    const graph = agencyLinkGraph('nl-knp', [notice({})]);
    expect(JSON.stringify(graph)).not.toMatch(/AMBER|LINKS-EU|2026-12-01/);
  });
});

describe('linkOverview', () => {
  let n = 0;
  /** Both sides of one hit between two messages. */
  function hit(a: string, b: string, outcome: LinkHitSide['outcome'], kinds = ['PHONE']) {
    const [ma, mb] = [`m${++n}`, `m${++n}`];
    return [
      { learnerAgency: a, learnerMessageId: ma, holderAgency: b, holderMessageId: mb },
      { learnerAgency: b, learnerMessageId: mb, holderAgency: a, holderMessageId: ma },
    ].map((s) => ({ ...s, kinds, strength: 'EXACT', outcome }));
  }
  const times = <T>(k: number, f: () => T[]): T[] => Array.from({ length: k }, f).flat();

  it('counts each link once per pair of agencies, sides notified and denied', () => {
    const overview = linkOverview([
      ...times(6, () => hit('nl-knp', 'de-bka', 'NOTIFIED')),
      ...times(7, () => hit('uk-nca', 'nl-knp', 'DENIED', ['PHONE', 'DOCUMENT'])),
    ]);
    expect(overview.pairs).toEqual([
      { agencies: ['de-bka', 'nl-knp'], links: 6, notified: 12, denied: 0 },
      { agencies: ['nl-knp', 'uk-nca'], links: 7, notified: 0, denied: 14 },
    ]);
    expect(overview.byKind).toEqual([
      { kind: 'DOCUMENT', links: 7 },
      { kind: 'PHONE', links: 13 },
    ]);
    expect(overview.totals).toEqual({ links: 13, notified: 12, denied: 14 });
    expect(overview.graph.edges.map((e) => [e.from, e.to, e.count])).toEqual([
      ['agency:de-bka', 'agency:nl-knp', 6],
      ['agency:nl-knp', 'agency:uk-nca', 7],
    ]);
  });

  it('suppresses small counts, with a complementary cell so the total cannot reveal one', () => {
    const overview = linkOverview([
      ...times(2, () => hit('nl-knp', 'de-bka', 'NOTIFIED')),
      ...times(9, () => hit('fr-ocriest', 'nl-knp', 'NOTIFIED')),
      ...times(20, () => hit('nl-knp', 'ro-diicot', 'NOTIFIED')),
    ]);
    expect(overview.pairs.map((p) => [p.agencies.join('-'), p.links])).toEqual([
      ['de-bka-nl-knp', 'suppressed'],
      ['fr-ocriest-nl-knp', 'suppressed'],
      ['nl-knp-ro-diicot', 20],
    ]);
    expect(overview.totals.links).toBe(31);
    expect(overview.graph.edges.map((e) => e.count)).toEqual(['suppressed', 'suppressed', 20]);
  });

  it('a lone small pair hides the total too', () => {
    const overview = linkOverview(hit('nl-knp', 'de-bka', 'NOTIFIED'));
    expect(overview.pairs[0]?.links).toBe('suppressed');
    expect(overview.totals.links).toBe('suppressed');
    expect(overview.byKind).toEqual([{ kind: 'PHONE', links: 'suppressed' }]);
  });
});
