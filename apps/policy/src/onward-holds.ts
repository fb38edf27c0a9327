/**
 * Onward sharing in the worker's decisions (pure): given every agency's
 * decision for a submission and what the link index says its originator
 * received (@liaison/persistence onwardKnowledge), the recipients the original
 * marks do not allow are turned DENIED with `builtin:onward-without-consent`
 * (@liaison/links onwardHolds), and the holds are listed for the Decision
 * record so the audit app can ask the original originator for consent.
 */
import type { OnwardHold as DecisionHold } from '@liaison/contracts';
import { ONWARD_WITHOUT_CONSENT, onwardHolds } from '@liaison/links';
import type { OnwardKnowledge } from '@liaison/persistence';
import type { RecipientDecision } from '@liaison/policy';

export interface HeldDecisions {
  readonly decisions: readonly RecipientDecision[];
  readonly holds: readonly DecisionHold[];
}

export function withOnwardHolds(input: {
  readonly submitter: string;
  readonly decisions: readonly RecipientDecision[];
  /** Agencies the hub can deliver to (the others get no outcome at all). */
  readonly deliverable: (agency: string) => boolean;
  readonly knowledge: OnwardKnowledge;
}): HeldDecisions {
  const { decisions, knowledge } = input;
  if (knowledge.matched.length === 0) return { decisions, holds: [] };
  const received = new Set(knowledge.matched.map((r) => r.messageId));
  const found = onwardHolds({
    submitter: input.submitter,
    recipients: decisions
      .filter(
        (d) =>
          d.outcome !== 'DENIED' &&
          d.recipient !== input.submitter &&
          input.deliverable(d.recipient),
      )
      .map((d) => d.recipient),
    matched: knowledge.matched,
    received: (messageId) => received.has(messageId),
    consents: knowledge.consents,
  });
  if (found.length === 0) return { decisions, holds: [] };
  const held = new Set(found.map((h) => h.recipient));
  return {
    decisions: decisions.map((d) =>
      held.has(d.recipient)
        ? {
            ...d,
            outcome: 'DENIED',
            rules: [ONWARD_WITHOUT_CONSENT],
            withheld: [],
            withheldSubjects: [],
            victimIdentityReleased: false,
            minorIdentityReleased: false,
          }
        : d,
    ),
    holds: found.map((h) => ({
      recipientAgency: h.recipient,
      originalMessageId: h.originalMessageId,
      originalAgency: h.originalOriginator,
    })),
  };
}
