import {
  assertKnownPath,
  disclosableFields,
  isDisclosablePath,
  isKnownPath,
  KNOWN_PATHS,
} from './disclosure';
import { disclosableFieldsOf } from './disclosable-fields';
import { SCHEMA_NAMES } from './generated/schemas';
import { schemaModel } from './registry';
import { buildSchemaModel, nullableInner, type RecordNode } from './schema-model';
import { errorOf } from './testing/domain-error';

const HEADER = ['messageId', 'originatorAgency', 'messageType', 'issuedAt', 'handling', 'caseRef'];

describe('disclosure marks', () => {
  it('lists the disclosable paths of an Alert', () => {
    expect(disclosableFields('ALERT').map((f) => `${f.path} ${f.sensitivity}`)).toEqual([
      'headline operational',
      'subjects[] subject-identity',
      'subjects[].identity subject-identity',
      'subjects[].identity.fullName subject-identity',
      'subjects[].identity.givenNames subject-identity',
      'subjects[].identity.familyName subject-identity',
      'subjects[].identity.aliases[] subject-identity',
      'subjects[].identity.dateOfBirth subject-identity',
      'subjects[].identity.nationality subject-identity',
      'subjects[].identity.sex subject-identity',
      'subjects[].identity.documents[] subject-identity',
      'subjects[].identity.contactHandles[] subject-identity',
      'subjects[].description subject-identity',
      'subjects[].lastSeen subject-identity',
      'locations[] operational',
      'routeLegs[] operational',
      'vehicles[] operational',
      'vehicles[].plate personal',
      'vehicles[].vin personal',
      'financialIdentifiers[] personal',
      'financialIdentifiers[].holderName personal',
      'adverts[] operational',
      'narrative personal',
    ]);
  });

  it('lists the disclosable paths of a CaseNotice', () => {
    const paths = disclosableFields('CASE_NOTICE').map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'title',
        'assistanceRequested',
        'subjects[]',
        'subjects[].identity.fullName',
        'narrative',
      ]),
    );
    expect(paths).not.toContain('referral');
    expect(paths).not.toContain('outcome');
  });

  it.each(['ALERT', 'CASE_NOTICE'] as const)(
    '%s: header, role and minor are never disclosable',
    (kind) => {
      for (const path of [...HEADER, 'subjects[].role', 'subjects[].minor', 'handling.tlp']) {
        expect(isKnownPath(kind, path)).toBe(true);
        expect(isDisclosablePath(kind, path)).toBe(false);
      }
    },
  );

  it.each(SCHEMA_NAMES)(
    '%s: every disclosable field is nullable or an array, so a redacted message still conforms',
    (name) => {
      const check = (record: RecordNode, seen: Set<string>): void => {
        if (seen.has(record.fullName)) return;
        seen.add(record.fullName);
        for (const field of record.fields) {
          const inner = nullableInner(field.type);
          if (field.attrs['liaison.disclosable'] === true) {
            expect({
              field: `${record.name}.${field.name}`,
              ok: inner !== undefined || field.type.kind === 'array',
            }).toEqual({
              field: `${record.name}.${field.name}`,
              ok: true,
            });
          }
          const t = inner ?? field.type;
          if (t.kind === 'record') check(t, seen);
          if (t.kind === 'array' && t.items.kind === 'record') check(t.items, seen);
        }
      };
      check(schemaModel(name), new Set());
    },
  );

  it('every schema field has a doc', () => {
    for (const name of SCHEMA_NAMES) {
      const missing: string[] = [];
      const walk = (r: RecordNode, seen: Set<string>): void => {
        if (seen.has(r.fullName)) return;
        seen.add(r.fullName);
        for (const f of r.fields) {
          if (f.doc.trim() === '') missing.push(`${r.name}.${f.name}`);
          const t = nullableInner(f.type) ?? f.type;
          if (t.kind === 'record') walk(t, seen);
          if (t.kind === 'array' && t.items.kind === 'record') walk(t.items, seen);
        }
      };
      walk(schemaModel(name), new Set());
      expect(missing).toEqual([]);
    }
  });

  it('accepts concrete paths and rejects unknown ones', () => {
    expect(isKnownPath('ALERT', 'subjects[3].identity.fullName')).toBe(true);
    expect(isDisclosablePath('ALERT', 'subjects[0].identity')).toBe(true);
    expect(isKnownPath('ALERT', 'subjects[].password')).toBe(false);
    expect(KNOWN_PATHS.CASE_NOTICE.has('referral.victimCount')).toBe(true);
    expect(errorOf(() => assertKnownPath('ALERT', 'outcome'))).toMatchObject({
      code: 'contract.unknown-path',
    });
  });

  it('reads marks from any schema', () => {
    const model = buildSchemaModel({
      type: 'record',
      name: 'Memo',
      fields: [
        { name: 'id', type: 'string' },
        {
          name: 'body',
          type: ['null', 'string'],
          default: null,
          'liaison.disclosable': true,
          'liaison.sensitivity': 'personal',
          doc: 'Body.',
        },
        {
          name: 'tags',
          type: {
            type: 'array',
            items: 'string',
            'liaison.disclosable': true,
            'liaison.sensitivity': 'operational',
          },
          doc: 'Tags.',
        },
      ],
    }) as RecordNode;
    expect(disclosableFieldsOf(model)).toEqual([
      { path: 'body', sensitivity: 'personal', doc: 'Body.' },
      { path: 'tags[]', sensitivity: 'operational', doc: 'Each element of tags: Tags.' },
    ]);
  });

  it('rejects a disclosable mark without a valid sensitivity', () => {
    const model = buildSchemaModel({
      type: 'record',
      name: 'Memo',
      fields: [
        {
          name: 'body',
          type: 'string',
          'liaison.disclosable': true,
          'liaison.sensitivity': 'secret',
        },
      ],
    }) as RecordNode;
    expect(() => disclosableFieldsOf(model)).toThrow(
      /body is disclosable but liaison.sensitivity is "secret"/,
    );
  });
});
