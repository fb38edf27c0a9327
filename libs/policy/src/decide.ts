/**
 * The compiled evaluator: one decision per (message, recipient) from the candidate
 * cell compiled for (originator jurisdiction, recipient). Semantics: docs/policy.md;
 * the executable specification is reference-evaluator.ts, which must agree with this.
 */
import { DomainError } from '@liaison/errors';
import {
  HANDLING_RANK,
  PURPOSE_BIT,
  TLP_RANK,
  type CandidateCell,
  policyVersionOf,
  type CompiledPolicySet,
  type ResolvedAgency,
  type ShareCombination,
} from './compile-policies';
import {
  BUILTIN,
  IDENTITY_RELEASE_PURPOSES,
  isAddressedNotice,
  type MessageFacts,
  type RecipientDecision,
  type WithheldPath,
  type WithheldSubjectRole,
} from './policy-document';

const TLP_AMBER_STRICT = TLP_RANK['AMBER+STRICT'] ?? 3;
const TLP_RED = TLP_RANK.RED ?? 4;
const H2 = HANDLING_RANK.H2 ?? 2;
const IDENTITY_PURPOSE_MASK = IDENTITY_RELEASE_PURPOSES.reduce(
  (m, p) => m | (PURPOSE_BIT[p] ?? 0),
  0,
);
const EMPTY_CELL: CandidateCell = { deny: [], share: [], combos: new Map() };
const NO_WITHHELD: readonly WithheldPath[] = Object.freeze([]);
const NO_SUBJECTS: readonly WithheldSubjectRole[] = Object.freeze([]);
/** Beyond this many share candidates the match set is keyed by a string, not a bitmask. */
const MAX_MASK_CANDIDATES = 30;

/** Message facts converted once per message: ranks and masks instead of strings. */
export interface PreparedFacts {
  readonly facts: MessageFacts;
  readonly tlpRank: number;
  readonly handlingRank: number;
  readonly purposeMask: number;
  readonly row: number | undefined;
  /** The originator jurisdiction's document version, stamped on every decision. */
  readonly policyVersion: string;
  /** A case notice naming agencies: only they receive it, only through addressed rules. */
  readonly addressedNotice: boolean;
}

export function prepareFacts(set: CompiledPolicySet, facts: MessageFacts): PreparedFacts {
  const tlpRank = TLP_RANK[facts.tlp];
  const handlingRank = HANDLING_RANK[facts.handlingCode];
  if (tlpRank === undefined || handlingRank === undefined) {
    throw new DomainError(
      'policy.invalid-facts',
      `Message facts carry an unknown TLP "${facts.tlp}" or handling code "${facts.handlingCode}"`,
      'invalid-input',
      { tlp: facts.tlp, handlingCode: facts.handlingCode },
    );
  }
  let purposeMask = 0;
  for (const purpose of facts.purposes) purposeMask |= PURPOSE_BIT[purpose] ?? 0;
  return {
    facts,
    tlpRank,
    handlingRank,
    purposeMask,
    row: set.jurisdictionIndex.get(facts.originatorJurisdiction),
    policyVersion: policyVersionOf(set, facts.originatorJurisdiction),
    addressedNotice: isAddressedNotice(facts),
  };
}

function denied(
  prepared: PreparedFacts,
  recipient: string,
  rules: readonly string[],
): RecipientDecision {
  return {
    recipient,
    outcome: 'DENIED',
    rules,
    withheld: NO_WITHHELD,
    withheldSubjects: NO_SUBJECTS,
    victimIdentityReleased: false,
    minorIdentityReleased: false,
    policyVersion: prepared.policyVersion,
  };
}

const SINGLE: Readonly<Record<string, readonly string[]>> = Object.freeze(
  Object.fromEntries(Object.values(BUILTIN).map((id) => [id, Object.freeze([id])])),
);
function builtinOnly(id: string): readonly string[] {
  return SINGLE[id] ?? [id];
}

function combination(
  set: CompiledPolicySet,
  row: number,
  cell: CandidateCell,
  key: number | string,
  matched: readonly number[],
): ShareCombination {
  const cached = cell.combos.get(key);
  if (cached !== undefined) return cached;
  const signature = `${row}:${matched.map((i) => cell.share[i]?.id ?? '').join('\u0000')}`;
  const shared = set.combinations.get(signature);
  if (shared !== undefined) {
    cell.combos.set(key, shared);
    return shared;
  }
  const ruleIds: string[] = [];
  const withheld: WithheldPath[] = [];
  const withheldSubjects: WithheldSubjectRole[] = [];
  const seen = new Set<string>();
  for (const i of matched) {
    const rule = cell.share[i];
    if (rule === undefined) continue;
    ruleIds.push(rule.id);
    for (const path of rule.withhold) {
      if (seen.has(path)) continue;
      seen.add(path);
      withheld.push(Object.freeze({ path, ruleId: rule.id }));
    }
    for (const role of rule.withholdSubjects) {
      if (withheldSubjects.some((w) => w.role === role)) continue;
      withheldSubjects.push(Object.freeze({ role, ruleId: rule.id }));
    }
  }
  const freeze = (ids: string[]): readonly string[] => Object.freeze(ids);
  const combo: ShareCombination = {
    ruleIds: freeze(ruleIds),
    // Each combination owns its arrays: planRedaction memoises plans by their identity.
    withheld: Object.freeze(withheld),
    withheldSubjects: withheldSubjects.length === 0 ? NO_SUBJECTS : Object.freeze(withheldSubjects),
    rulesWithBuiltins: [
      freeze([...ruleIds]),
      freeze([...ruleIds, BUILTIN.victimIdentity]),
      freeze([...ruleIds, BUILTIN.minorIdentity]),
      freeze([...ruleIds, BUILTIN.victimIdentity, BUILTIN.minorIdentity]),
    ],
  };
  cell.combos.set(key, combo);
  set.combinations.set(signature, combo);
  return combo;
}

