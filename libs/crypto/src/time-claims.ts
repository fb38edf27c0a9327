/**
 * iat/exp checks shared by SD-JWTs and tokens. Clocks are injected as
 * `now: () => number` returning epoch MILLISECONDS (Date.now's contract);
 * JWT claims are epoch SECONDS.
 */
import { cryptoError } from './crypto-error';

export type Clock = () => number;

/**
 * 90 days: the longest lifetime (exp - iat) a message may claim unless the hub
 * is configured otherwise (MESSAGE_MAX_LIFETIME_SECONDS). An `exp` of 1e300 is
 * a message that never expires, which nobody can have meant.
 */
export const DEFAULT_MAX_MESSAGE_LIFETIME_SEC = 90 * 86_400;

/**
 * 9999-12-31T23:59:59Z: no time claim lies beyond it (JWT NumericDates are
 * otherwise unbounded, and a value past 2^53 no longer compares exactly).
 */
export const MAX_NUMERIC_DATE = 253_402_300_799;

export interface TimeWindow {
  readonly now: Clock;
  /** Tolerated clock difference between agency and hub, in seconds. */
  readonly clockSkewSec: number;
  /** If set, refuse tokens whose iat is older than this (seconds). */
  readonly maxAgeSec?: number;
  /** Whether `exp` must be present. */
  readonly requireExp: boolean;
  /** If set, refuse tokens whose lifetime (exp - iat) is longer than this (seconds). */
  readonly maxLifetimeSec?: number;
  /**
   * Whether a passed `exp` is refused (default true). A recipient reading its
   * feed late still checks that the claims are sane and the lifetime bounded.
   */
  readonly rejectExpired?: boolean;
}

export interface TimeClaims {
  readonly iat: number;
  readonly exp?: number;
}

export function nowSeconds(now: Clock): number {
  return Math.floor(now() / 1000);
}

function outOfRange(
  scope: 'sdjwt' | 'token',
  claim: string,
  message: string,
): ReturnType<typeof cryptoError> {
  return cryptoError(`${scope}.time-claim-out-of-range`, `${claim} ${message}`, 'invalid-input', {
    claim,
  });
}

/** A NumericDate in [0, MAX_NUMERIC_DATE], or undefined if absent; anything else throws. */
function numericDate(
  payload: Readonly<Record<string, unknown>>,
  claim: 'exp' | 'nbf',
  scope: 'sdjwt' | 'token',
): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw cryptoError(`${scope}.malformed`, `${claim} is not a number`, 'invalid-input');
  }
  if (value < 0 || value > MAX_NUMERIC_DATE) {
    throw outOfRange(scope, claim, 'is outside 1970..9999');
  }
  return value;
}

/**
 * `scope` prefixes the codes: `<scope>.expired`, `<scope>.iat-in-future`, ...
 * Every time claim present must be a finite NumericDate within 1970..9999
 * (`<scope>.time-claim-out-of-range`), `nbf` and `exp` must not precede `iat`,
 * and the lifetime exp - iat must not exceed `maxLifetimeSec`
 * (`<scope>.lifetime-too-long`).
 */
export function checkTimeClaims(
  payload: Readonly<Record<string, unknown>>,
  window: TimeWindow,
  scope: 'sdjwt' | 'token',
): TimeClaims {
  const { iat } = payload;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw cryptoError(`${scope}.missing-iat`, 'iat is missing or not a number', 'unauthenticated');
  }
  if (iat < 0 || iat > MAX_NUMERIC_DATE) throw outOfRange(scope, 'iat', 'is outside 1970..9999');
  const exp = numericDate(payload, 'exp', scope);
  const nbf = numericDate(payload, 'nbf', scope);
  if (exp === undefined && window.requireExp) {
    throw cryptoError(`${scope}.missing-exp`, 'exp is missing', 'unauthenticated');
  }
  if (exp !== undefined && exp <= iat) throw outOfRange(scope, 'exp', 'is not after iat');
  if (nbf !== undefined && nbf < iat) throw outOfRange(scope, 'nbf', 'is before iat');
  if (nbf !== undefined && exp !== undefined && nbf >= exp) {
    throw outOfRange(scope, 'nbf', 'is not before exp');
  }
  if (
    exp !== undefined &&
    window.maxLifetimeSec !== undefined &&
    exp - iat > window.maxLifetimeSec
  ) {
    throw cryptoError(
      `${scope}.lifetime-too-long`,
      `exp - iat exceeds ${window.maxLifetimeSec} s`,
      scope === 'token' ? 'unauthenticated' : 'invalid-input',
      { lifetime: exp - iat, maxLifetime: window.maxLifetimeSec },
    );
  }
  const nowSec = nowSeconds(window.now);
  if (iat > nowSec + window.clockSkewSec) {
    throw cryptoError(`${scope}.iat-in-future`, 'iat is in the future', 'unauthenticated', {
      iat,
      now: nowSec,
    });
  }
  if (nbf !== undefined && nbf > nowSec + window.clockSkewSec) {
    throw cryptoError(`${scope}.not-yet-valid`, 'nbf is in the future', 'unauthenticated', {
      nbf,
      now: nowSec,
    });
  }
  if (window.rejectExpired !== false && exp !== undefined && exp <= nowSec - window.clockSkewSec) {
    throw cryptoError(`${scope}.expired`, 'expired', 'unauthenticated', { exp, now: nowSec });
  }
  if (window.maxAgeSec !== undefined && nowSec - iat > window.maxAgeSec + window.clockSkewSec) {
    throw cryptoError(`${scope}.too-old`, 'iat is older than allowed', 'unauthenticated', {
      iat,
      now: nowSec,
    });
  }
  return exp === undefined ? { iat } : { iat, exp };
}
