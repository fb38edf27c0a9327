import * as fc from 'fast-check';
import { codecFor } from './codec';
import { recordSplicer } from './record-splice';
import { SAMPLE_DELIVERY } from './testing/deliveries';
import { errorOf } from './testing/domain-error';

const base = SAMPLE_DELIVERY;

const codec = codecFor('Delivery');

describe('recordSplicer', () => {
  it('encodes byte for byte what the codec encodes, for any shared and varying values', () => {
    const splicer = recordSplicer('Delivery', ['recipientAgency', 'receiptProof']);
    const text = fc.string({ maxLength: 3000 });
    fc.assert(
      fc.property(
        fc.record({
          presentation: text,
          caseRef: fc.option(fc.string(), { nil: null }),
          disclosedPaths: fc.array(fc.string(), { maxLength: 30 }),
          withheld: fc.array(fc.record({ path: fc.string(), ruleId: fc.string() }), {
            maxLength: 5,
          }),
          custodial: fc.boolean(),
          deliveredAt: fc
            .integer({ min: 0, max: 4_102_444_800_000 })
            .map((ms) => new Date(ms).toISOString()),
        }),
        fc.array(
          fc.record({
            recipientAgency: fc.string({ minLength: 1, maxLength: 40 }),
            receiptProof: fc.record({
              leafIndex: fc.nat(),
              treeSize: fc.nat(),
              path: fc.array(fc.string({ minLength: 64, maxLength: 64 }), { maxLength: 14 }),
            }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        (shared, recipients) => {
          const { recipientAgency: _r, receiptProof: _p, ...rest } = { ...base, ...shared };
          const template = splicer.template(rest);
          for (const own of recipients) {
            const expected = codec.encode({ ...rest, ...own });
            expect(template.encode(own).equals(expected)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives each record its own bytes of its exact length, several to a slab', () => {
    const { recipientAgency: _r, receiptProof: _p, ...rest } = base;
    const template = recordSplicer('Delivery', ['recipientAgency', 'receiptProof']).template(rest);
    const a = template.encode({ recipientAgency: 'de-bka', receiptProof: base.receiptProof });
    const b = template.encode({
      recipientAgency: 'nl-knp',
      receiptProof: { ...base.receiptProof, leafIndex: 4 },
    });
    expect(a.length).toBe(codec.encode({ ...base, recipientAgency: 'de-bka' }).length);
    // One allocation holds both: the second record starts past the first one's end.
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + a.length);
    expect(codec.decode(b)).toMatchObject({ recipientAgency: 'nl-knp' });
    expect(codec.decode(a)).toMatchObject({ recipientAgency: 'de-bka' });
  });

  it('keeps earlier records intact while encoding more', () => {
    const { recipientAgency: _r, receiptProof: _p, ...rest } = base;
    const template = recordSplicer('Delivery', ['recipientAgency', 'receiptProof']).template(rest);
    const proof = base.receiptProof;
    const out = Array.from({ length: 300 }, (_, i) =>
      template.encode({
        recipientAgency: `agency-${i}`,
        receiptProof: { ...proof, leafIndex: i },
      }),
    );
    out.forEach((bytes, i) => {
      expect(codec.decode(bytes)).toMatchObject({ recipientAgency: `agency-${i}` });
      expect(codec.decode(bytes).receiptProof.leafIndex).toBe(i);
    });
  });

  it('refuses a shared or varying value that does not fit the schema, naming the field', () => {
    const splicer = recordSplicer('Delivery', ['recipientAgency', 'receiptProof']);
    const { recipientAgency: _r, receiptProof: _p, ...rest } = base;
    const shared = errorOf(() =>
      splicer.template({ ...rest, encrypted: 'no' as unknown as boolean }),
    );
    expect(shared.code).toBe('codec.invalid-value');
    expect(shared.message).toContain('Delivery.encrypted');
    const template = splicer.template(rest);
    const own = errorOf(() =>
      template.encode({
        recipientAgency: 7 as unknown as string,
        receiptProof: base.receiptProof,
      }),
    );
    expect(own.code).toBe('codec.invalid-value');
    expect(own.message).toContain('Delivery.recipientAgency');
  });

  it('refuses a record over the size cap', () => {
    const splicer = recordSplicer('Delivery', ['recipientAgency', 'receiptProof'], {
      maxBytes: 4096,
    });
    const { recipientAgency: _r, receiptProof: _p, ...rest } = base;
    const template = splicer.template({ ...rest, presentation: 'x'.repeat(4000) });
    const error = errorOf(() =>
      template.encode({ recipientAgency: 'de-bka', receiptProof: base.receiptProof }),
    );
    expect(error.code).toBe('codec.too-large');
  });

  it('refuses a varying field the schema does not have', () => {
    const error = errorOf(() => recordSplicer('Delivery', ['nope' as 'recipientAgency']));
    expect(error.code).toBe('codec.invalid-value');
  });
});
