/**
 * The answer of GET /v1/submissions/{id}: a submission's state and, for each
 * recipient the policy decided on, its outcome as the publisher may see it.
 * The gateway writes it; the CLI and the workspace read it.
 */

/** One recipient's outcome of a submission. */
export interface RecipientStatus {
  readonly agency: string;
  readonly jurisdiction: string;
  /** FULL, REDACTED or DENIED. */
  readonly outcome: string;
  /** The rules that decided it. */
  readonly rules: readonly string[];
  /** Withheld fields by path, each with the rule that withheld it. */
  readonly withheld: readonly { readonly path: string; readonly ruleId: string }[];
  readonly withheldCount: number;
  readonly disclosedCount: number;
  readonly policyVersion: string;
  readonly decidedAt: string;
  /** The delivery's entry id (cursor) in the recipient's feed; null when nothing was delivered (yet). */
  readonly deliveryEntryId: string | null;
}

export interface SubmissionStatus {
  readonly messageId: string;
  readonly kind: string;
  readonly messageType: string;
  readonly caseRef: string | null;
  readonly custodial: boolean;
  readonly receivedAt: string;
  /** ACCEPTED until the policy has decided, then DECIDED (FAILED if it could not be queued). */
  readonly status: string;
  /** Recipients by outcome. */
  readonly outcomes: Readonly<Record<string, number>>;
  /** By agency id. */
  readonly recipients: readonly RecipientStatus[];
}
