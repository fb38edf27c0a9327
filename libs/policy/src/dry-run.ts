/**
 * Dry-run: "who would get what" for a draft message under a policy set, and what a
 * draft policy set would change compared to the current one. Pure: the app feeds
 * in the compiled sets, the facts and the catalogue of the draft message.
 */
import { decideAll } from './decide';
import { policyVersionOf, type CompiledPolicySet } from './compile-policies';
import {
  isAddressedNotice,
  type DecisionOutcome,
  type DisclosureSlot,
  type MessageFacts,
} from './policy-document';
import { planRedaction, prepareCatalogue } from './redaction-plan';

export type FieldDisposition =
  | { readonly index: number; readonly path: string; readonly disclosed: true }
  | {
      readonly index: number;
      readonly path: string;
      readonly disclosed: false;
      readonly ruleId: string;
    };

export interface DryRunRecipient {
  readonly recipient: string;
  readonly outcome: DecisionOutcome;
  readonly rules: readonly string[];
  /** Every catalogue slot, in catalogue order; all withheld (by the deciding rule) when DENIED. */
  readonly fields: readonly FieldDisposition[];
}

export interface DryRunReport {
  readonly policyVersion: string;
  /** The agencies the message names: addressed rules reach only these. */
  readonly addressedTo: readonly string[];
  /** A case notice naming agencies: no one else receives it, and only through addressed rules. */
  readonly addressedOnly: boolean;
  readonly recipients: readonly DryRunRecipient[];
}

export function dryRun(
  set: CompiledPolicySet,
  facts: MessageFacts,
  catalogue: readonly DisclosureSlot[],
): DryRunReport {
  const prepared = prepareCatalogue(catalogue);
  const recipients = decideAll(set, facts).map((decision): DryRunRecipient => {
    const plan = planRedaction(decision, prepared);
    const withheldBy = new Map(plan.withheld.map((w) => [w.index, w.ruleId]));
    const denyRule = decision.outcome === 'DENIED' ? (decision.rules[0] ?? 'denied') : undefined;
    const fields = catalogue.map((slot): FieldDisposition => {
      const ruleId = denyRule ?? withheldBy.get(slot.index);
      return ruleId === undefined
        ? { index: slot.index, path: slot.schemaPath, disclosed: true }
        : { index: slot.index, path: slot.schemaPath, disclosed: false, ruleId };
    });
    return { recipient: decision.recipient, outcome: plan.outcome, rules: decision.rules, fields };
  });
  return {
    policyVersion: policyVersionOf(set, facts.originatorJurisdiction),
    addressedTo: facts.addressedTo,
    addressedOnly: isAddressedNotice(facts),
    recipients,
  };
}

export interface DryRunChange {
  readonly recipient: string;
  readonly before: { readonly outcome: DecisionOutcome; readonly rules: readonly string[] } | null;
  readonly after: { readonly outcome: DecisionOutcome; readonly rules: readonly string[] } | null;
  /** Slots the draft would disclose that the current policy withholds. */
  readonly newlyDisclosed: readonly { readonly index: number; readonly path: string }[];
  /** Slots the draft would withhold that the current policy discloses, with the draft's rule. */
  readonly newlyWithheld: readonly {
    readonly index: number;
    readonly path: string;
    readonly ruleId: string;
  }[];
}

export interface DryRunDiff {
  readonly currentVersion: string;
  readonly draftVersion: string;
  /** Only recipients whose outcome, rules or fields differ (a widening is in newlyDisclosed). */
  readonly changes: readonly DryRunChange[];
}

export function diffDryRun(
  current: CompiledPolicySet,
  draft: CompiledPolicySet,
  facts: MessageFacts,
  catalogue: readonly DisclosureSlot[],
): DryRunDiff {
  const before = new Map(dryRun(current, facts, catalogue).recipients.map((r) => [r.recipient, r]));
  const after = new Map(dryRun(draft, facts, catalogue).recipients.map((r) => [r.recipient, r]));
  const ids = [...new Set([...before.keys(), ...after.keys()])];
  const changes: DryRunChange[] = [];
  for (const id of ids) {
    const b = before.get(id);
    const a = after.get(id);
    const disclosed = (r: DryRunRecipient | undefined, index: number): boolean =>
      r?.fields.find((f) => f.index === index)?.disclosed === true;
    const newlyDisclosed = catalogue
      .filter((slot) => !disclosed(b, slot.index) && disclosed(a, slot.index))
      .map((slot) => ({ index: slot.index, path: slot.schemaPath }));
    const newlyWithheld = catalogue
      .filter((slot) => disclosed(b, slot.index) && !disclosed(a, slot.index))
      .map((slot) => {
        const field = a?.fields.find((f) => f.index === slot.index);
        const ruleId =
          field !== undefined && !field.disclosed ? field.ruleId : 'builtin:unknown-recipient';
        return { index: slot.index, path: slot.schemaPath, ruleId };
      });
    const sameRules = JSON.stringify(b?.rules ?? null) === JSON.stringify(a?.rules ?? null);
    if (
      b?.outcome === a?.outcome &&
      sameRules &&
      newlyDisclosed.length === 0 &&
      newlyWithheld.length === 0
    ) {
      continue;
    }
    changes.push({
      recipient: id,
      before: b === undefined ? null : { outcome: b.outcome, rules: b.rules },
      after: a === undefined ? null : { outcome: a.outcome, rules: a.rules },
      newlyDisclosed,
      newlyWithheld,
    });
  }
  return {
    currentVersion: policyVersionOf(current, facts.originatorJurisdiction),
    draftVersion: policyVersionOf(draft, facts.originatorJurisdiction),
    changes,
  };
}

/** One earlier message of the jurisdiction, as the worker analysed it. */
export interface ReplayMessage {
  readonly messageId: string;
  readonly facts: MessageFacts;
  readonly catalogue: readonly DisclosureSlot[];
}

export interface ReplayedMessage {
  readonly messageId: string;
  readonly messageType: string;
  readonly changes: readonly DryRunChange[];
}

export interface WhatIfReplay {
  readonly currentVersion: string;
  readonly draftVersion: string;
  /** Messages replayed. */
  readonly considered: number;
  /** Of those, the messages for which at least one recipient's outcome, rules or fields change. */
  readonly changed: number;
  /** The changed messages only, in the order given. */
  readonly messages: readonly ReplayedMessage[];
}

/**
 * "This draft would have changed 14 of the last 200 shares": every message
 * decided under the current set and under the draft set, compared as diffDryRun does.
 */
export function replayDraft(
  current: CompiledPolicySet,
  draft: CompiledPolicySet,
  jurisdiction: string,
  messages: readonly ReplayMessage[],
): WhatIfReplay {
  const changedMessages: ReplayedMessage[] = [];
  for (const m of messages) {
    const { changes } = diffDryRun(current, draft, m.facts, m.catalogue);
    if (changes.length > 0) {
      changedMessages.push({
        messageId: m.messageId,
        messageType: m.facts.messageType,
        changes,
      });
    }
  }
  return {
    currentVersion: policyVersionOf(current, jurisdiction),
    draftVersion: policyVersionOf(draft, jurisdiction),
    considered: messages.length,
    changed: changedMessages.length,
    messages: changedMessages,
  };
}