/** Decision for one resolved recipient; the hot path of fan-out. */
export function decideForAgency(
  set: CompiledPolicySet,
  prepared: PreparedFacts,
  agencyIndex: number,
): RecipientDecision {
  const agency = set.agencies[agencyIndex] as ResolvedAgency;
  const facts = prepared.facts;
  const id = agency.id;
  if (id === facts.originatorAgency) return denied(prepared, id, builtinOnly(BUILTIN.originator));
  if (agency.suspended) return denied(prepared, id, builtinOnly(BUILTIN.suspended));
  if (prepared.tlpRank === TLP_RED && !facts.namedRecipients.includes(id)) {
    return denied(prepared, id, builtinOnly(BUILTIN.tlpRed));
  }
  const releasable = facts.releasableTo;
  if (releasable.length > 0 && !releasable.includes(id)) {
    return denied(prepared, id, builtinOnly(BUILTIN.releasability));
  }
  const named = facts.addressedTo.includes(id);
  if (prepared.addressedNotice && !named) {
    return denied(prepared, id, builtinOnly(BUILTIN.notAddressed));
  }
  const cell =
    prepared.row === undefined
      ? EMPTY_CELL
      : (set.cells[prepared.row * set.agencies.length + agencyIndex] as CandidateCell);
  const messageType = facts.messageType;
  const messagePurposes = prepared.purposeMask;

  let denyIds: string[] | undefined;
  for (const rule of cell.deny) {
    if (
      (rule.allTypes || rule.types.has(messageType)) &&
      (rule.anyPurpose || (rule.purposeMask & messagePurposes) !== 0)
    ) {
      (denyIds ??= []).push(rule.id);
    }
  }
  if (denyIds !== undefined) return denied(prepared, id, denyIds);

  const share = cell.share;
  const useMask = share.length <= MAX_MASK_CANDIDATES;
  let mask = 0;
  const matched: number[] = [];
  let direct = false;
  let onward = false;
  let victimReleased = false;
  let minorReleased = false;
  for (let i = 0; i < share.length; i++) {
    const rule = share[i]!;
    // Addressed rules reach named recipients only; broadcast rules never carry addressed notices.
    if (rule.addressed ? !named : prepared.addressedNotice) continue;
    if (
      (rule.allTypes || rule.types.has(messageType)) &&
      prepared.tlpRank <= rule.maxTlpRank &&
      prepared.handlingRank <= rule.maxHandlingRank
    ) {
      const purposes = rule.purposeMask & messagePurposes;
      if (purposes === 0) continue;
      if (useMask) mask |= 1 << i;
      matched.push(i);
      direct ||= rule.direct;
      onward ||= rule.onwardSharing;
      if ((purposes & IDENTITY_PURPOSE_MASK) !== 0) {
        victimReleased ||= rule.releasesVictim;
        minorReleased ||= rule.releasesMinor;
      }
    }
  }
  if (matched.length === 0) return denied(prepared, id, builtinOnly(BUILTIN.defaultDeny));
  if (prepared.tlpRank === TLP_AMBER_STRICT) {
    if (
      agency.kind === 'INTERNATIONAL_HUB' ||
      (!direct && !named && !facts.namedRecipients.includes(id))
    ) {
      return denied(prepared, id, builtinOnly(BUILTIN.amberStrict));
    }
  }
  if (prepared.handlingRank === H2 && agency.kind === 'INTERNATIONAL_HUB') {
    if (!onward || !releasable.includes(id))
      return denied(prepared, id, builtinOnly(BUILTIN.h2Onward));
  }
  const combo = combination(
    set,
    prepared.row ?? -1,
    cell,
    useMask ? mask : matched.join(','),
    matched,
  );
  const victimWithheld = facts.hasVictim && !victimReleased;
  const minorWithheld = facts.hasMinor && !minorReleased;
  const redacted =
    combo.withheld.length > 0 ||
    combo.withheldSubjects.length > 0 ||
    victimWithheld ||
    minorWithheld;
  return {
    recipient: id,
    outcome: redacted ? 'REDACTED' : 'FULL',
    rules: combo.rulesWithBuiltins[(victimWithheld ? 1 : 0) | (minorWithheld ? 2 : 0)]!,
    withheld: combo.withheld,
    withheldSubjects: combo.withheldSubjects,
    victimIdentityReleased: victimReleased,
    minorIdentityReleased: minorReleased,
    policyVersion: prepared.policyVersion,
  };
}

/** The decision for one recipient (unknown ids are denied by builtin:unknown-recipient). */
export function decide(
  set: CompiledPolicySet,
  facts: MessageFacts,
  recipientId: string,
): RecipientDecision {
  const prepared = prepareFacts(set, facts);
  const index = set.agencyIndex.get(recipientId);
  if (index === undefined) {
    return denied(prepared, recipientId, builtinOnly(BUILTIN.unknownRecipient));
  }
  return decideForAgency(set, prepared, index);
}

/** One decision per directory agency, in directory order (the originator marked DENIED). */
export function decideAll(set: CompiledPolicySet, facts: MessageFacts): RecipientDecision[] {
  const prepared = prepareFacts(set, facts);
  const out: RecipientDecision[] = new Array<RecipientDecision>(set.agencies.length);
  for (let i = 0; i < set.agencies.length; i++) out[i] = decideForAgency(set, prepared, i);
  return out;
}
