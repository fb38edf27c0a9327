/**
 * Presentations: the hub redacts by leaving disclosures out, never by
 * re-signing. Selection is by disclosure index over a token verified once, so
 * building one recipient's presentation is a join (~1 µs), not a re-decode.
 *
 * A child disclosure (e.g. `subjects[1].identity.fullName`) is only reachable
 * through its parent (`subjects[1]`); if the parent is left out, the child is
 * dropped too and reported as withheld, never sent dangling.
 */
import { cryptoError } from './crypto-error';
import { type SignatureKeyResolver } from './key-directory';
import {
  verifySdJwtStructure,
  type ClaimShapeSource,
  type VerifiedSdJwt,
  type WithheldSlot,
} from './sd-jwt-verifier';
import { DEFAULT_MAX_MESSAGE_LIFETIME_SEC, checkTimeClaims, type Clock } from './time-claims';

export interface PresentationPlan {
  /** Indices actually presented, ascending. */
  readonly presented: readonly number[];
  /** Requested indices dropped because an ancestor disclosure was not presented. */
  readonly droppedOrphans: readonly number[];
}

/** Decides which of the requested disclosures can be presented. */
export function planPresentation(
  verified: VerifiedSdJwt,
  requested: readonly number[],
): PresentationPlan {
  const count = verified.disclosures.length;
  // 0 = not requested, 1 = requested, 2 = presented, 3 = dropped
  const state = new Uint8Array(count);
  for (const index of requested) {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw cryptoError('sdjwt.bad-disclosure-index', `no disclosure ${index}`, 'invalid-input', {
        index,
      });
    }
    state[index] = 1;
  }
  const resolve = (index: number): boolean => {
    const current = state[index];
    if (current === 2) return true;
    if (current !== 1) return false;
    const parent = verified.disclosures[index]?.parentIndex ?? null;
    const ok = parent === null || resolve(parent);
    state[index] = ok ? 2 : 3;
    return ok;
  };
  const presented: number[] = [];
  const droppedOrphans: number[] = [];
  for (let index = 0; index < count; index++) {
    if (state[index] === 0) continue;
    if (resolve(index)) presented.push(index);
    else droppedOrphans.push(index);
  }
  return { presented, droppedOrphans };
}

/** `issuerJwt~d_i~d_j~` for the plan's presented indices (no key binding). */
export function presentationOf(verified: VerifiedSdJwt, plan: PresentationPlan): string {
  let out = `${verified.issuerJwt}~`;
  for (const index of plan.presented) out += `${verified.disclosures[index]?.encoded ?? ''}~`;
  return out;
}

/** Plans and joins in one step; orphaned children are silently withheld. */
export function presentFor(verified: VerifiedSdJwt, disclosedIndices: readonly number[]): string {
  return presentationOf(verified, planPresentation(verified, disclosedIndices));
}

/** Concrete paths of every disclosure not in `presentedIndices`, in token order. */
export function withheldPathsOf(
  verified: VerifiedSdJwt,
  presentedIndices: readonly number[],
): string[] {
  const presented = new Set(presentedIndices);
  return verified.disclosures.filter((d) => !presented.has(d.index)).map((d) => d.concretePath);
}

export interface PresentationVerifyOptions {
  /** Keys of the originator: the hub's directory, or `KeyDirectory.fromJwks`. */
  readonly directory: SignatureKeyResolver;
  /**
   * The shape the claims must have, as at the hub: libs/contracts
   * `messageClaimShape(kind)`, or `(payload) => messageClaimShape(messageKindOfClaims(payload))`.
   */
  readonly shape: ClaimShapeSource;
  readonly now: Clock;
  readonly clockSkewSec?: number;
  readonly maxTokenBytes?: number;
  /**
   * Refuse a presentation whose `exp` (the alert's validity) has passed. Off by
   * default: a recipient reading its feed late must still be able to verify.
   */
  readonly rejectExpired?: boolean;
  /**
   * Longest exp - iat accepted (seconds); DEFAULT_MAX_MESSAGE_LIFETIME_SEC if
   * unset, the hub's own default: a recipient whose hub allows longer passes it.
   */
  readonly maxLifetimeSec?: number;
}

export interface VerifiedPresentation {
  readonly issuer: string;
  readonly kid: string;
  readonly messageId: unknown;
  /** What the recipient can see: fully resolved plain JSON. */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly disclosedPaths: readonly string[];
  /** Visible digest slots with no disclosure (withheld fields, or decoys). */
  readonly withheldCount: number;
  readonly withheldDigests: readonly string[];
  readonly withheld: readonly WithheldSlot[];
}

/**
 * Recipient side: checks the ORIGINATOR's signature and every disclosure
 * itself, trusting the hub for nothing but the key directory.
 */
export function verifyPresentation(
  presentation: string,
  options: PresentationVerifyOptions,
): VerifiedPresentation {
  const verified = verifySdJwtStructure(presentation, {
    directory: options.directory,
    shape: options.shape,
    maxTokenBytes: options.maxTokenBytes ?? 1_048_576,
  });
  const clockSkewSec = options.clockSkewSec ?? 60;
  checkTimeClaims(
    verified.payload,
    {
      now: options.now,
      clockSkewSec,
      requireExp: false,
      rejectExpired: options.rejectExpired === true,
      maxLifetimeSec: options.maxLifetimeSec ?? DEFAULT_MAX_MESSAGE_LIFETIME_SEC,
    },
    'sdjwt',
  );
  return {
    issuer: verified.issuer,
    kid: verified.kid,
    messageId: verified.payload.jti,
    claims: verified.claims,
    disclosedPaths: verified.disclosures.map((d) => d.concretePath),
    withheldCount: verified.withheld.length,
    withheldDigests: verified.withheld.map((w) => w.digest),
    withheld: verified.withheld,
  };
}
