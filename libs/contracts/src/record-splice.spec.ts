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

  it('writes a receipt proof as avsc does, for any longs and any text in its path', () => {
    // Written by the compiled writer (avro-writer.ts): avsc's bytes, other code.
    const splicer = recordSplicer('Delivery', ['recipientAgency', 'receiptProof']);
    const { recipientAgency: _r, receiptProof: _p, ...rest } = base;
    const template = splicer.template(rest);
    const long = fc.oneof(
      fc.integer(),
      fc.constantFrom(0, -1, 63, 64, -65, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, -(2 ** 53) + 1),
      fc.maxSafeInteger(),
    );
    fc.assert(
      fc.property(
        long,
        long,
        fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string()), {
          maxLength: 70,
        }),
        (leafIndex, treeSize, path) => {
          const own = { recipientAgency: 'de-bka', receiptProof: { leafIndex, treeSize, path } };
          let expected: Buffer | undefined;
          try {
            expected = codec.encode({ ...rest, ...own });
          } catch {
            // avsc refuses this long (past ±(2^53 - 2)): so must the writer.
            expect(errorOf(() => template.encode(own)).code).toBe('codec.invalid-value');
            return;
          }
          expect(template.encode(own).equals(expected)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ['no proof', null],
    ['a fractional leaf index', { leafIndex: 1.5, treeSize: 2, path: [] }],
    ['a tree size past 2^53', { leafIndex: 0, treeSize: 2 ** 60, path: [] }],
    ['a path that is not an array', { leafIndex: 0, treeSize: 1, path: 'ab' }],
    ['a path element that is not text', { leafIndex: 0, treeSize: 2, path: ['ab', 7] }],
  ])('refuses a receipt proof with %s, naming the field', (_case, receiptProof) => {
    const { recipientAgency: _r, receiptProof: _p, ...rest } = base;
    const template = recordSplicer('Delivery', ['recipientAgency', 'receiptProof']).template(rest);
    const error = errorOf(() =>
      template.encode({
        recipientAgency: 'de-bka',
        receiptProof: receiptProof as unknown as typeof base.receiptProof,
      }),
    );
    expect(error.code).toBe('codec.invalid-value');
    expect(error.message).toContain('Delivery.receiptProof');
    expect(() => codec.encode({ ...base, receiptProof: receiptProof as never })).toThrow();
  });

  it('refuses a record whose receipt proof takes it over the size cap', () => {
    const splicer = recordSplicer('Delivery', ['recipientAgency', 'receiptProof'], {
      maxBytes: 20_000,
    });
    const { recipientAgency: _r, receiptProof: _p, ...rest } = base;
    const template = splicer.template(rest);
    const path = Array.from({ length: 400 }, () => 'ab'.repeat(32));
    const error = errorOf(() =>
      template.encode({
        recipientAgency: 'de-bka',
        receiptProof: { leafIndex: 1, treeSize: 2, path },
      }),
    );
    expect(error.code).toBe('codec.too-large');
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
