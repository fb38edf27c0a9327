/**
 * Recall and precision of exact links on a synthetic corpus, computed end to end
 * through extraction, pseudonyms and matching (the bench runs the same on the full
 * corpus): every planted cross-agency link is found, and nothing else links.
 */
import type { LinkKey } from '../index';
import { generateLinkCorpus } from './link-corpus';
import { corpusFigures, measureCorpus, pairKey } from './link-corpus-measure';

const KEY: LinkKey = { epoch: 1, secret: new Uint8Array(32).fill(0x5a) };

describe('link corpus', () => {
  const corpus = generateLinkCorpus({ seed: 20261201, messages: 5000, plantedLinks: 50 });
  const measured = measureCorpus(corpus, KEY);
  const planted = new Set(corpus.planted.map((l) => pairKey(...l.messageIds)));

  it('has the requested shape: many agencies, every planted kind, near-misses', () => {
    expect(corpus.messages).toHaveLength(5000);
    expect(
      new Set(corpus.messages.map((m) => m.message.originatorAgency)).size,
    ).toBeGreaterThanOrEqual(10);
    expect(corpus.planted).toHaveLength(50);
    expect(new Set(corpus.planted.map((l) => l.kind))).toEqual(
      new Set(['PHONE', 'DOCUMENT', 'PLATE']),
    );
    expect(new Set(corpus.nearMisses.map((n) => n.kind))).toEqual(
      new Set([
        'phone-digit-off',
        'document-digit-off',
        'document-other-country',
        'plate-other-country',
        'same-agency-repeat',
      ]),
    );
    expect(planted.size).toBe(50);
  });

  it('writes every selector validly, so nothing is skipped', () => {
    expect(measured.skipped).toBe(0);
  });

  it('finds every planted exact link (recall 100 %)', () => {
    const missed = [...planted].filter((p) => !measured.exactPairs.has(p));
    expect(missed).toEqual([]);
  });

  it('finds no exact link that was not planted (false exact links 0)', () => {
    const extra = [...measured.exactPairs].filter((p) => !planted.has(p));
    expect(extra).toEqual([]);
  });

  it('links no near-miss to what it resembles', () => {
    const leaks = corpus.nearMisses.filter((n) =>
      n.mustNotLinkTo.some((id) => measured.linkedTo.get(n.messageId)?.has(id) ?? false),
    );
    expect(leaks).toEqual([]);
    expect(corpus.nearMisses.every((n) => !measured.linkedTo.has(n.messageId))).toBe(true);
  });

  it('writes the two sides of planted links differently', () => {
    const byId = new Map(corpus.messages.map((m) => [m.message.messageId, m.message]));
    const written = (id: string) => {
      const m = byId.get(id);
      const identity = m?.subjects[0]?.identity;
      return JSON.stringify([
        identity?.contactHandles.map((h) => h.value),
        identity?.documents.map((d) => [d.number, d.issuingCountry]),
        m?.vehicles.map((v) => [v.plate, v.registrationCountry]),
      ]);
    };
    const differing = corpus.planted.filter(
      (l) => written(l.messageIds[0]) !== written(l.messageIds[1]),
    );
    expect(differing.length).toBeGreaterThanOrEqual(35);
  });

  it('reports the figures the bench reports', () => {
    expect(corpusFigures(corpus, measured)).toMatchObject({
      messages: 5000,
      planted: 50,
      plantedFound: 50,
      recall: 1,
      falseExactLinks: 0,
      nearMissesLinked: 0,
      skippedSelectors: 0,
    });
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const again = generateLinkCorpus({ seed: 20261201, messages: 300, plantedLinks: 10 });
    expect(generateLinkCorpus({ seed: 20261201, messages: 300, plantedLinks: 10 })).toEqual(again);
    expect(generateLinkCorpus({ seed: 7, messages: 300, plantedLinks: 10 })).not.toEqual(again);
  });
});
