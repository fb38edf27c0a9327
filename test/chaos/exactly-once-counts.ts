/**
 * What read_committed readers see of a run, counted against the hub's
 * exactly-once promises (docs/reliability.md, R1 and R2): one Decision per
 * valid message, each entitled (message, recipient) pair delivered once on its
 * own feed, nothing to a denied pair, every delivery explained by its Decision.
 * Shared by the fault-injection runs (test/chaos, test/cluster).
 */
import type { DeadLetter, Decision, Delivery } from '@liaison/contracts';
import {
  countBy,
  deadLetterCodec,
  decisionCodec,
  deliveryCodec,
  readCommitted,
  type ConsumedRecord,
  type NamespaceTopics,
} from './chaos-support';
import type { Poison } from './poison-corpus';

export interface RunOutcome {
  readonly decisionRecords: readonly ConsumedRecord[];
  readonly decisions: readonly Decision[];
  readonly deliveries: readonly { readonly topic: string; readonly d: Delivery }[];
  readonly letters: readonly DeadLetter[];
  /** "<messageId> <recipient>" of every non-denied outcome. */
  readonly entitled: ReadonlySet<string>;
  readonly denied: ReadonlySet<string>;
  readonly messagesDecided: number;
}

/** Reads the feeds, decisions and dead letters of a namespace as a read_committed reader. */
export async function readOutcome(
  topics: NamespaceTopics,
  agencies: readonly string[],
  options: { idleMs?: number; timeoutMs?: number } = {},
): Promise<RunOutcome> {
  const feedTopics = new Set(agencies.map((a) => topics.feed(a)));
  const records = await readCommitted([...feedTopics, topics.decisions, topics.deadLetters], {
    idleMs: options.idleMs ?? 8000,
    timeoutMs: options.timeoutMs,
  });
  const decisionRecords = records.filter((r) => r.topic === topics.decisions);
  const decisions = decisionRecords.map((r) => decisionCodec.decode(r.value ?? Buffer.alloc(0)));
  const deliveries = records
    .filter((r) => feedTopics.has(r.topic))
    .map((r) => ({ topic: r.topic, d: deliveryCodec.decode(r.value ?? Buffer.alloc(0)) }));
  const letters = records
    .filter((r) => r.topic === topics.deadLetters)
    .map((r) => deadLetterCodec.decode(r.value ?? Buffer.alloc(0)));
  const entitled = new Set<string>();
  const denied = new Set<string>();
  const messages = new Set<string>();
  for (const d of decisions) {
    messages.add(d.messageId);
    for (const o of d.outcomes)
      (o.decision === 'DENIED' ? denied : entitled).add(`${d.messageId} ${o.recipientAgency}`);
  }
  return {
    decisionRecords,
    decisions,
    deliveries,
    letters,
    entitled,
    denied,
    messagesDecided: messages.size,
  };
}

export interface DecisionCounts {
  readonly missingDecisions: number;
  readonly duplicateDecisions: [string, number][];
  readonly strayDecisions: string[];
}

/** Each valid message decided once, and nothing else decided. */
export function decisionCounts(outcome: RunOutcome, validIds: ReadonlySet<string>): DecisionCounts {
  const decisionCount = countBy(outcome.decisions, (d) => d.messageId);
  return {
    missingDecisions: [...validIds].filter((id) => !decisionCount.has(id)).length,
    duplicateDecisions: [...decisionCount].filter(([, n]) => n > 1),
    strayDecisions: [...decisionCount.keys()].filter((id) => !validIds.has(id)),
  };
}

/** Where each copy of a message decided twice is: partition:offset and decidedAt (ms since t0). */
export function duplicateDecisionPlaces(outcome: RunOutcome, t0: number): string[] {
  const twice = new Set(
    [...countBy(outcome.decisions, (d) => d.messageId)].filter(([, n]) => n > 1).map(([id]) => id),
  );
  return outcome.decisions.flatMap((d, i) => {
    if (!twice.has(d.messageId)) return [];
    const r = outcome.decisionRecords[i];
    return [`${d.messageId} ${r?.partition}:${r?.offset} ${Date.parse(d.decidedAt) - t0} ms`];
  });
}

export interface DeliveryCounts {
  readonly duplicates: [string, number][];
  readonly missing: string[];
  readonly toDenied: string[];
  readonly unexplained: string[];
  readonly wrongTopic: number;
}

/** Deliveries: exactly the non-denied outcomes of each Decision, once, on the right topic (first five of each fault). */
export function deliveryCounts(outcome: RunOutcome, topics: NamespaceTopics): DeliveryCounts {
  const deliveryCount = countBy(
    outcome.deliveries,
    (x) => `${x.d.messageId} ${x.d.recipientAgency}`,
  );
  return {
    duplicates: [...deliveryCount].filter(([, n]) => n > 1).slice(0, 5),
    missing: [...outcome.entitled].filter((k) => !deliveryCount.has(k)).slice(0, 5),
    toDenied: [...deliveryCount.keys()].filter((k) => outcome.denied.has(k)).slice(0, 5),
    unexplained: [...deliveryCount.keys()].filter((k) => !outcome.entitled.has(k)).slice(0, 5),
    wrongTopic: outcome.deliveries.filter((x) => x.topic !== topics.feed(x.d.recipientAgency))
      .length,
  };
}

export const NO_DELIVERY_FAULTS: DeliveryCounts = {
  duplicates: [],
  missing: [],
  toDenied: [],
  unexplained: [],
  wrongTopic: 0,
};

export const NO_DECISION_FAULTS: DecisionCounts = {
  missingDecisions: 0,
  duplicateDecisions: [],
  strayDecisions: [],
};

/** Each poison record's dead-letter reasons, by label: `[expected]` each when every one went to the DLQ once. */
export function poisonReasons(
  outcome: RunOutcome,
  poison: readonly Poison[],
): { label: string; reasons: string[] }[] {
  const reasons = new Map<string, string[]>();
  for (const l of outcome.letters)
    reasons.set(l.key ?? '', [...(reasons.get(l.key ?? '') ?? []), l.reasonCode]);
  return poison.map((p) => ({ label: p.label, reasons: reasons.get(p.key) ?? [] }));
}

export function expectedPoisonReasons(
  poison: readonly Poison[],
): { label: string; reasons: string[] }[] {
  return poison.map((p) => ({ label: p.label, reasons: [p.expected] }));
}
