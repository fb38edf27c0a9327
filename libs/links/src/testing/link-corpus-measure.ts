/**
 * Recall and false links of a link corpus, measured end to end through
 * extraction, pseudonyms and matching with an in-memory index: the corpus spec
 * checks a small corpus with it, the bench (bench/links) the full one.
 */
import { extractSelectors } from '../extract-selectors';
import { matchLinks, type LinkIndexRow } from '../link-match';
import { pseudonymsOf, type LinkKey } from '../pseudonym';
import type { LinkCorpus } from './link-corpus';

export interface CorpusMeasure {
  /** Exact links found, as `a|b` message-id pairs (a < b). */
  readonly exactPairs: ReadonlySet<string>;
  /** Every message linked to each message, any strength. */
  readonly linkedTo: ReadonlyMap<string, ReadonlySet<string>>;
  readonly skipped: number;
}

export interface CorpusFigures {
  readonly messages: number;
  readonly agencies: number;
  readonly planted: number;
  readonly plantedFound: number;
  /** plantedFound ÷ planted. */
  readonly recall: number;
  /** Exact links found that were not planted. */
  readonly falseExactLinks: number;
  readonly nearMisses: number;
  /** Near-misses linked to what they resemble (must be 0). */
  readonly nearMissesLinked: number;
  readonly skippedSelectors: number;
}

export const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** Publishes the corpus in order through an in-memory link index. */
export function measureCorpus(corpus: LinkCorpus, key: LinkKey): CorpusMeasure {
  const index = new Map<string, LinkIndexRow[]>();
  const exactPairs = new Set<string>();
  const linkedTo = new Map<string, Set<string>>();
  let skipped = 0;
  for (const { message, jurisdiction } of corpus.messages) {
    const extracted = extractSelectors(message, jurisdiction);
    skipped += extracted.skipped.length;
    const pseudonyms = pseudonymsOf([key], extracted.selectors);
    const held = {
      agency: message.originatorAgency,
      messageId: message.messageId,
      caseHandle: message.caseRef,
      tlp: message.handling.tlp,
      handlingCode: message.handling.handlingCode,
    };
    const candidates = pseudonyms.flatMap((p) => index.get(`${p.kind}:${p.pseudonym}`) ?? []);
    for (const pair of matchLinks({ ...held, pseudonyms }, candidates)) {
      const other = pair.counterpart.messageId;
      if (pair.strength === 'EXACT') exactPairs.add(pairKey(message.messageId, other));
      for (const [a, b] of [
        [message.messageId, other],
        [other, message.messageId],
      ] as const) {
        const set = linkedTo.get(a) ?? new Set<string>();
        set.add(b);
        linkedTo.set(a, set);
      }
    }
    for (const p of pseudonyms) {
      const k = `${p.kind}:${p.pseudonym}`;
      const rows = index.get(k) ?? [];
      rows.push({ ...held, ...p });
      index.set(k, rows);
    }
  }
  return { exactPairs, linkedTo, skipped };
}

/** The figures the bench reports: recall, false exact links, near-misses linked. */
export function corpusFigures(corpus: LinkCorpus, measured: CorpusMeasure): CorpusFigures {
  const planted = new Set(corpus.planted.map((l) => pairKey(...l.messageIds)));
  const found = [...planted].filter((p) => measured.exactPairs.has(p)).length;
  return {
    messages: corpus.messages.length,
    agencies: new Set(corpus.messages.map((m) => m.message.originatorAgency)).size,
    planted: planted.size,
    plantedFound: found,
    recall: planted.size === 0 ? 1 : found / planted.size,
    falseExactLinks: [...measured.exactPairs].filter((p) => !planted.has(p)).length,
    nearMisses: corpus.nearMisses.length,
    nearMissesLinked: corpus.nearMisses.filter((n) =>
      n.mustNotLinkTo.some((id) => measured.linkedTo.get(n.messageId)?.has(id) ?? false),
    ).length,
    skippedSelectors: measured.skipped,
  };
}
