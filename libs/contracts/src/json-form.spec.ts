import * as fc from 'fast-check';
import { DomainError } from '@liaison/errors';
import { parseJson, parseMessage, toMessageJson, kindOf } from './json-form';
import { loadExamples } from './testing/examples';
import type { Alert } from './generated/types';

const examples = loadExamples();
const victimAtRisk = examples.find((e) => e.file === 'alert-victim-at-risk.json');
if (victimAtRisk === undefined) throw new Error('missing example alert-victim-at-risk.json');

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

function errorsOf(kind: 'ALERT' | 'CASE_NOTICE', json: unknown): string[] {
  try {
    parseMessage(kind, json);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    expect(error.code).toBe('contract.invalid');
    expect(error.category).toBe('invalid-input');
    return error.details?.['errors'] as string[];
  }
  throw new Error('expected contract.invalid');
}

const DELETE = Symbol('delete');
type Change = readonly [path: string, value: unknown];

/** A copy of the VICTIM_AT_RISK example with values set (or deleted) at dotted paths. */
function withChange(...changes: Change[]): Record<string, unknown> {
  const copy = structuredClone(victimAtRisk!.json);
  for (const [path, value] of changes) {
    const keys = path.split('.');
    const last = keys.pop()!;
    let target = copy;
    for (const key of keys) target = target[key] as Record<string, unknown>;
    if (value === DELETE) delete target[last];
    else target[last] = value;
  }
  return copy;
}

