import fc from 'fast-check';
import { refusalAggregateEntry, refusalLogEntry, type Refusal } from './refusal-log';

const base: Refusal = {
  stage: 'gateway',
  reasonCode: 'sdjwt.revoked-key',
  status: 401,
  agency: 'de-bka',
  attribution: 'verified',
  keyId: 'kid-1',
  messageKeyId: 'kid-2',
  messageId: '9F1C2A4E-1111-4222-8333-444455556666',
  correlationId: 'corr-1',
  source: 'POST /v1/alerts',
  refusedAt: '2026-12-01T10:00:00.000Z',
};

describe('refusal log entries', () => {
  it('write every field of a well-formed refusal, the message id lower-cased', () => {
    expect(refusalLogEntry(base)).toEqual({
      actor: 'hub',
      action: 'REFUSAL',
      subject: '9f1c2a4e-1111-4222-8333-444455556666',
      justification: 'refused at the gateway (401 sdjwt.revoked-key)',
      details: {
        stage: 'gateway',
        reasonCode: 'sdjwt.revoked-key',
        status: 401,
        agency: 'de-bka',
        attribution: 'verified',
        keyId: 'kid-1',
        messageKeyId: 'kid-2',
        messageId: '9f1c2a4e-1111-4222-8333-444455556666',
        correlationId: 'corr-1',
        source: 'POST /v1/alerts',
        refusedAt: '2026-12-01T10:00:00.000Z',
        count: 1,
      },
    });
  });

  it('keeps a kid that is a base64url thumbprint starting with - or _', () => {
    for (const kid of ['-HiB0aGnl_WPaYWTIKBaLbAUDbGCQQpmCdmApmVp1_0', '_x9'])
      expect(refusalLogEntry({ ...base, keyId: kid }).details).toMatchObject({ keyId: kid });
  });

  it.each([
    [
      'agency',
      { agency: 'Robert Smith, born 1990' },
      { agency: 'unknown', attribution: 'unknown' },
    ],
    ['agency __proto__', { agency: '__proto__' }, { agency: 'unknown' }],
    ['kid with content', { keyId: 'victim: Jane Doe' }, { keyId: null }],
    ['message id not a UUID', { messageId: 'narrative text here' }, { messageId: null }],
    [
      'reason code with spaces',
      { reasonCode: 'the victim is 12' },
      { reasonCode: 'unreadable-code' },
    ],
    ['correlation id with newline', { correlationId: 'a\nb' }, { correlationId: null }],
    ['bad time', { refusedAt: 'yesterday' }, {}],
  ] as const)('drop a field that does not fit its pattern: %s', (_name, patch, expected) => {
    const entry = refusalLogEntry({ ...base, ...patch });
    expect(entry.details).toMatchObject(expected);
    expect(JSON.stringify(entry)).not.toContain(String(Object.values(patch)[0]));
  });

  it('property: no string outside the narrow patterns ever reaches an entry', () => {
    const hostile = fc.string({ minLength: 3, maxLength: 60 }).map((s) => `${s} ${s}!`);
    fc.assert(
      fc.property(
        hostile,
        fc.constantFrom<keyof Refusal>(
          'reasonCode',
          'agency',
          'keyId',
          'messageKeyId',
          'messageId',
          'correlationId',
        ),
        (value, field) => {
          const entry = refusalLogEntry({ ...base, [field]: value });
          return !JSON.stringify(entry).includes(JSON.stringify(value).slice(1, -1));
        },
      ),
      { seed: 183, numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });

  it('aggregate: one entry with the count, reason codes checked and capped', () => {
    const codes: Record<string, number> = { 'token.replayed': 3, 'not a code!': 2 };
    for (let i = 0; i < 40; i++) codes[`code.${i}`] = 1;
    const entry = refusalAggregateEntry({
      stage: 'gateway',
      agency: 'nl-knp',
      attribution: 'claimed',
      count: 45,
      windowStart: '2026-12-01T10:00:00.000Z',
      windowEnd: '2026-12-01T10:01:00.000Z',
      reasonCodes: codes,
    });
    const details = entry.details as { count: number; reasonCodes: Record<string, number> };
    expect(entry).toMatchObject({ action: 'REFUSAL', subject: 'agency:nl-knp' });
    expect(details.count).toBe(45);
    expect(Object.values(details.reasonCodes).reduce((a, b) => a + b, 0)).toBe(45);
    expect(Object.keys(details.reasonCodes).length).toBeLessThanOrEqual(33);
    expect(details.reasonCodes['unreadable-code']).toBe(2);
    expect(JSON.stringify(entry)).not.toContain('not a code!');
  });
});
