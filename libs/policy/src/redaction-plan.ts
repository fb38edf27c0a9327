/**
 * From a decision and the message's disclosure catalogue to the slots a recipient
 * gets. prepareCatalogue runs once per message; per recipient the plan is looked up
 * by the decision's (shared) withheld list and its two identity-release flags, so
 * recipients with the same matching rules share one computed plan.
 */
import { DomainError } from '@liaison/errors';
import { pathAndAncestors } from './field-paths';
import {
  BUILTIN,
  type DecisionOutcome,
  type DisclosureSlot,
  type RecipientDecision,
  type WithheldPath,
  type WithheldSubjectRole,
} from './policy-document';

export interface WithheldSlot extends WithheldPath {
  readonly index: number;
}

export interface SlotRedactionPlan {
  readonly outcome: DecisionOutcome;
  readonly disclosedIndices: readonly number[];
  readonly withheld: readonly WithheldSlot[];
}

export interface PreparedCatalogue {
  readonly slots: readonly DisclosureSlot[];
  /** Positions in slots, every parent before its children. */
  readonly order: readonly number[];
  /** Position of each slot's parent, or -1. */
  readonly parentPosition: readonly number[];
  /** Per slot: its schema path then its ancestors, nearest first. */
  readonly candidatePaths: readonly (readonly string[])[];
  /**
   * Memo: (withheld paths, withheld subject roles) by identity → plans indexed by
   * (victimReleased?1:0)|(minorReleased?2:0). Compiled decisions share these arrays
   * per matching-rule combination, so a fan-out computes each distinct plan once.
   */
  readonly plans: WeakMap<
    readonly WithheldPath[],
    WeakMap<readonly WithheldSubjectRole[], (SlotRedactionPlan | undefined)[]>
  >;
}

const DENIED_PLAN: SlotRedactionPlan = Object.freeze({
  outcome: 'DENIED',
  disclosedIndices: Object.freeze([]),
  withheld: Object.freeze([]),
});

export function prepareCatalogue(catalogue: readonly DisclosureSlot[]): PreparedCatalogue {
  const positionOf = new Map<number, number>();
  catalogue.forEach((slot, position) => {
    if (positionOf.has(slot.index)) {
      throw new DomainError('policy.invalid-catalogue', `Slot index ${slot.index} appears twice`);
    }
    positionOf.set(slot.index, position);
  });
  const parentPosition = catalogue.map((slot) => {
    if (slot.parentIndex === null) return -1;
    const position = positionOf.get(slot.parentIndex);
    if (position === undefined) {
      throw new DomainError(
        'policy.invalid-catalogue',
        `Slot ${slot.index} names unknown parent ${slot.parentIndex}`,
      );
    }
    return position;
  });
  // Parents first (depth-first from roots), so a child can read its parent's state.
  const order: number[] = [];
  const state = new Array<number>(catalogue.length).fill(0); // 0 new, 1 visiting, 2 done
  const visit = (position: number): void => {
    if (state[position] === 2) return;
    if (state[position] === 1) {
      throw new DomainError('policy.invalid-catalogue', 'Slot parents form a cycle');
    }
    state[position] = 1;
    const parent = parentPosition[position] ?? -1;
    if (parent >= 0) visit(parent);
    state[position] = 2;
    order.push(position);
  };
  for (let position = 0; position < catalogue.length; position++) visit(position);
  const candidatePaths = catalogue.map((slot) => pathAndAncestors(slot.schemaPath));
  return { slots: catalogue, order, parentPosition, candidatePaths, plans: new WeakMap() };
}

function computePlan(
  prepared: PreparedCatalogue,
  withheldPaths: readonly WithheldPath[],
  withheldSubjects: readonly WithheldSubjectRole[],
  victimReleased: boolean,
  minorReleased: boolean,
): SlotRedactionPlan {
  const ruleOfPath = new Map<string, string>();
  for (const { path, ruleId } of withheldPaths)
    if (!ruleOfPath.has(path)) ruleOfPath.set(path, ruleId);
  const { slots } = prepared;
  const reason = new Array<string | undefined>(slots.length);
  for (const position of prepared.order) {
    const slot = slots[position] as DisclosureSlot;
    let ruleId: string | undefined;
    if (ruleOfPath.size > 0) {
      for (const path of prepared.candidatePaths[position] ?? []) {
        ruleId = ruleOfPath.get(path);
        if (ruleId !== undefined) break;
      }
    }
    if (ruleId === undefined && slot.subjectRole !== null) {
      for (const w of withheldSubjects) {
        if (w.role === slot.subjectRole) {
          ruleId = w.ruleId;
          break;
        }
      }
    }
    if (ruleId === undefined && slot.subjectIdentity) {
      if (slot.subjectRole === 'VICTIM' && !victimReleased) ruleId = BUILTIN.victimIdentity;
      else if (slot.subjectMinor && !minorReleased) ruleId = BUILTIN.minorIdentity;
    }
    if (ruleId === undefined) {
      const parent = prepared.parentPosition[position] ?? -1;
      if (parent >= 0) ruleId = reason[parent];
    }
    reason[position] = ruleId;
  }
  const disclosedIndices: number[] = [];
  const withheld: WithheldSlot[] = [];
  slots.forEach((slot, position) => {
    const ruleId = reason[position];
    if (ruleId === undefined) disclosedIndices.push(slot.index);
    else withheld.push(Object.freeze({ index: slot.index, path: slot.schemaPath, ruleId }));
  });
  return Object.freeze({
    outcome: withheld.length === 0 ? 'FULL' : 'REDACTED',
    disclosedIndices: Object.freeze(disclosedIndices),
    withheld: Object.freeze(withheld),
  });
}

/**
 * Which slots one recipient gets. A slot is withheld when its path or an ancestor path
 * is withheld by a rule (that rule; nearest path wins), else when its subject's role is
 * withheld whole by a rule (withholdSubjects), else when it is identity of a
 * victim without victim release (builtin:victim-identity), else identity of a minor
 * without minor release (builtin:minor-identity), else when its parent is withheld
 * (the parent's rule). FULL iff nothing is withheld; a DENIED decision discloses nothing.
 */
export function planRedaction(
  decision: RecipientDecision,
  catalogue: PreparedCatalogue | readonly DisclosureSlot[],
): SlotRedactionPlan {
  if (decision.outcome === 'DENIED') return DENIED_PLAN;
  const prepared = Array.isArray(catalogue)
    ? prepareCatalogue(catalogue as readonly DisclosureSlot[])
    : (catalogue as PreparedCatalogue);
  const variant =
    (decision.victimIdentityReleased ? 1 : 0) | (decision.minorIdentityReleased ? 2 : 0);
  let bySubjects = prepared.plans.get(decision.withheld);
  if (bySubjects === undefined) {
    bySubjects = new WeakMap();
    prepared.plans.set(decision.withheld, bySubjects);
  }
  let plans = bySubjects.get(decision.withheldSubjects);
  if (plans === undefined) {
    plans = [undefined, undefined, undefined, undefined];
    bySubjects.set(decision.withheldSubjects, plans);
  }
  let plan = plans[variant];
  if (plan === undefined) {
    plan = computePlan(
      prepared,
      decision.withheld,
      decision.withheldSubjects,
      decision.victimIdentityReleased,
      decision.minorIdentityReleased,
    );
    plans[variant] = plan;
  }
  return plan;
}
