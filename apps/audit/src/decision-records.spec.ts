import { presentationDigestOf } from '@liaison/crypto';
import { presentationFromDisclosures } from '@liaison/ledger';
import { deliveryContentDraft, type PresentationCache } from './decision-records';
import { makeDecision } from './testing/decision-fixtures';

describe('deliveryContentDraft', () => {
  it('rebuilds each recipient presentation once per plan, and still checks every recipient digest', async () => {
    const decision = await makeDecision({
      originator: { agency: 'ro-diicot', jurisdiction: 'RO' },
      outcomes: [
        { agency: 'de-bka', jurisdiction: 'DE', decision: 'FULL' },
        { agency: 'nl-knp', jurisdiction: 'NL', decision: 'REDACTED' },
        { agency: 'fr-ocrteh', jurisdiction: 'FR', decision: 'FULL' },
        { agency: 'th-dsi', jurisdiction: 'TH', decision: 'DENIED' },
        { agency: 'be-fgp', jurisdiction: 'BE', decision: 'REDACTED' },
      ],
    });
    const [full, redacted, fullToo, denied, redactedToo] = decision.outcomes;
    // A recipient whose recorded digest does not match what its indices rebuild.
    const tampered = {
      ...redactedToo!,
      presentationDigest: presentationDigestOf('something else'),
    };
    const cache: PresentationCache = new Map();
    const drafts = [full, redacted, fullToo, denied, tampered].map((o) =>
      deliveryContentDraft(decision, o!, cache),
    );
    expect(drafts[3]).toBeNull();
    expect(cache.size).toBe(2);
    for (const [i, outcome] of [full, redacted, fullToo].entries()) {
      const expected = presentationFromDisclosures(
        decision.issuerJwt,
        decision.disclosures,
        outcome!.disclosureIndices,
      );
      expect(drafts[i]).toMatchObject({
        recipientAgency: outcome!.recipientAgency,
        presentation: expected,
        digestMatches: true,
      });
    }
    expect(drafts[1]?.presentation).not.toBe(drafts[0]?.presentation);
    expect(drafts[4]).toMatchObject({ recipientAgency: 'be-fgp', digestMatches: false });
  });

  it('gives null for indices that do not fit the token, for every recipient with them', async () => {
    const decision = await makeDecision({
      originator: { agency: 'ro-diicot', jurisdiction: 'RO' },
      outcomes: [{ agency: 'de-bka', jurisdiction: 'DE', decision: 'FULL' }],
    });
    const bad = { ...decision.outcomes[0]!, disclosureIndices: [99] };
    const cache: PresentationCache = new Map();
    expect(deliveryContentDraft(decision, bad, cache)).toBeNull();
    expect(deliveryContentDraft(decision, { ...bad, recipientAgency: 'nl-knp' }, cache)).toBeNull();
  });
});
