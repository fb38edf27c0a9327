import fc from 'fast-check';
import { canonicalJson } from './canonical-json';
import { receiptLeafData, type ReceiptBody } from './receipt-batch';

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
});
