/**
 * The link world: who is who for the reveal question (agencies as LinkParty)
 * and each jurisdiction's `links` rules, and the one place that asks whether
 * an agency may learn of a message another agency holds. Used by link notices
 * (apps/audit) and hit/no-hit queries (apps/gateway) alike, so both answer the
 * same question the same way.
 */
import type { LinkIndexRow } from './link-match';
import {
  LINK_BUILTIN,
  revealLink,
  type HeldMessageMarks,
  type LinkParty,
  type LinksRule,
  type RevealDecision,
} from './link-reveal';
import type { SelectorKind } from './selector';

export interface LinkWorld {
  readonly parties: ReadonlyMap<string, LinkParty>;
  /** Links rules by jurisdiction (the holder's jurisdiction decides). */
  readonly rules: ReadonlyMap<string, readonly LinksRule[]>;
}

/** An index row as stored: the link-index row plus the held message's marks. */
export interface StoredLinkRow extends LinkIndexRow {
  readonly releasableTo: readonly string[];
  readonly namedRecipients: readonly string[];
}

/** The marks of a stored row's message. */
export function marksOfRow(row: StoredLinkRow): HeldMessageMarks {
  return {
    tlp: row.tlp,
    handlingCode: row.handlingCode,
    releasableTo: row.releasableTo,
    namedRecipients: row.namedRecipients,
  };
}

/**
 * May `learner` be told that `holder` holds a message (with `marks`) sharing
 * `kinds`? An agency the world does not know is denied (default deny).
 */
export function revealIn(
  world: LinkWorld,
  question: {
    readonly holder: string;
    readonly learner: string;
    readonly marks: HeldMessageMarks;
    readonly kinds: readonly SelectorKind[];
  },
): RevealDecision {
  const holder = world.parties.get(question.holder);
  const learner = world.parties.get(question.learner);
  if (holder === undefined || learner === undefined) {
    return { reveal: false, rule: LINK_BUILTIN.defaultDeny };
  }
  return revealLink({
    holder,
    learner,
    marks: question.marks,
    kinds: question.kinds,
    rules: world.rules.get(holder.jurisdiction) ?? [],
  });
}
