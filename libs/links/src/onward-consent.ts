/**
 * The original originator's answer to an onward-sharing consent request
 * (pure): only the original originator's liaison officers answer, once; a
 * grant consents to the held recipients, a refusal carries a reason the
 * requester reads. Anything else is refused with a code (default deny).
 */
import type { ONWARD_WITHOUT_CONSENT } from './onward-sharing';

export type ConsentStatus = 'PENDING' | 'GRANTED' | 'REFUSED';
export type ConsentAnswerKind = 'grant' | 'refuse';

/**
 * Where a granted request's release stands: DUE (granted, the release not yet
 * taken by Kafka: the hub keeps sending it), QUEUED (taken: the worker
 * delivers it once), NOTHING (the held content was no longer kept).
 */
export type ReleaseState = 'DUE' | 'QUEUED' | 'NOTHING';

export interface ConsentRequestState {
  readonly originalAgency: string;
  readonly status: ConsentStatus;
}

export interface ConsentAnswer {
  readonly kind: ConsentAnswerKind;
  /** Required for a refusal, optional for a grant; at most MAX_CONSENT_REASON characters. */
  readonly reason: string | null;
}

/** A request as either party reads it (the API's answer, the CLI's input). */
export interface ConsentRequestView {
  readonly requestId: string;
  /** ORIGINAL: your agency is asked; REQUESTER: your message is held. */
  readonly role: 'ORIGINAL' | 'REQUESTER';
  readonly heldMessageId: string;
  readonly requesterAgency: string;
  readonly originalMessageId: string;
  readonly originalAgency: string;
  readonly recipients: readonly string[];
  readonly status: ConsentStatus;
  readonly requestedAt: string;
  readonly answeredAt: string | null;
  readonly answeredBy: string | null;
  readonly reason: string | null;
  /** A granted request's release (null while pending or refused). */
  readonly release: ReleaseState | null;
  readonly rule: typeof ONWARD_WITHOUT_CONSENT;
}

export const MAX_CONSENT_REASON = 500;

export type ConsentRefusalCode =
  'links.invalid-consent-answer' | 'links.consent-not-found' | 'links.consent-answered';

export type ConsentDecision =
  | { readonly ok: true; readonly status: Exclude<ConsentStatus, 'PENDING'> }
  | { readonly ok: false; readonly code: ConsentRefusalCode; readonly reason: string };

/** Reads an answer body: `{}` or `{reason}`; a refusal needs a reason. No other member. */
export function parseConsentAnswer(
  kind: ConsentAnswerKind,
  body: unknown,
): ConsentAnswer | { readonly problem: string } {
  const given: unknown = body ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    return { problem: 'body must be an object' };
  }
  const names = Object.keys(given);
  const unknown = names.filter((n) => n !== 'reason');
  if (unknown.length > 0) return { problem: `unknown member ${unknown[0]}` };
  const reason = Object.hasOwn(given, 'reason')
    ? (given as { reason?: unknown }).reason
    : undefined;
  if (reason !== undefined && typeof reason !== 'string') return { problem: 'reason must be text' };
  const text = reason?.trim() ?? '';
  if (text.length > MAX_CONSENT_REASON) {
    return { problem: `reason longer than ${MAX_CONSENT_REASON} characters` };
  }
  if (kind === 'refuse' && text.length === 0) return { problem: 'a refusal needs a reason' };
  return { kind, reason: text.length === 0 ? null : text };
}

/** Whether `agency` may give `answer` to `request` (undefined: no such request). */
export function decideConsent(
  request: ConsentRequestState | undefined,
  agency: string,
  answer: ConsentAnswer,
): ConsentDecision {
  // Another agency's request answers as a missing one: its existence is not told.
  if (request === undefined || request.originalAgency !== agency) {
    return {
      ok: false,
      code: 'links.consent-not-found',
      reason: 'no such consent request for this agency',
    };
  }
  if (request.status !== 'PENDING') {
    return {
      ok: false,
      code: 'links.consent-answered',
      reason: `the request was already answered (${request.status})`,
    };
  }
  return { ok: true, status: answer.kind === 'grant' ? 'GRANTED' : 'REFUSED' };
}

/** A consent request as a release of its held message reads it. */
export interface ReleaseConsent {
  readonly heldMessageId: string;
  readonly requesterAgency: string;
  readonly status: ConsentStatus;
  readonly recipients: readonly string[];
}

export type ReleaseCheck =
  | { readonly ok: true; readonly recipients: readonly string[] }
  | { readonly ok: false; readonly code: 'links.release-not-consented'; readonly reason: string };

/**
 * Whether a release of `messageId` by `originator` may go out under the
 * request (undefined: no such request): only a GRANTED request about that very
 * held message and its requester releases, to the request's recipients only.
 */
export function checkRelease(
  consent: ReleaseConsent | undefined,
  release: { readonly messageId: string; readonly originatorAgency: string },
): ReleaseCheck {
  const refuse = (reason: string): ReleaseCheck => ({
    ok: false,
    code: 'links.release-not-consented',
    reason,
  });
  if (consent === undefined) return refuse('no such consent request');
  if (
    consent.heldMessageId.toLowerCase() !== release.messageId.toLowerCase() ||
    consent.requesterAgency !== release.originatorAgency
  ) {
    return refuse('the consent request is about another held message');
  }
  if (consent.status !== 'GRANTED') return refuse(`the consent request is ${consent.status}`);
  return { ok: true, recipients: consent.recipients };
}