describe('JSON form', () => {
  it('covers every alert type and case-notice type with an example', () => {
    const names = examples.map((e) => e.file);
    for (const t of [
      'victim-at-risk',
      'missing-person',
      'suspect-movement',
      'trafficking-route',
      'recruitment-advert',
      'financial-pattern',
      'document-fraud',
    ]) {
      expect(names).toContain(`alert-${t}.json`);
    }
    for (const t of [
      'case-opened',
      'assistance-request',
      'jit-proposed',
      'case-update',
      'victim-referred',
      'case-closed',
    ]) {
      expect(names).toContain(`case-notice-${t}.json`);
    }
  });

  it.each(examples.map((e) => [e.file, e] as const))(
    '%s is valid and survives toMessageJson',
    (_f, e) => {
      const message = parseMessage(e.kind, e.json);
      expect(kindOf(message)).toBe(e.kind);
      expect(toMessageJson(message, { omitNulls: true })).toEqual(withoutNulls(e.json));
      expect(parseMessage(e.kind, JSON.parse(JSON.stringify(toMessageJson(message))))).toEqual(
        message,
      );
    },
  );

  it('the VICTIM_AT_RISK example has a minor victim, a suspect, a phone, a vehicle and a route leg', () => {
    const alert = parseMessage('ALERT', victimAtRisk.json);
    expect(alert.subjects.some((s) => s.role === 'VICTIM' && s.minor)).toBe(true);
    expect(alert.subjects.some((s) => s.role === 'SUSPECT')).toBe(true);
    expect(
      alert.subjects
        .flatMap((s) => s.identity?.contactHandles ?? [])
        .some((h) => h.handleType === 'PHONE'),
    ).toBe(true);
    expect(alert.vehicles).toHaveLength(1);
    expect(alert.routeLegs).toHaveLength(1);
  });

  it('names the path and the rule broken', () => {
    const errors = errorsOf('ALERT', withChange(['subjects.0.role', 'BYSTANDER']));
    expect(errors).toEqual(['subjects[0].role: must be one of VICTIM, SUSPECT, WITNESS']);
    try {
      parseMessage('ALERT', withChange(['subjects.0.role', 'BYSTANDER']));
    } catch (error) {
      expect((error as Error).message).toContain(
        'subjects[0].role: must be one of VICTIM, SUSPECT, WITNESS',
      );
    }
  });

  it.each<[string, Change, string]>([
    ['missing required field', ['messageId', DELETE], 'messageId: is required'],
    ['bad uuid', ['messageId', 'not-a-uuid'], 'messageId: must be a lowercase UUID'],
    [
      'timestamp without offset',
      ['issuedAt', '2025-03-14 06:40'],
      'issuedAt: must be an ISO-8601 timestamp',
    ],
    ['number instead of string', ['narrative', 42], 'narrative: must be a string'],
    ['unknown field', ['secret', 'x'], 'secret: is not a field of Alert'],
    [
      'nested unknown field',
      ['subjects.1.identity.ssn', '1'],
      'subjects[1].identity.ssn: is not a field of PersonIdentity',
    ],
    [
      'bad country code',
      ['subjects.0.identity.nationality', 'Romania'],
      'subjects[0].identity.nationality: must be an ISO 3166-1',
    ],
    [
      'impossible date of birth',
      ['subjects.0.identity.dateOfBirth', '2009-02-30'],
      'subjects[0].identity.dateOfBirth: must be an ISO-8601 date',
    ],
    ['bad agency id', ['originatorAgency', 'NL KNP'], 'originatorAgency: must be an agency id'],
    [
      'bad agency id in a list',
      ['handling.releasableTo', ['de-bka', 'DE_BKA']],
      'handling.releasableTo[1]: must be an agency id',
    ],
    [
      'bad tlp',
      ['handling.tlp', 'AMBER-STRICT'],
      'handling.tlp: must be one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED',
    ],
    ['not an array', ['vehicles', {}], 'vehicles: must be an array'],
    [
      'int out of range',
      ['routeLegs.0.sequence', 1.5],
      'routeLegs[0].sequence: must be a 32-bit integer',
    ],
    ['boolean as string', ['subjects.0.minor', 'yes'], 'subjects[0].minor: must be a boolean'],
  ])('%s', (_name, change, expected) => {
    const errors = errorsOf('ALERT', withChange(change));
    expect(errors.some((e) => e.startsWith(expected))).toBe(true);
  });

  it('reports every error, not just the first', () => {
    const errors = errorsOf('ALERT', withChange(['urgency', 'NOW'], ['subjects.1.minor', null]));
    expect(errors).toEqual([
      'urgency: must be one of IMMEDIATE, URGENT, ROUTINE',
      'subjects[1].minor: must be a boolean',
    ]);
  });

  it('takes TLP AMBER+STRICT as TLP 2.0 writes it, and the Avro symbol too', () => {
    for (const written of ['AMBER+STRICT', 'AMBER_STRICT']) {
      const alert = parseMessage('ALERT', withChange(['handling.tlp', written]));
      expect(alert.handling.tlp).toBe('AMBER_STRICT');
    }
    expect(errorsOf('ALERT', withChange(['handling.tlp', 'amber+strict']))).toEqual([
      'handling.tlp: must be one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED',
    ]);
  });

  it('treats absent nullable and array fields as null and empty', () => {
    const alert = parseMessage(
      'ALERT',
      withChange(['narrative', DELETE], ['caseRef', DELETE], ['adverts', DELETE]),
    );
    expect(alert.narrative).toBeNull();
    expect(alert.caseRef).toBeNull();
    expect(alert.adverts).toEqual([]);
    expect(toMessageJson(alert, { omitNulls: true })).not.toHaveProperty('narrative');
  });

  it('normalises timestamps to UTC with milliseconds', () => {
    const alert = parseMessage('ALERT', withChange(['issuedAt', '2025-03-14T07:40:00+01:00']));
    expect(alert.issuedAt).toBe('2025-03-14T06:40:00.000Z');
  });

  it('can strip undeclared fields (e.g. JWT claims) instead of rejecting them', () => {
    const alert = parseMessage('ALERT', withChange(['iss', 'nl-knp']), { unknownFields: 'strip' });
    expect(alert).not.toHaveProperty('iss');
  });

  it('enforces the fields each case-notice type requires', () => {
    const closed = examples.find((e) => e.file === 'case-notice-case-closed.json')!.json;
    expect(errorsOf('CASE_NOTICE', { ...closed, outcome: null })).toEqual([
      'outcome: is required when messageType is CASE_CLOSED',
    ]);
    const request = examples.find((e) => e.file === 'case-notice-assistance-request.json')!.json;
    expect(errorsOf('CASE_NOTICE', { ...request, requestedAgencies: [] })).toEqual([
      'requestedAgencies: is required when messageType is ASSISTANCE_REQUEST',
    ]);
    expect(errorsOf('CASE_NOTICE', { ...request, caseRef: null })).toEqual([
      'caseRef: is required when messageType is ASSISTANCE_REQUEST',
    ]);
  });

  it('narrows case notices by messageType', () => {
    const notice = parseMessage(
      'CASE_NOTICE',
      examples.find((e) => e.file === 'case-notice-case-closed.json')!.json,
    );
    const outcome = notice.messageType === 'CASE_CLOSED' ? notice.outcome : undefined;
    expect(outcome).toBe('CONVICTION');
  });

  it('rejects non-objects and wrong kinds without throwing anything else', () => {
    for (const bad of [null, 42, 'x', [], true])
      expect(errorsOf('ALERT', bad)).toEqual(['(root): must be an object']);
    expect(() => parseMessage('BOGUS' as 'ALERT', {})).toThrow(DomainError);
  });

  it('validates envelopes too', () => {
    expect(() =>
      parseJson('Checkpoint', {
        treeSize: 1,
        rootHash: 'AB',
        jws: 'x',
        issuedAt: '2025-01-01T00:00:00Z',
      }),
    ).toThrow('rootHash: must be lowercase hex');
  });

  it('never throws anything but contract.invalid on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        try {
          parseMessage('ALERT', json);
        } catch (error) {
          return error instanceof DomainError && error.code === 'contract.invalid';
        }
        return false;
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips mutated examples whenever they validate', () => {
    const alert: Alert = parseMessage('ALERT', victimAtRisk.json);
    fc.assert(
      fc.property(fc.string(), fc.boolean(), (text, minor) => {
        const changed = {
          ...alert,
          narrative: text,
          subjects: alert.subjects.map((s) => ({ ...s, minor })),
        };
        expect(parseMessage('ALERT', toMessageJson(changed))).toEqual(changed);
      }),
      { numRuns: 100 },
    );
  });
});
