/**
 * Four-eyes control over policy changes: a change stays a draft until a second
 * PERSON approves it: a different enrolled officer (another officer id and
 * another enrolled key) of the author's own agency, in the policy's
 * jurisdiction, whose enrolment holds the policy-approver role. A name alone
 * proves nothing: the reviewer's current enrolment (from the directory) is
 * part of the input, so a non-enrolled or revoked officer is refused here too.
 * Pure state transitions; the app persists and audits them.
 */
import { DomainError } from '@liaison/errors';
import type { PolicyDocument } from './policy-document';

export type PolicyChangeStatus = 'draft' | 'approved' | 'rejected';

export interface PolicyApproval {
  readonly agencyId: string;
  readonly officerId: string;
  readonly kid: string;
  readonly decision: 'approved' | 'rejected';
  readonly reason?: string;
}

export interface PolicyChange {
  readonly id: string;
  readonly jurisdiction: string;
  readonly document: PolicyDocument;
  readonly authorOfficer: string;
  readonly authorAgency: string;
  /** The enrolled key the author signed the draft with (null: seeded, no author key). */
  readonly authorKid: string | null;
  readonly status: PolicyChangeStatus;
  readonly approvals: readonly PolicyApproval[];
}

/** An officer's enrolment as the directory holds it now. */
export interface OfficerEnrolmentView {
  readonly agencyId: string;
  readonly officerId: string;
  readonly kid: string;
  readonly roles: readonly string[];
  readonly status: 'active' | 'revoked';
}

export interface PolicyApprover {
  readonly agencyId: string;
  readonly officerId: string;
  /** The key the reviewer authenticated (and signs) with. */
  readonly kid: string;
  readonly agencyJurisdiction: string;
  /** The roles the request carries (never more than the enrolment). */
  readonly roles: readonly string[];
  /** The reviewer's current enrolment; undefined when not enrolled. */
  readonly enrolment: OfficerEnrolmentView | undefined;
}

export const POLICY_APPROVER_ROLE = 'policy-approver';
export const POLICY_AUTHOR_ROLE = 'policy-author';

function checkEnrolled(
  who: PolicyApprover,
  role: string,
  context: Readonly<Record<string, unknown>>,
): void {
  const e = who.enrolment;
  if (
    e === undefined ||
    e.agencyId !== who.agencyId ||
    e.officerId !== who.officerId ||
    e.kid !== who.kid
  ) {
    throw new DomainError(
      'policy.officer-not-enrolled',
      `Officer ${who.officerId} of ${who.agencyId} has no enrolment for key ${who.kid}`,
      'forbidden',
      context,
    );
  }
  if (e.status !== 'active') {
    throw new DomainError(
      'policy.officer-revoked',
      `Officer ${who.officerId} of ${who.agencyId} is revoked`,
      'forbidden',
      context,
    );
  }
  if (!e.roles.includes(role) || !who.roles.includes(role)) {
    throw new DomainError(
      role === POLICY_APPROVER_ROLE ? 'policy.not-approver' : 'policy.not-author',
      `Officer ${who.officerId} is not enrolled with the ${role} role`,
      'forbidden',
      context,
    );
  }
}

/** A new draft by an enrolled author of the document's jurisdiction. */
export function draftPolicyChange(input: {
  id: string;
  document: PolicyDocument;
  author: PolicyApprover;
}): PolicyChange {
  const { author, document } = input;
  checkEnrolled(author, POLICY_AUTHOR_ROLE, { officerId: author.officerId });
  if (author.agencyJurisdiction !== document.jurisdiction) {
    throw new DomainError(
      'policy.wrong-jurisdiction',
      `an officer of ${author.agencyJurisdiction} cannot draft ${document.jurisdiction} policy`,
      'forbidden',
      { officerId: author.officerId },
    );
  }
  return {
    id: input.id,
    jurisdiction: document.jurisdiction,
    document,
    authorOfficer: author.officerId,
    authorAgency: author.agencyId,
    authorKid: author.kid,
    status: 'draft',
    approvals: [],
  };
}

function checkReviewer(change: PolicyChange, reviewer: PolicyApprover): void {
  if (change.status !== 'draft') {
    throw new DomainError(
      'policy.change-not-draft',
      `Policy change ${change.id} is already ${change.status}`,
      'conflict',
      { changeId: change.id, status: change.status },
    );
  }
  if (change.document.jurisdiction !== change.jurisdiction) {
    throw new DomainError(
      'policy.wrong-jurisdiction',
      `Policy change ${change.id} is for ${change.jurisdiction} but its document is for ${change.document.jurisdiction}`,
      'invalid-input',
      { changeId: change.id },
    );
  }
  const context = { changeId: change.id, officerId: reviewer.officerId };
  checkEnrolled(reviewer, POLICY_APPROVER_ROLE, context);
  // One person: the same officer (by agency and id) or the same key is the author again.
  if (
    (reviewer.agencyId === change.authorAgency && reviewer.officerId === change.authorOfficer) ||
    (change.authorKid !== null && reviewer.kid === change.authorKid)
  ) {
    throw new DomainError(
      'policy.self-approval',
      `Officer ${reviewer.officerId} wrote policy change ${change.id} and cannot review it`,
      'forbidden',
      context,
    );
  }
  if (reviewer.agencyJurisdiction !== change.jurisdiction) {
    throw new DomainError(
      'policy.wrong-jurisdiction',
      `Officer ${reviewer.officerId} (${reviewer.agencyJurisdiction}) cannot review a ${change.jurisdiction} policy change`,
      'forbidden',
      context,
    );
  }
  if (reviewer.agencyId !== change.authorAgency) {
    throw new DomainError(
      'policy.other-agency',
      `Officer ${reviewer.officerId} of ${reviewer.agencyId} cannot review a change drafted at ${change.authorAgency}`,
      'forbidden',
      context,
    );
  }
}

/** The second officer's approval: the change becomes 'approved' (enforceable). */
export function approveChange(change: PolicyChange, approver: PolicyApprover): PolicyChange {
  checkReviewer(change, approver);
  return {
    ...change,
    status: 'approved',
    approvals: [
      ...change.approvals,
      {
        agencyId: approver.agencyId,
        officerId: approver.officerId,
        kid: approver.kid,
        decision: 'approved',
      },
    ],
  };
}

export function rejectChange(
  change: PolicyChange,
  reviewer: PolicyApprover,
  reason: string,
): PolicyChange {
  checkReviewer(change, reviewer);
  if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > 500) {
    throw new DomainError(
      'policy.reason-required',
      'a rejection needs a reason of 1 to 500 characters',
      'invalid-input',
      { changeId: change.id, field: 'reason' },
    );
  }
  return {
    ...change,
    status: 'rejected',
    approvals: [
      ...change.approvals,
      {
        agencyId: reviewer.agencyId,
        officerId: reviewer.officerId,
        kid: reviewer.kid,
        decision: 'rejected',
        reason,
      },
    ],
  };
}
