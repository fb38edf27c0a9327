/**
 * Time claims of SD-JWTs and tokens: every claim present is a finite NumericDate
 * within 1970..9999, exp and nbf do not precede iat, and a message's lifetime is
 * bounded (an `exp` of 1e300 was accepted). Table cases, a property over any
 * numbers, and the hub verifier and the recipient verifier end to end.
 */
import fc from 'fast-check';
import { DomainError } from '@liaison/errors';
import { verifyPresentation } from './presentation';
import { issueSdJwt } from './sd-jwt-issuer';
import { verifySdJwt } from './sd-jwt-verifier';
import {
  DEFAULT_MAX_MESSAGE_LIFETIME_SEC,
  MAX_NUMERIC_DATE,
  checkTimeClaims,
  type TimeWindow,
} from './time-claims';
import {
  ALERT_PATHS,
  ALERT_SHAPE,
  NOW_SEC,
  alertClaims,
  clock,
  directoryOf,
  makeAgency,
} from './spec-support/fixtures';

const DAY = 86_400;
const window: TimeWindow = {
  now: clock,
  clockSkewSec: 60,
  requireExp: true,
  maxLifetimeSec: 30 * DAY,
};

function codeOf(payload: Record<string, unknown>, w: TimeWindow = window): string {
  try {
    checkTimeClaims(payload, w, 'sdjwt');
    return 'accepted';
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return error.code;
  }
}

describe('checkTimeClaims', () => {
  const iat = NOW_SEC - 10;
  it.each<[string, Record<string, unknown>, string]>([
    ['a day-long message', { iat, exp: iat + DAY }, 'accepted'],
    ['exactly the longest lifetime', { iat, exp: iat + 30 * DAY }, 'accepted'],
    ['with nbf between iat and now', { iat, nbf: iat + 5, exp: iat + DAY }, 'accepted'],
    ['exp 1e300', { iat, exp: 1e300 }, 'sdjwt.time-claim-out-of-range'],
    ['exp past 9999', { iat, exp: MAX_NUMERIC_DATE + 1 }, 'sdjwt.time-claim-out-of-range'],
    ['one second too long', { iat, exp: iat + 30 * DAY + 1 }, 'sdjwt.lifetime-too-long'],
    ['a year', { iat, exp: iat + 365 * DAY }, 'sdjwt.lifetime-too-long'],
    ['exp before iat', { iat, exp: iat - 1 }, 'sdjwt.time-claim-out-of-range'],
    ['exp equal to iat', { iat, exp: iat }, 'sdjwt.time-claim-out-of-range'],
    ['exp as text', { iat, exp: '2030-01-01' }, 'sdjwt.malformed'],
    ['iat 1e300', { iat: 1e300, exp: 1e300 + 1 }, 'sdjwt.time-claim-out-of-range'],
    ['iat -1e300', { iat: -1e300, exp: iat + DAY }, 'sdjwt.time-claim-out-of-range'],
    ['iat -1', { iat: -1, exp: iat + DAY }, 'sdjwt.time-claim-out-of-range'],
    ['iat as text', { iat: String(iat), exp: iat + DAY }, 'sdjwt.missing-iat'],
    ['iat Infinity', { iat: Infinity, exp: iat + DAY }, 'sdjwt.missing-iat'],
    ['nbf NaN', { iat, nbf: NaN, exp: iat + DAY }, 'sdjwt.malformed'],
    ['nbf 1e300', { iat, nbf: 1e300, exp: iat + DAY }, 'sdjwt.time-claim-out-of-range'],
    ['nbf before iat', { iat, nbf: iat - 1, exp: iat + DAY }, 'sdjwt.time-claim-out-of-range'],
    ['nbf at exp', { iat, nbf: iat + DAY, exp: iat + DAY }, 'sdjwt.time-claim-out-of-range'],
    ['nbf in the future', { iat, nbf: NOW_SEC + 3600, exp: iat + DAY }, 'sdjwt.not-yet-valid'],
    ['expired', { iat: iat - 2 * DAY, exp: iat - DAY }, 'sdjwt.expired'],
    ['missing exp', { iat }, 'sdjwt.missing-exp'],
  ])('%s %j → %s', (_name, payload, code) => {
    expect(codeOf(payload)).toBe(code);
  });

  it('a recipient reading late still refuses an unbounded lifetime but not a passed exp', () => {
    const late: TimeWindow = { ...window, requireExp: false, rejectExpired: false };
    expect(codeOf({ iat: iat - 2 * DAY, exp: iat - DAY }, late)).toBe('accepted');
    expect(codeOf({ iat, exp: 1e300 }, late)).toBe('sdjwt.time-claim-out-of-range');
    expect(codeOf({ iat, exp: iat + 365 * DAY }, late)).toBe('sdjwt.lifetime-too-long');
  });

  const numbers = fc.oneof(
    fc.integer({ min: NOW_SEC - 100 * DAY, max: NOW_SEC + 100 * DAY }),
    fc.double(),
    fc.constantFrom(0, -1, 1e300, -1e300, MAX_NUMERIC_DATE, MAX_NUMERIC_DATE + 1, NOW_SEC),
  );
  const KNOWN = new Set([
    'accepted',
    'sdjwt.missing-iat',
    'sdjwt.missing-exp',
    'sdjwt.malformed',
    'sdjwt.time-claim-out-of-range',
    'sdjwt.lifetime-too-long',
    'sdjwt.iat-in-future',
    'sdjwt.not-yet-valid',
    'sdjwt.expired',
  ]);

  it('property: whatever the numbers, a known code, and what passes is sane and bounded', () => {
    fc.assert(
      fc.property(numbers, fc.option(numbers, { nil: undefined }), numbers, (i, nbf, e) => {
        const payload = nbf === undefined ? { iat: i, exp: e } : { iat: i, nbf, exp: e };
        const code = codeOf(payload);
        expect(KNOWN.has(code)).toBe(true);
        if (code !== 'accepted') return;
        expect(Number.isFinite(i) && Number.isFinite(e)).toBe(true);
        expect(i).toBeGreaterThanOrEqual(0);
        expect(i).toBeLessThanOrEqual(NOW_SEC + window.clockSkewSec);
        expect(e).toBeGreaterThan(i);
        expect(e - i).toBeLessThanOrEqual(30 * DAY);
        expect(e).toBeGreaterThan(NOW_SEC - window.clockSkewSec);
        if (nbf !== undefined) {
          expect(nbf).toBeGreaterThanOrEqual(i);
          expect(nbf).toBeLessThanOrEqual(NOW_SEC + window.clockSkewSec);
        }
      }),
      { seed: 18, numRuns: 5000 },
    );
  });
});

