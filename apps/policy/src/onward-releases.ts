/**
 * A release of a held message (pure): the original originator GRANTED the
 * consent request the release names, so the message goes, under its
 * originator's own token, to the recipients that request consented to and to
 * no one else. They are decided again under the policy in force: one the
 * policy now denies for another reason stays denied (the audit app logs it,
 * the ledger keeps its first denial). A release without a matching GRANTED
 * request is refused (dead letter `links.release-not-consented`).
 */
import { Rejection } from '@liaison/fanout';
import { checkRelease, type ReleaseConsent } from '@liaison/links';
import type { RecipientDecision } from '@liaison/policy';

/** The replay store's key of a release: one release per consent request. */
export function releaseReplayKey(requestId: string): string {
  return `release:${requestId.toLowerCase()}`;
}

/** The decisions of the consented recipients only; throws a Rejection without consent. */
export function releaseDecisions(
  decisions: readonly RecipientDecision[],
  consent: ReleaseConsent | undefined,
  release: { readonly messageId: string; readonly originatorAgency: string },
): RecipientDecision[] {
  const check = checkRelease(consent, release);
  if (!check.ok) throw new Rejection(check.code, check.reason, release.messageId);
  const consented = new Set(check.recipients);
  return decisions.filter((d) => consented.has(d.recipient));
}
