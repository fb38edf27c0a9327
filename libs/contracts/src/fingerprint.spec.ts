import { Type } from 'avsc';
import { singleObjectHeader } from './codec';
import { crc64Avro, parsingCanonicalForm, schemaFingerprint } from './fingerprint';
import { SCHEMA_NAMES } from './generated/schemas';
import { schemaJson, schemaVersions } from './registry';

describe('CRC-64-AVRO', () => {
  // Vectors from the Avro reference implementations (Ruby and Go test suites).
  it('matches the known fingerprints of "int" and "string"', () => {
    expect(crc64Avro(Buffer.from('"int"')).toString(16)).toBe('7275d51a3f395c8f');
    expect(crc64Avro(Buffer.from('"string"')).toString(16)).toBe('8f014872634503c7');
    expect(schemaFingerprint({ type: 'int' })).toBe(0x7275d51a3f395c8fn);
  });

  it('builds the single-object header of the spec for "int"', () => {
    expect([...singleObjectHeader(schemaFingerprint('int'))]).toEqual([
      0xc3, 0x01, 0x8f, 0x5c, 0x39, 0x3f, 0x1a, 0xd5, 0x75, 0x72,
    ]);
  });
});

describe('Parsing Canonical Form', () => {
  it.each(SCHEMA_NAMES)('%s agrees with the canonical schema avsc derives', (name) => {
    const plain = Type.forSchema(schemaJson(name) as Parameters<typeof Type.forSchema>[0]);
    expect(parsingCanonicalForm(schemaJson(name))).toBe(JSON.stringify(plain.schema()));
  });

  it('ignores docs, custom attributes and logical types', () => {
    const a = { type: 'record', name: 'X', namespace: 'n', fields: [{ name: 'f', type: 'long' }] };
    const b = {
      type: 'record',
      name: 'n.X',
      doc: 'documented',
      fields: [
        {
          name: 'f',
          doc: 'd',
          'liaison.disclosable': true,
          type: { type: 'long', logicalType: 'timestamp-millis' },
        },
      ],
    };
    expect(parsingCanonicalForm(b)).toBe(parsingCanonicalForm(a));
    expect(parsingCanonicalForm(a)).toBe(
      '{"name":"n.X","type":"record","fields":[{"name":"f","type":"long"}]}',
    );
  });

  it('gives every schema version a distinct fingerprint', () => {
    const all = SCHEMA_NAMES.flatMap((n) => schemaVersions(n).map((v) => `${n}:${v.fingerprint}`));
    const fps = SCHEMA_NAMES.flatMap((n) => [
      ...new Set(schemaVersions(n).map((v) => v.fingerprint)),
    ]);
    expect(new Set(fps).size).toBe(fps.length);
    expect(all.length).toBeGreaterThanOrEqual(SCHEMA_NAMES.length);
  });
});
