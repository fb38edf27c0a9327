import fc from 'fast-check';
import { canonicalJson } from './canonical-json';
import { hashLeaf, hashLeafText } from './merkle';
import { receiptLeafData, receiptLeafHashes, type ReceiptBody } from './receipt-batch';

describe('receiptLeafData', () => {
  it('writes exactly the canonical JSON of the receipt body', () => {
    const text = fc.string({ unit: 'binary', maxLength: 30 });
    const body = fc.record({
      messageId: fc.uuid(),
      recipientAgency: text,
      disclosedPaths: fc.array(text, { maxLength: 8 }),
      withheld: fc.array(fc.record({ path: text, ruleId: text }), { maxLength: 5 }),
      policyVersion: text,
      presentationDigest: text,
      issuedAt: fc.integer({ min: 0, max: 2 ** 40 }),
    });
    fc.assert(
      fc.property(body, (b: ReceiptBody) => {
        expect(receiptLeafData(b).toString('utf8')).toBe(canonicalJson(b));
      }),
      { numRuns: 300 },
    );
  });

  it('hashes a batch canonically across runs of bodies that share all but the recipient, arrays shared or replaced', () => {
    const text = fc.string({ unit: 'binary', maxLength: 20 });
    fc.assert(
      fc.property(
        fc.record({
          messageId: fc.uuid(),
          disclosedPaths: fc.array(text, { maxLength: 6 }),
          withheld: fc.array(fc.record({ path: text, ruleId: text }), { maxLength: 3 }),
          policyVersion: text,
          presentationDigest: text,
          issuedAt: fc.integer({ min: 0, max: 2 ** 40 }),
        }),
        fc.array(fc.tuple(text, fc.boolean(), text), { minLength: 1, maxLength: 12 }),
        (shared, steps) => {
          let disclosedPaths = [...shared.disclosedPaths];
          let withheld = shared.withheld.map((w) => ({ ...w }));
          const bodies: ReceiptBody[] = [];
          for (const [recipientAgency, replace, value] of steps) {
            if (replace) {
              // A new plan: new arrays, one path more, the first rule renamed.
              disclosedPaths = [...disclosedPaths, value];
              withheld = withheld.map((w, i) => (i === 0 ? { ...w, ruleId: value } : w));
            }
            bodies.push({ ...shared, disclosedPaths, withheld, recipientAgency });
          }
          for (const body of bodies) {
            expect(receiptLeafData(body).toString('utf8')).toBe(canonicalJson(body));
          }
          expect(receiptLeafHashes(bodies)).toEqual(
            bodies.map((body) => hashLeaf(Buffer.from(canonicalJson(body)))),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hashLeafText hashes 0x00 and the UTF-8 bytes of the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (t) => {
        expect(hashLeafText(t)).toEqual(hashLeaf(Buffer.from(t, 'utf8')));
      }),
    );
  });
});
