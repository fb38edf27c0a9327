/**
 * Onward sharing (pure): a submission whose exact selectors match a message
 * its originator RECEIVED from another originator under AMBER+STRICT, RED or
 * handling code H2 may not reach, under the new originator's own signature,
 * a recipient the original marks do not allow: the original originator, and
 * the agencies the original message names, are allowed; anyone else is held
 * (decision DENIED, `builtin:onward-without-consent`) until the original
 * originator consents. Matching is on canonical selectors, so a re-formatted
 * selector or a changed field elsewhere does not escape; a POSSIBLE link (name
 * and date of birth) alone never holds a share.
 */
import type { HeldMessageMarks } from './link-reveal';
import type { StoredLinkRow } from './link-world';
import { marksOfRow } from './link-world';
import { strengthOf } from './selector';

export const ONWARD_WITHOUT_CONSENT = 'builtin:onward-without-consent';

/** Marks that forbid passing the content on without the originator's consent. */
export function restrictsOnward(marks: HeldMessageMarks): boolean {
  return marks.tlp === 'RED' || marks.tlp === 'AMBER_STRICT' || marks.handlingCode === 'H2';
}

/** Whether the original marks allow `recipient` to learn the original content. */
export function allowedOnward(
  recipient: string,
  original: { readonly originator: string; readonly marks: HeldMessageMarks },
): boolean {
  return recipient === original.originator || original.marks.namedRecipients.includes(recipient);
}

export interface OnwardHold {
  readonly recipient: string;
  /** The received message whose marks hold the share. */
  readonly originalMessageId: string;
  /** Whose consent releases it. */
  readonly originalOriginator: string;
  readonly rule: typeof ONWARD_WITHOUT_CONSENT;
}

export function onwardHolds(input: {
  /** The new submission's originator. */
  readonly submitter: string;
  /** Recipients the ordinary policy would deliver to. */
  readonly recipients: readonly string[];
  /** Index rows sharing a pseudonym with the submission (any agency). */
  readonly matched: readonly StoredLinkRow[];
  /** Whether the submitter received a message (delivered in full or redacted). */
  readonly received: (messageId: string) => boolean;
  /** Consents granted, as `originalMessageId|recipient`. */
  readonly consents: ReadonlySet<string>;
}): OnwardHold[] {
  const originals = new Map<string, { originator: string; marks: HeldMessageMarks }>();
  for (const row of input.matched) {
    if (row.agency === input.submitter || strengthOf(row.kind) !== 'EXACT') continue;
    const marks = marksOfRow(row);
    if (!restrictsOnward(marks) || !input.received(row.messageId)) continue;
    originals.set(row.messageId, { originator: row.agency, marks });
  }
  const holds: OnwardHold[] = [];
  for (const recipient of input.recipients) {
    for (const [messageId, original] of originals) {
      if (allowedOnward(recipient, original)) continue;
      if (input.consents.has(`${messageId}|${recipient}`)) continue;
      holds.push({
        recipient,
        originalMessageId: messageId,
        originalOriginator: original.originator,
        rule: ONWARD_WITHOUT_CONSENT,
      });
      break;
    }
  }
  return holds;
}
