import { makeDecision } from './testing/decision-fixtures';
import { consentRequestId, planConsentRequests } from './onward-consent-requests';

const ORIGINAL_A = 'AAAAAAAA-0000-4000-8000-000000000001';
const ORIGINAL_B = 'bbbbbbbb-0000-4000-8000-000000000002';

describe('planConsentRequests', () => {
  it('asks each original originator once per held message, naming the held recipients', async () => {
    const decision = {
      ...(await makeDecision({
        originator: { agency: 'de-bka', jurisdiction: 'DE' },
        outcomes: [{ agency: 'fr-ocriest', jurisdiction: 'FR', decision: 'DENIED' as const }],
      })),
      onwardHolds: [
        { recipientAgency: 'fr-ocriest', originalMessageId: ORIGINAL_A, originalAgency: 'nl-knp' },
        { recipientAgency: 'uk-nca', originalMessageId: ORIGINAL_A, originalAgency: 'nl-knp' },
        {
          recipientAgency: 'fr-ocriest',
          originalMessageId: ORIGINAL_B,
          originalAgency: 'ro-diicot',
        },
      ],
    };
    const plan = planConsentRequests(decision, '2026-12-02T06:00:00.000Z');
    expect(plan.requests.map((r) => [r.originalAgency, r.recipients])).toEqual([
      ['nl-knp', ['fr-ocriest', 'uk-nca']],
      ['ro-diicot', ['fr-ocriest']],
    ]);
    expect(plan.requests[0]).toMatchObject({
      requestId: consentRequestId(decision.messageId, ORIGINAL_A.toLowerCase()),
      heldMessageId: decision.messageId.toLowerCase(),
      requesterAgency: 'de-bka',
      originalMessageId: ORIGINAL_A.toLowerCase(),
    });
    // The same held message and original make the same request: a redelivery asks nothing new.
    expect(consentRequestId(decision.messageId.toUpperCase(), ORIGINAL_A)).toBe(
      plan.requests[0]?.requestId,
    );
    expect(plan.log.map((e) => [e.action, e.eventKey])).toEqual(
      plan.requests.map((r) => ['DISCLOSURE', `onward-consent:${r.requestId}`]),
    );
  });

  it('asks nothing of a decision without holds', async () => {
    const decision = await makeDecision({
      originator: { agency: 'de-bka', jurisdiction: 'DE' },
      outcomes: [{ agency: 'fr-ocriest', jurisdiction: 'FR', decision: 'FULL' as const }],
    });
    expect(planConsentRequests(decision, decision.decidedAt)).toEqual({ requests: [], log: [] });
  });
});
