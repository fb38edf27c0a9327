/**
 * A case's timeline as one agency may read it: the case's notices it sent or
 * that were delivered to it (from the share ledger, in ledger order), and the
 * clock notices the hub raised to it (DEADLINE_APPROACHING, OVERDUE), each put
 * where it was raised. Pure: the caller brings both lists, already limited to
 * what the agency is entitled to. See docs/cases.md ("Reading a case").
 */

/** A clock notice as the timeline shows it: which request's clock, whose, and when due. */
export interface TimelineClockNotice {
  readonly alert: 'DEADLINE_APPROACHING' | 'OVERDUE';
  readonly requestId: string;
  /** The agency whose obligation the clock measures. */
  readonly requestedAgency: string;
  readonly clock: string;
  readonly dueAt: string;
}

/** One entry of a case's timeline, as the reading agency saw it pass through the hub. */
export interface CaseTimelineEntry {
  /** NOTICE: a case notice in the share ledger; CLOCK: a clock notice the hub raised to the reader. */
  readonly kind: 'NOTICE' | 'CLOCK';
  /** NOTICE: the ledger seq of the first row of it the agency may see; CLOCK: null (not ledgered). */
  readonly seq: string | null;
  /** The notice's message id, or the clock notice's id. */
  readonly messageId: string;
  /** The case notice's type, or the clock notice's alert. */
  readonly messageType: string;
  /** The sending agency; `hub` for a clock notice. */
  readonly from: string;
  readonly at: string;
  /** SENT: the agency's own notice; RECEIVED: delivered to it (a clock notice is received). */
  readonly direction: 'SENT' | 'RECEIVED';
  /** A received case notice: FULL or REDACTED; null for a sent one and for a clock notice. */
  readonly decision: 'FULL' | 'REDACTED' | null;
  /** CLOCK only: what the clock notice told. */
  readonly clockNotice: TimelineClockNotice | null;
}

/** Who signs clock notices, as the timeline names it. */
export const HUB_SENDER = 'hub';

/**
 * The two lists as one: `notices` in ledger order stays in that order, and each
 * clock notice (by raising instant) goes before the first notice dated after it.
 */
export function mergeTimeline(
  notices: readonly CaseTimelineEntry[],
  clocks: readonly CaseTimelineEntry[],
): CaseTimelineEntry[] {
  const pending = [...clocks].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at) || a.messageId.localeCompare(b.messageId),
  );
  const out: CaseTimelineEntry[] = [];
  for (const notice of notices) {
    const at = Date.parse(notice.at);
    for (
      let clock = pending[0];
      clock !== undefined && Date.parse(clock.at) < at;
      clock = pending[0]
    ) {
      out.push(clock);
      pending.shift();
    }
    out.push(notice);
  }
  return out.concat(pending);
}
