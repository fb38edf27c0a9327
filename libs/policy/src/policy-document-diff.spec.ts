import { diffPolicyDocuments, type PolicyDocument } from '@liaison/policy';
import { loadSeed } from '../test/fixtures';

const nl = loadSeed().documents.find((d) => d.jurisdiction === 'NL')!;

describe('diffPolicyDocuments', () => {
  it('names the rules a draft adds, changes (with the members) and removes', () => {
    const [first, second, ...rest] = nl.outbound;
    const draft: PolicyDocument = {
      ...nl,
      outbound: [
        { ...first!, maxTlp: 'GREEN', description: 'narrowed' },
        ...rest,
        { id: 'NL-TH-PAUSE-01', effect: 'deny', to: { agencies: ['th-dsi'] }, messageTypes: '*' },
      ],
      links: [],
    };
    const changes = diffPolicyDocuments(nl, draft);
    expect(changes.map((c) => [c.change, c.section, c.id])).toEqual([
      ['changed', 'outbound', first!.id],
      ['added', 'outbound', 'NL-TH-PAUSE-01'],
      ['removed', 'outbound', second!.id],
      ...(nl.links ?? []).map((l) => ['removed', 'links', l.id]),
    ]);
    expect(changes[0]).toMatchObject({ members: ['description', 'maxTlp'] });
  });

  it('is empty for the same document, whatever its key order', () => {
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : value;
    expect(diffPolicyDocuments(nl, reversed(nl) as PolicyDocument)).toEqual([]);
    expect(diffPolicyDocuments(undefined, nl).every((c) => c.change === 'added')).toBe(true);
  });
});
