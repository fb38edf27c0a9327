import fc from 'fast-check';
import { canonicalJson } from './canonical-json';
import { hashLeaf, hashLeafText } from './merkle';
import { receiptLeafData, receiptLeafHash, type ReceiptBody } from './receipt-batch';

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

  it('stays canonical across runs of bodies that share all but the recipient, arrays reused and changed in place', () => {
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
          const disclosedPaths = [...shared.disclosedPaths];
          const withheld = shared.withheld.map((w) => ({ ...w }));
          for (const [recipientAgency, mutate, value] of steps) {
            if (mutate) {
              disclosedPaths.push(value);
              const first = withheld[0];
              if (first) first.ruleId = value;
            }
            const body: ReceiptBody = { ...shared, disclosedPaths, withheld, recipientAgency };
            expect(receiptLeafData(body).toString('utf8')).toBe(canonicalJson(body));
            expect(receiptLeafHash(body)).toEqual(hashLeaf(Buffer.from(canonicalJson(body))));
          }
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
