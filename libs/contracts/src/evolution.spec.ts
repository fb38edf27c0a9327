import { Type } from 'avsc';
import { codecFor, singleObjectHeader } from './codec';
import { compatibilityErrors } from './compatibility';
import { SCHEMA_NAMES } from './generated/schemas';
import { parseMessage } from './json-form';
import { avroTypeFor } from './logical-types';
import { schemaJson, schemaVersions } from './registry';
import { loadExamples } from './testing/examples';

type FieldJson = Record<string, unknown>;
/** A record schema as plain JSON, to edit in tests. */
interface Json {
  [key: string]: unknown;
  fields: FieldJson[];
}

describe('schema evolution', () => {
  const released = SCHEMA_NAMES.flatMap((name) =>
    schemaVersions(name)
      .filter((v) => v.version !== 'current')
      .map((v) => [name, v.version, v] as const),
  );

  it('every schema has a released version', () => {
    for (const name of SCHEMA_NAMES) expect(schemaVersions(name).length).toBeGreaterThan(1);
  });

  it.each(released)('current %s reads released v%s', (name, _v, version) => {
    expect(compatibilityErrors(schemaJson(name), version.json)).toEqual([]);
    const reader = avroTypeFor(schemaJson(name));
    expect(() => reader.createResolver(avroTypeFor(version.json))).not.toThrow();
  });

  it('decodes alerts written with Alert v1 (before adverts) into the current Alert', () => {
    const v1 = schemaVersions('Alert').find((v) => v.version === 1)!;
    const writer = avroTypeFor(v1.json);
    for (const example of loadExamples().filter((e) => e.kind === 'ALERT')) {
      const alert = parseMessage('ALERT', example.json);
      const { adverts: _dropped, ...old } = alert;
      const bytes = Buffer.concat([singleObjectHeader(v1.fingerprint), writer.toBuffer(old)]);
      expect(codecFor('Alert').decode(bytes)).toEqual({ ...old, adverts: [] });
    }
  });

  it('decodes case notices written with CaseNotice v1 (before instruments and transitions)', () => {
    const v1 = schemaVersions('CaseNotice').find((v) => v.version === 1)!;
    const writer = avroTypeFor(v1.json);
    const examples = loadExamples().filter((e) => e.kind === 'CASE_NOTICE');
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const notice = parseMessage('CASE_NOTICE', example.json);
      const { instrument: _i, transition: _t, ...old } = notice;
      const bytes = Buffer.concat([singleObjectHeader(v1.fingerprint), writer.toBuffer(old)]);
      expect(codecFor('CaseNotice').decode(bytes)).toEqual({
        ...old,
        instrument: null,
        transition: null,
      });
    }
  });

  describe('catches breaking changes, naming the field', () => {
    const alert = schemaJson('Alert') as Json;
    const withFields = (fields: FieldJson[]): Json => ({ ...alert, fields });

    it('a new field without a default', () => {
      const next = withFields([...alert.fields, { name: 'urgencyScore', type: 'int', doc: 'x' }]);
      expect(compatibilityErrors(next, alert)).toEqual([
        'Alert.urgencyScore: new field without a default',
      ]);
      expect(() => avroTypeFor(next).createResolver(avroTypeFor(alert))).toThrow(/urgencyScore/);
    });

    it('a type change', () => {
      const next = withFields(
        alert.fields.map((f) => (f.name === 'headline' ? { ...f, type: ['null', 'int'] } : f)),
      );
      expect(compatibilityErrors(next, alert)).toEqual([
        expect.stringMatching(/^Alert\.headline: /),
      ]);
      expect(() => avroTypeFor(next).createResolver(avroTypeFor(alert))).toThrow();
    });

    it('a nested type change inside an array of records', () => {
      const next = JSON.parse(
        JSON.stringify(alert).replace(
          '"name":"sequence","type":"int"',
          '"name":"sequence","type":"string"',
        ),
      ) as Json;
      expect(compatibilityErrors(next, alert)).toEqual([
        'Alert.routeLegs[].sequence: type changed from int to string',
      ]);
    });

    it('a removed enum symbol', () => {
      const next = JSON.parse(JSON.stringify(alert).replace('"IMMEDIATE",', '')) as Json;
      expect(compatibilityErrors(next, alert)).toEqual([
        'Alert.urgency: enum Urgency lost symbols IMMEDIATE',
      ]);
    });

    it('accepts a new optional field and a promotion', () => {
      const next = withFields([
        ...alert.fields,
        { name: 'sourceSystem', type: ['null', 'string'], default: null },
      ]);
      expect(compatibilityErrors(next, alert)).toEqual([]);
      const plain = Type.forSchema({
        type: 'record',
        name: 'R',
        fields: [{ name: 'n', type: 'int' }],
      });
      const wider = { type: 'record', name: 'R', fields: [{ name: 'n', type: 'long' }] };
      expect(compatibilityErrors(wider, plain.schema())).toEqual([]);
    });
  });
});