describe('message lifetime at the hub and at the recipient', () => {
  const agency = makeAgency('NL-KLPD');
  const directory = directoryOf(agency);
  const issue = (exp: number): Promise<string> =>
    issueSdJwt({
      claims: { ...alertClaims(agency.agencyId), exp },
      disclosablePaths: ALERT_PATHS,
      signer: agency.signerKey,
    });
  const atHub = (token: string, maxLifetimeSec?: number): string => {
    try {
      verifySdJwt(token, {
        directory,
        shape: ALERT_SHAPE,
        now: clock,
        maxTokenBytes: 1 << 20,
        clockSkewSec: 60,
        ...(maxLifetimeSec === undefined ? {} : { maxLifetimeSec }),
      });
      return 'accepted';
    } catch (error) {
      return (error as DomainError).code;
    }
  };
  const atRecipient = (token: string): string => {
    try {
      verifyPresentation(token, { directory, shape: ALERT_SHAPE, now: clock });
      return 'accepted';
    } catch (error) {
      return (error as DomainError).code;
    }
  };

  it('exp 1e300 is refused by both with a specific code', async () => {
    const token = await issue(1e300);
    expect(atHub(token)).toBe('sdjwt.time-claim-out-of-range');
    expect(atRecipient(token)).toBe('sdjwt.time-claim-out-of-range');
  });

  it('the default lifetime bounds both; the hub takes its configured one', async () => {
    const longest = await issue(NOW_SEC - 5 + DEFAULT_MAX_MESSAGE_LIFETIME_SEC);
    const longer = await issue(NOW_SEC - 5 + DEFAULT_MAX_MESSAGE_LIFETIME_SEC + 1);
    expect([atHub(longest), atRecipient(longest)]).toEqual(['accepted', 'accepted']);
    expect([atHub(longer), atRecipient(longer)]).toEqual([
      'sdjwt.lifetime-too-long',
      'sdjwt.lifetime-too-long',
    ]);
    expect(atHub(longer, DEFAULT_MAX_MESSAGE_LIFETIME_SEC + 1)).toBe('accepted');
    expect(atHub(longest, DAY)).toBe('sdjwt.lifetime-too-long');
  });
});
