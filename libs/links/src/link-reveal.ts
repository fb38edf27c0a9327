/**
 * The reveal question: may `learner` be told that `holder` holds a message linked
 * to one of its own? A hit reveals that a partner holds something, so it is
 * decided by the holder's side: a `links` rule in the policy of the holder's
 * jurisdiction must address the learner (default deny), for the kinds and
 * strength of the link, and the held message's marks must allow the learner:
 * - RED: the learner is one of the message's named recipients;
 * - AMBER+STRICT: the learner is targeted directly (named recipient, or named in
 *   `to.agencies` of a matching rule), and is no international hub;
 * - a releasability list, when the originator gave one, names the learner.
 * The rule's shape mirrors an outbound rule (`to` is a RecipientSelector), so the
 * policy document can carry `links: LinksRule[]` beside `outbound`.
 */
import type { HandlingCode, Tlp } from '@liaison/contracts';
import { strengthOf, strengthOfKinds, type LinkStrength, type SelectorKind } from './selector';

/** Who a links rule addresses: the same shape and meaning as a policy RecipientSelector. */
export interface LinkRecipientSelector {
  readonly agencies?: readonly string[];
  readonly jurisdictions?: readonly string[];
  readonly groups?: readonly string[];
  readonly kinds?: readonly string[];
}

export interface LinksRule {
  /** Stable, unique within the policy document, e.g. 'NL-LINKS-EU'. */
  readonly id: string;
  /** Agencies that may learn of this jurisdiction's hits. */
  readonly to: LinkRecipientSelector;
  /** Selector kinds whose links are revealed; omitted means every kind. */
  readonly kinds?: '*' | readonly SelectorKind[];
  /** Whether POSSIBLE links (name + date of birth) are revealed too; default false. */
  readonly possible?: boolean;
  readonly description?: string;
}

/** An agency as the reveal question sees it (resolved from the directory). */
export interface LinkParty {
  readonly id: string;
  readonly jurisdiction: string;
  readonly groups: readonly string[];
  /** AgencyKind, e.g. LAW_ENFORCEMENT or INTERNATIONAL_HUB. */
  readonly kind: string;
  readonly suspended?: boolean;
}

/** The marks of the held message that bear on who may learn of it. */
export interface HeldMessageMarks {
  readonly tlp: Tlp;
  readonly handlingCode: HandlingCode;
  readonly releasableTo: readonly string[];
  readonly namedRecipients: readonly string[];
}

export interface RevealQuestion {
  readonly holder: LinkParty;
  readonly marks: HeldMessageMarks;
  readonly learner: LinkParty;
  /** Kinds the two messages share. */
  readonly kinds: readonly SelectorKind[];
  /** The links rules of the holder's jurisdiction. */
  readonly rules: readonly LinksRule[];
}

export const LINK_BUILTIN = {
  sameAgency: 'builtin:same-agency',
  suspended: 'builtin:recipient-suspended',
  tlpRed: 'builtin:tlp-red',
  releasability: 'builtin:releasability',
  amberStrict: 'builtin:amber-strict',
  defaultDeny: 'builtin:default-deny',
} as const;
export type LinkBuiltinRuleId = (typeof LINK_BUILTIN)[keyof typeof LINK_BUILTIN];

export type RevealDecision =
  | {
      readonly reveal: true;
      /** The rules that reveal it. */
      readonly rules: readonly string[];
      /** The shared kinds the learner may be told of, and their strength. */
      readonly kinds: readonly SelectorKind[];
      readonly strength: LinkStrength;
    }
  | { readonly reveal: false; readonly rule: LinkBuiltinRuleId };

export function addresses(to: LinkRecipientSelector, party: LinkParty): boolean {
  const named =
    (to.agencies?.includes(party.id) ?? false) ||
    (to.jurisdictions?.includes(party.jurisdiction) ?? false) ||
    (to.groups?.some((g) => party.groups.includes(g)) ?? false);
  const onlyKinds =
    to.agencies === undefined && to.jurisdictions === undefined && to.groups === undefined;
  if (to.kinds === undefined) return named;
  return (named || onlyKinds) && to.kinds.includes(party.kind);
}

function kindsOf(rule: LinksRule, shared: readonly SelectorKind[]): SelectorKind[] {
  const listed = rule.kinds === undefined || rule.kinds === '*' ? undefined : rule.kinds;
  return shared.filter(
    (kind) =>
      (listed === undefined || listed.includes(kind)) &&
      (strengthOf(kind) === 'EXACT' || rule.possible === true),
  );
}

export function revealLink(question: RevealQuestion): RevealDecision {
  const { holder, learner, marks } = question;
  if (holder.id === learner.id) return { reveal: false, rule: LINK_BUILTIN.sameAgency };
  if (learner.suspended === true) return { reveal: false, rule: LINK_BUILTIN.suspended };
  if (marks.tlp === 'RED' && !marks.namedRecipients.includes(learner.id)) {
    return { reveal: false, rule: LINK_BUILTIN.tlpRed };
  }
  if (marks.releasableTo.length > 0 && !marks.releasableTo.includes(learner.id)) {
    return { reveal: false, rule: LINK_BUILTIN.releasability };
  }
  const rules: string[] = [];
  const kinds = new Set<SelectorKind>();
  let direct = false;
  for (const rule of question.rules) {
    if (!addresses(rule.to, learner)) continue;
    const revealed = kindsOf(rule, question.kinds);
    if (revealed.length === 0) continue;
    rules.push(rule.id);
    for (const kind of revealed) kinds.add(kind);
    direct ||= rule.to.agencies?.includes(learner.id) ?? false;
  }
  if (rules.length === 0) return { reveal: false, rule: LINK_BUILTIN.defaultDeny };
  if (marks.tlp === 'AMBER_STRICT') {
    const named = marks.namedRecipients.includes(learner.id);
    if (learner.kind === 'INTERNATIONAL_HUB' || (!direct && !named)) {
      return { reveal: false, rule: LINK_BUILTIN.amberStrict };
    }
  }
  const revealed = question.kinds.filter((k) => kinds.has(k));
  return {
    reveal: true,
    rules,
    kinds: revealed,
    strength: strengthOfKinds(revealed),
  };
}
