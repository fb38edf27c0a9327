/**
 * The answer to a hit/no-hit query (Prüm-style): does any other agency hold
 * this selector, and which holders and case handles may the asking agency be
 * told of? Each held message is put to the same reveal question as a link
 * notice (revealIn: the holder's `links` rules, default deny, and the held
 * message's marks), so a query never tells more than a notice would. A held
 * message that may not be revealed is withheld, and a query whose every
 * holding is withheld answers "no hit": a hit nobody may be told of is no hit
 * to the asker, only a line in the log. The asking agency's own messages are
 * no hit either: it knows them already.
 */
import type { Tlp } from '@liaison/contracts';
import { LINK_BUILTIN, type LinkBuiltinRuleId } from './link-reveal';
import { marksOfRow, revealIn, type LinkWorld, type StoredLinkRow } from './link-world';
import { strengthOf, type LinkStrength, type SelectorKind } from './selector';

/** A holder the asker may be told of: whom to ask, about which case. */
export interface HitHolder {
  readonly agency: string;
  readonly caseHandle: string | null;
  /** The most restrictive TLP among the holder's messages under this handle. */
  readonly tlp: Tlp;
  readonly kind: SelectorKind;
  readonly strength: LinkStrength;
  /** Messages of the holder under this handle that hold the selector. */
  readonly messages: number;
  /** The links rules that reveal it. */
  readonly rules: readonly string[];
}

/** A held message the asker is not told of, for the log. */
export interface WithheldHolding {
  readonly agency: string;
  readonly messageId: string;
  readonly rule: LinkBuiltinRuleId;
}

export interface HitAnswer {
  readonly hit: boolean;
  readonly holders: readonly HitHolder[];
  readonly withheld: readonly WithheldHolding[];
}

const TLP_ORDER: readonly Tlp[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];

function stricter(a: Tlp, b: Tlp): Tlp {
  return TLP_ORDER.indexOf(a) >= TLP_ORDER.indexOf(b) ? a : b;
}

export function answerHitQuery(input: {
  readonly world: LinkWorld;
  readonly asker: string;
  readonly kind: SelectorKind;
  /** The index rows holding the queried pseudonym (any agency, any epoch in force). */
  readonly rows: readonly StoredLinkRow[];
}): HitAnswer {
  const byHandle = new Map<string, { holder: HitHolder; ids: Set<string>; rules: Set<string> }>();
  const withheld: WithheldHolding[] = [];
  const seen = new Set<string>();
  for (const row of input.rows) {
    if (row.kind !== input.kind || seen.has(row.messageId)) continue;
    seen.add(row.messageId);
    if (row.agency === input.asker) {
      withheld.push({
        agency: row.agency,
        messageId: row.messageId,
        rule: LINK_BUILTIN.sameAgency,
      });
      continue;
    }
    const reveal = revealIn(input.world, {
      holder: row.agency,
      learner: input.asker,
      marks: marksOfRow(row),
      kinds: [input.kind],
    });
    if (!reveal.reveal) {
      withheld.push({ agency: row.agency, messageId: row.messageId, rule: reveal.rule });
      continue;
    }
    const key = `${row.agency}\u0000${row.caseHandle ?? ''}`;
    const entry = byHandle.get(key);
    if (entry === undefined) {
      byHandle.set(key, {
        holder: {
          agency: row.agency,
          caseHandle: row.caseHandle,
          tlp: row.tlp,
          kind: input.kind,
          strength: strengthOf(input.kind),
          messages: 1,
          rules: [],
        },
        ids: new Set([row.messageId]),
        rules: new Set(reveal.rules),
      });
    } else {
      entry.ids.add(row.messageId);
      entry.holder = { ...entry.holder, tlp: stricter(entry.holder.tlp, row.tlp) };
      for (const rule of reveal.rules) entry.rules.add(rule);
    }
  }
  const holders = [...byHandle.values()]
    .map(({ holder, ids, rules }) => ({ ...holder, messages: ids.size, rules: [...rules].sort() }))
    .sort(
      (a, b) =>
        a.agency.localeCompare(b.agency) || (a.caseHandle ?? '').localeCompare(b.caseHandle ?? ''),
    );
  return { hit: holders.length > 0, holders, withheld };
}
