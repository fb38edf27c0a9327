import { linkWorldOf } from '@liaison/runtime';
import { revealIn } from '@liaison/links';
import { benchLinkWorld, linkBenchOptionsFrom, runCorpusPhase } from './link-bench';

describe('links bench', () => {
  it('measures a small corpus as the full one: recall 100 %, no false exact link', () => {
    const figures = runCorpusPhase({ corpusMessages: 2000, plantedLinks: 20 });
    expect(figures).toMatchObject({
      messages: 2000,
      planted: 20,
      plantedFound: 20,
      recall: 1,
      falseExactLinks: 0,
      nearMissesLinked: 0,
      skippedSelectors: 0,
    });
    expect(figures.agencies).toBeGreaterThanOrEqual(10);
  });

  it('reads its knobs from the environment, with the issue sizes by default', () => {
    const base = { databaseUrl: 'postgres://x/y', runId: 'r', log: () => undefined };
    expect(linkBenchOptionsFrom({}, base)).toMatchObject({
      corpusMessages: 100_000,
      plantedLinks: 600,
      indexRows: 10_000_000,
      queries: 2000,
    });
    expect(
      linkBenchOptionsFrom({ BENCH_LINK_INDEX_ROWS: '50000', BENCH_LINK_QUERIES: 'x' }, base),
    ).toMatchObject({ indexRows: 50_000, queries: 2000 });
  });

  it("queries in a world where the corpus agencies reveal each other's hits", () => {
    const world = linkWorldOf(benchLinkWorld());
    const marks = {
      tlp: 'AMBER',
      handlingCode: 'H0',
      releasableTo: [],
      namedRecipients: [],
    } as const;
    expect(
      revealIn(world, { holder: 'ro-diicot', learner: 'nl-knp', marks, kinds: ['PHONE'] }),
    ).toMatchObject({ reveal: true });
  });
});
