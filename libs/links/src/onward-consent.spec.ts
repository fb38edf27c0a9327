import {
  MAX_CONSENT_REASON,
  checkRelease,
  decideConsent,
  parseConsentAnswer,
} from './onward-consent';

const PENDING = { originalAgency: 'nl-knp', status: 'PENDING' as const };

describe('parseConsentAnswer', () => {
  it('reads a grant with or without a reason, and a refusal with one', () => {
    expect(parseConsentAnswer('grant', undefined)).toEqual({ kind: 'grant', reason: null });
    expect(parseConsentAnswer('grant', { reason: ' ok for FR ' })).toEqual({
      kind: 'grant',
      reason: 'ok for FR',
    });
    expect(parseConsentAnswer('refuse', { reason: 'source protection' })).toEqual({
      kind: 'refuse',
      reason: 'source protection',
    });
  });

  it('refuses a refusal without reason, unknown members, non-text and overlong reasons', () => {
    for (const [kind, body, problem] of [
      ['refuse', {}, 'a refusal needs a reason'],
      ['refuse', { reason: '   ' }, 'a refusal needs a reason'],
      ['grant', { reason: 'x', recipients: ['uk-nca'] }, 'unknown member recipients'],
      ['grant', { reason: 42 }, 'reason must be text'],
      ['grant', [], 'body must be an object'],
      [
        'grant',
        { reason: 'x'.repeat(MAX_CONSENT_REASON + 1) },
        'reason longer than 500 characters',
      ],
    ] as const) {
      expect(parseConsentAnswer(kind, body)).toEqual({ problem });
    }
  });
});

describe('decideConsent', () => {
  const grant = { kind: 'grant' as const, reason: null };
  const refuse = { kind: 'refuse' as const, reason: 'no' };

  it('lets the original originator grant or refuse a pending request', () => {
    expect(decideConsent(PENDING, 'nl-knp', grant)).toEqual({ ok: true, status: 'GRANTED' });
    expect(decideConsent(PENDING, 'nl-knp', refuse)).toEqual({ ok: true, status: 'REFUSED' });
  });

  it("answers another agency's request as a missing one, and never twice", () => {
    expect(decideConsent(PENDING, 'de-bka', grant)).toMatchObject({
      ok: false,
      code: 'links.consent-not-found',
    });
    expect(decideConsent(undefined, 'nl-knp', grant)).toMatchObject({
      ok: false,
      code: 'links.consent-not-found',
    });
    expect(decideConsent({ ...PENDING, status: 'REFUSED' }, 'nl-knp', grant)).toMatchObject({
      ok: false,
      code: 'links.consent-answered',
    });
  });
});

describe('checkRelease', () => {
  const HELD = '0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a01';
  const granted = {
    heldMessageId: HELD,
    requesterAgency: 'de-bka',
    status: 'GRANTED' as const,
    recipients: ['fr-ocriest', 'uk-nca'],
  };
  const release = { messageId: HELD.toUpperCase(), originatorAgency: 'de-bka' };

  it('releases a GRANTED request about that held message to its recipients only', () => {
    expect(checkRelease(granted, release)).toEqual({
      ok: true,
      recipients: ['fr-ocriest', 'uk-nca'],
    });
  });

  it('refuses a missing, pending, refused or foreign request (default deny)', () => {
    const refused = (consent: Parameters<typeof checkRelease>[0], r = release) => {
      const check = checkRelease(consent, r);
      return check.ok ? 'released' : check.code;
    };
    expect(refused(undefined)).toBe('links.release-not-consented');
    expect(refused({ ...granted, status: 'PENDING' })).toBe('links.release-not-consented');
    expect(refused({ ...granted, status: 'REFUSED' })).toBe('links.release-not-consented');
    expect(refused(granted, { ...release, originatorAgency: 'pl-cbs' })).toBe(
      'links.release-not-consented',
    );
    expect(
      refused(granted, { ...release, messageId: '0b9a7c4e-2f55-4d6c-9d1e-1c1f0c2a9a02' }),
    ).toBe('links.release-not-consented');
  });
});
