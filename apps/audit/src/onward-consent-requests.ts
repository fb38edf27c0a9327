/**
 * Consent requests of onward sharing (pure): each recorded Decision that the
 * worker held for some recipients (`onwardHolds`, `builtin:onward-without-consent`)
 * asks the original originator of each received message involved whether those
 * recipients may have it. One request per held message and original message,
 * its id derived from both, so a redelivered decision asks nothing twice; a
 * law-enforcement log entry for each. Metadata only: no content, no selector.
 */
import type { Decision } from '@liaison/contracts';
import { hubNoticeId, type LeLogEntry, type NewConsentRequest } from '@liaison/persistence';
import { HUB_ACTOR } from './decision-records';

export function consentRequestId(heldMessageId: string, originalMessageId: string): string {
  return hubNoticeId('onward-consent', [
    heldMessageId.toLowerCase(),
    originalMessageId.toLowerCase(),
  ]);
}

export function planConsentRequests(
  decision: Decision,
  decidedAt: string,
): { requests: NewConsentRequest[]; log: LeLogEntry[] } {
  const byOriginal = new Map<string, NewConsentRequest>();
  for (const hold of decision.onwardHolds) {
    const original = hold.originalMessageId.toLowerCase();
    const draft = byOriginal.get(original) ?? {
      requestId: consentRequestId(decision.messageId, original),
      heldMessageId: decision.messageId.toLowerCase(),
      requesterAgency: decision.originatorAgency,
      originalMessageId: original,
      originalAgency: hold.originalAgency,
      recipients: [],
      requestedAt: decidedAt,
    };
    if (!draft.recipients.includes(hold.recipientAgency)) {
      byOriginal.set(original, {
        ...draft,
        recipients: [...draft.recipients, hold.recipientAgency],
      });
    }
  }
  const requests = [...byOriginal.values()];
  return {
    requests,
    log: requests.map((r) => ({
      actor: HUB_ACTOR,
      action: 'DISCLOSURE',
      subject: r.heldMessageId,
      justification: `onward sharing held for ${r.recipients.join(', ')}: consent of ${r.originalAgency} requested`,
      details: { ...r, rule: 'builtin:onward-without-consent' },
      eventKey: `onward-consent:${r.requestId}`,
    })),
  };
}
