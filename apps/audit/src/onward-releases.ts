/**
 * A release in the audit store (pure): the held message delivered, under the
 * original originator's consent, to the recipients its first decision denied.
 * Each delivered recipient gets a release row in the ledger (ledgerRowFields,
 * `releaseOf`); the release is one DISCLOSURE entry in the law-enforcement
 * log naming the consent request; each consented recipient the policy in
 * force now denies for another reason is a REFUSAL entry, once per request and
 * recipient (a redelivered decision logs nothing twice), and gets no row: its
 * first denial stands.
 */
import type { Decision, RecipientOutcome } from '@liaison/contracts';
import type { LeLogEntry } from '@liaison/persistence';
import { HUB_ACTOR } from './decision-records';

export function releaseLogEntries(
  decision: Decision,
  delivered: readonly RecipientOutcome[],
): LeLogEntry[] {
  const requestId = (decision.releaseOf ?? '').toLowerCase();
  return [
    {
      actor: HUB_ACTOR,
      action: 'DISCLOSURE',
      subject: decision.messageId.toLowerCase(),
      justification: `held message released under onward consent ${requestId} (policy ${decision.policyVersion})`,
      details: {
        originatorAgency: decision.originatorAgency,
        caseRef: decision.caseRef,
        releaseOf: requestId,
        recipients: delivered.map((o) => ({
          agency: o.recipientAgency,
          jurisdiction: o.recipientJurisdiction,
          decision: o.decision,
          rules: o.rules,
        })),
      },
    },
  ];
}

export function releaseRefusals(decision: Decision): (LeLogEntry & { eventKey: string })[] {
  const requestId = (decision.releaseOf ?? '').toLowerCase();
  return decision.outcomes
    .filter((o) => o.decision === 'DENIED')
    .map((o) => ({
      actor: HUB_ACTOR,
      action: 'REFUSAL',
      subject: decision.messageId.toLowerCase(),
      justification: `release to ${o.recipientAgency} under onward consent ${requestId} refused: the policy now denies it (${o.rules.join(', ')})`,
      details: {
        reasonCode: 'links.release-denied',
        releaseOf: requestId,
        agency: o.recipientAgency,
        rules: o.rules,
      },
      eventKey: `onward-release:${requestId}:${o.recipientAgency}`,
    }));
}
