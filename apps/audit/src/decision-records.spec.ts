import { presentationDigestOf } from '@liaison/crypto';
import {
  MerkleAccumulator,
  ledgerLeafHash,
  presentationFromDisclosures,
  presentationFromToken,
} from '@liaison/ledger';
import {
  appendLedgerRow,
  deliveryContentDraft,
  ledgerRowFields,
  messageContentDraft,
  type PresentationCache,
} from './decision-records';
import { makeDecision, type OutcomeSpec } from './testing/decision-fixtures';

const DE_FULL: OutcomeSpec = { agency: 'de-bka', jurisdiction: 'DE', decision: 'FULL' };
const NL_REDACTED: OutcomeSpec = { agency: 'nl-knp', jurisdiction: 'NL', decision: 'REDACTED' };
const TH_DENIED: OutcomeSpec = { agency: 'th-dsi', jurisdiction: 'TH', decision: 'DENIED' };

/** A decision of ro-diicot's with these outcomes. */
const decisionWith = (...outcomes: OutcomeSpec[]) =>
  makeDecision({ originator: { agency: 'ro-diicot', jurisdiction: 'RO' }, outcomes });

describe('deliveryContentDraft', () => {
  it('rebuilds each recipient presentation once per plan, and still checks every recipient digest', async () => {
    const decision = await decisionWith(
      DE_FULL,
      NL_REDACTED,
      { agency: 'fr-ocrteh', jurisdiction: 'FR', decision: 'FULL' },
      TH_DENIED,
      { agency: 'be-fgp', jurisdiction: 'BE', decision: 'REDACTED' },
    );
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
        disclosureIndices: [...outcome!.disclosureIndices].sort((a, b) => a - b),
        digestMatches: true,
      });
      // What the audit view rebuilds from the kept token is what was delivered.
      const { sdJwt } = messageContentDraft(decision);
      expect(presentationFromToken(sdJwt, drafts[i]!.disclosureIndices)).toBe(expected);
      expect(presentationDigestOf(expected)).toBe(outcome!.presentationDigest);
    }
    expect(drafts[1]?.disclosureIndices).not.toEqual(drafts[0]?.disclosureIndices);
    expect(drafts[4]).toMatchObject({ recipientAgency: 'be-fgp', digestMatches: false });
  });

  it('gives null for indices that do not fit the token, for every recipient with them', async () => {
    const decision = await decisionWith(DE_FULL);
    const bad = { ...decision.outcomes[0]!, disclosureIndices: [99] };
    const cache: PresentationCache = new Map();
    expect(deliveryContentDraft(decision, bad, cache)).toBeNull();
    expect(deliveryContentDraft(decision, { ...bad, recipientAgency: 'nl-knp' }, cache)).toBeNull();
  });

  it('keeps the indices in ascending order, as the presentation lists its disclosures', async () => {
    const decision = await decisionWith(DE_FULL);
    const outcome = decision.outcomes[0]!;
    const reversed = { ...outcome, disclosureIndices: [...outcome.disclosureIndices].reverse() };
    const draft = deliveryContentDraft(decision, reversed);
    const ascending = [...outcome.disclosureIndices].sort((a, b) => a - b);
    expect(draft?.disclosureIndices).toEqual(ascending);
    expect(draft?.digestMatches).toBe(true);
  });
});

describe('ledgerRowFields', () => {
  it('normalises decidedAt per decision, whichever decision came before, and refuses a bad one', async () => {
    const decision = await decisionWith(DE_FULL, NL_REDACTED);
    const at = (decidedAt: string) =>
      decision.outcomes.map((o) => ledgerRowFields({ ...decision, decidedAt }, o).decidedAt);
    expect(at('2025-01-15T13:00:00+01:00')).toEqual([
      '2025-01-15T12:00:00.000Z',
      '2025-01-15T12:00:00.000Z',
    ]);
    expect(at('2025-03-01T00:00:00Z')).toEqual([
      '2025-03-01T00:00:00.000Z',
      '2025-03-01T00:00:00.000Z',
    ]);
    expect(at('2025-01-15T13:00:00+01:00')[0]).toBe('2025-01-15T12:00:00.000Z');
    expect(() => at('2025-02-30T25:00:00Z')).toThrow(/bad decidedAt/);
    expect(() => at('2025-02-30T25:00:00Z')).toThrow(/bad decidedAt/);
  });
});

describe('appendLedgerRow', () => {
  it('gives each row the next seq and its leaf hash, and grows the tree by exactly those leaves', async () => {
    const decision = await decisionWith(DE_FULL, NL_REDACTED, TH_DENIED);
    const tree = MerkleAccumulator.empty();
    tree.appendHex(ledgerLeafHash({ ...ledgerRowFields(decision, decision.outcomes[0]!), seq: 1 }));
    const byHex = tree.clone();
    const rows = decision.outcomes.map((o) => appendLedgerRow(tree, ledgerRowFields(decision, o)));
    expect(rows.map((r) => r.seq)).toEqual([2, 3, 4]);
    for (const row of rows) {
      expect(row.leafHash).toBe(ledgerLeafHash({ ...row.fields, seq: row.seq }));
      byHex.appendHex(row.leafHash);
    }
    expect(tree.size).toBe(4);
    expect(tree.rootHex()).toBe(byHex.rootHex());
  });
});
