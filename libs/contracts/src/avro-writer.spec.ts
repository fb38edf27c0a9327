import * as fc from 'fast-check';
import { Type, type Schema } from 'avsc';
import { avroWriter } from './avro-writer';
import { EncodeScratch } from './encode-scratch';
import { SCHEMA_NAMES } from './generated/schemas';
import { avroType, schemaJson } from './registry';
import { SAMPLE_DELIVERY } from './testing/deliveries';
import { errorOf } from './testing/domain-error';

/** What the compiled writer writes for `value`, from a small scratch that must grow. */
function written(type: Type, value: unknown): Buffer {
  const scratch = new EncodeScratch(8, 'Test', 16 * 1024 * 1024);
  scratch.buffer.fill(0xee);
  const end = avroWriter(type)(value, scratch, 3);
  return scratch.buffer.subarray(3, end);
}

describe('avroWriter', () => {
  it.each(SCHEMA_NAMES)('writes what avsc writes for any %s', (name) => {
    // Its structure without the logical types (whose random values avsc cannot
    // make valid, and which the writer leaves to avsc): every record, array,
    // union, enum and string of the schema.
    const type = Type.forSchema(schemaJson(name) as Schema, { wrapUnions: 'auto' });
    for (let i = 0; i < 150; i++) {
      const value: unknown = type.random();
      expect(written(type, value).equals(type.toBuffer(value))).toBe(true);
    }
  });

  it('writes what avsc writes for the example deliveries, logical types included', () => {
    const type = avroType('Delivery');
    const value = { ...SAMPLE_DELIVERY, presentation: 'ünïcødé ✓ '.repeat(9) };
    expect(written(type, value).equals(type.toBuffer(value))).toBe(true);
  });

  const probe = Type.forSchema({
    type: 'record',
    name: 'Probe',
    fields: [
      { name: 's', type: 'string' },
      { name: 'i', type: 'int' },
      { name: 'l', type: 'long' },
      { name: 'b', type: 'boolean' },
      { name: 'e', type: { type: 'enum', name: 'E', symbols: ['A', 'B', 'C'] } },
      { name: 'n', type: ['null', 'string'], default: null },
      { name: 'a', type: { type: 'array', items: ['null', { type: 'array', items: 'int' }] } },
      { name: 'd', type: { type: 'array', items: 'string' }, default: ['x', 'é'] },
    ],
  });
  const long = fc.oneof(
    fc.integer(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 }).map((n) => n * 2 ** 20),
    fc.constantFrom(0, -1, 63, -64, 64, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), -(2 ** 30) - 1),
    fc.constantFrom(2 ** 53 - 2, -(2 ** 53) + 2, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 60),
    fc.double(),
  );
  const anything = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));

  it('writes what avsc writes for any text, number and shape, and refuses what avsc refuses', () => {
    fc.assert(
      fc.property(
        fc.record({
          s: fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), anything),
          i: fc.oneof(fc.integer(), long),
          l: long,
          b: fc.oneof(fc.boolean(), anything),
          e: fc.oneof(fc.constantFrom('A', 'B', 'C', 'D'), anything),
          n: fc.option(fc.oneof(fc.string({ unit: 'binary' }), anything), { nil: undefined }),
          a: fc.array(fc.option(fc.array(fc.oneof(fc.integer(), long), { maxLength: 70 }))),
          d: fc.option(fc.array(fc.string({ unit: 'grapheme' })), { nil: undefined }),
        }),
        (value) => {
          if (probe.isValid(value)) {
            expect(written(probe, value).equals(probe.toBuffer(value))).toBe(true);
          } else {
            expect(() => written(probe, value)).toThrow();
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses an enum symbol that is a name of Object.prototype', () => {
    // avsc looks symbols up in a plain object: it takes "toString" for valid
    // and writes it as the first symbol. The writer refuses it.
    const e = Type.forSchema({ type: 'enum', name: 'E2', symbols: ['A', 'B'] });
    expect(e.toBuffer('toString').equals(e.toBuffer('A'))).toBe(true);
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(() => written(e, name)).toThrow('invalid enum symbol');
    }
  });

  it('refuses a record that is not an object, and a missing field without a default', () => {
    expect(() => written(probe, null)).toThrow();
    expect(() => written(probe, { i: 1, l: 1, b: true, e: 'A', a: [] })).toThrow();
  });

  it('refuses past the scratch cap with codec.too-large', () => {
    const scratch = new EncodeScratch(8, 'Test', 100);
    const write = avroWriter(Type.forSchema({ type: 'array', items: 'string' }));
    const error = errorOf(() => write(['x'.repeat(60), 'y'.repeat(60)], scratch, 0));
    expect(error.code).toBe('codec.too-large');
  });
});
