/**
 * iat/exp checks shared by SD-JWTs and tokens. Clocks are injected as
 * `now: () => number` returning epoch MILLISECONDS (Date.now's contract);
 * JWT claims are epoch SECONDS.
 */
import { cryptoError } from './crypto-error';

export type Clock = () => number;

export interface TimeWindow {
  readonly now: Clock;
  /** Tolerated clock difference between agency and hub, in seconds. */
  readonly clockSkewSec: number;
  /** If set, refuse tokens whose iat is older than this (seconds). */
  readonly maxAgeSec?: number;
  /** Whether `exp` must be present. */
  readonly requireExp: boolean;
}

export interface TimeClaims {
  readonly iat: number;
  readonly exp?: number;
}

export function nowSeconds(now: Clock): number {
  return Math.floor(now() / 1000);
}

/** `scope` prefixes the codes: `<scope>.expired`, `<scope>.iat-in-future`, ... */
export function checkTimeClaims(
  payload: Readonly<Record<string, unknown>>,
  window: TimeWindow,
  scope: 'sdjwt' | 'token',
): TimeClaims {
  const { iat, exp } = payload;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw cryptoError(`${scope}.missing-iat`, 'iat is missing or not a number', 'unauthenticated');
  }
  if (exp !== undefined && (typeof exp !== 'number' || !Number.isFinite(exp))) {
    throw cryptoError(`${scope}.malformed`, 'exp is not a number', 'invalid-input');
  }
  if (exp === undefined && window.requireExp) {
    throw cryptoError(`${scope}.missing-exp`, 'exp is missing', 'unauthenticated');
  }
  const nowSec = nowSeconds(window.now);
  if (iat > nowSec + window.clockSkewSec) {
    throw cryptoError(`${scope}.iat-in-future`, 'iat is in the future', 'unauthenticated', {
      iat,
      now: nowSec,
    });
  }
  if (exp !== undefined && exp <= nowSec - window.clockSkewSec) {
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
