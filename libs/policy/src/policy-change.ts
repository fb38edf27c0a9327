/**
 * Four-eyes control over policy changes: a change stays a draft until a second
 * officer of the same jurisdiction, holding the policy-approver role, approves it.
 * Pure state transitions; the app persists and audits them.
 */
import { DomainError } from '@liaison/errors';
import type { PolicyDocument } from './policy-document';

export type PolicyChangeStatus = 'draft' | 'approved' | 'rejected';

export interface PolicyApproval {
  readonly officerId: string;
  readonly decision: 'approved' | 'rejected';
  readonly reason?: string;
}

export interface PolicyChange {
  readonly id: string;
  readonly jurisdiction: string;
  readonly document: PolicyDocument;
  readonly authorOfficer: string;
  readonly authorAgency: string;
  readonly status: PolicyChangeStatus;
  readonly approvals: readonly PolicyApproval[];
}

export interface PolicyApprover {
  readonly officerId: string;
  readonly agencyJurisdiction: string;
  readonly roles: readonly string[];
}

export const POLICY_APPROVER_ROLE = 'policy-approver';

export function draftPolicyChange(input: {
  id: string;
  document: PolicyDocument;
  authorOfficer: string;
  authorAgency: string;
}): PolicyChange {
  return {
    id: input.id,
    jurisdiction: input.document.jurisdiction,
    document: input.document,
    authorOfficer: input.authorOfficer,
    authorAgency: input.authorAgency,
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
  if (reviewer.officerId === change.authorOfficer) {
    throw new DomainError(
      'policy.self-approval',
      `Officer ${reviewer.officerId} wrote policy change ${change.id} and cannot review it`,
      'forbidden',
      { changeId: change.id, officerId: reviewer.officerId },
    );
  }
  if (reviewer.agencyJurisdiction !== change.jurisdiction) {
    throw new DomainError(
      'policy.wrong-jurisdiction',
      `Officer ${reviewer.officerId} (${reviewer.agencyJurisdiction}) cannot review a ${change.jurisdiction} policy change`,
      'forbidden',
      { changeId: change.id, officerId: reviewer.officerId },
    );
  }
  if (!reviewer.roles.includes(POLICY_APPROVER_ROLE)) {
    throw new DomainError(
      'policy.not-approver',
      `Officer ${reviewer.officerId} lacks the ${POLICY_APPROVER_ROLE} role`,
      'forbidden',
      { changeId: change.id, officerId: reviewer.officerId },
    );
  }
}

/** The second officer's approval: the change becomes 'approved' (enforceable). */
export function approveChange(change: PolicyChange, approver: PolicyApprover): PolicyChange {
  checkReviewer(change, approver);
  return {
    ...change,
    status: 'approved',
    approvals: [...change.approvals, { officerId: approver.officerId, decision: 'approved' }],
  };
}

export function rejectChange(
  change: PolicyChange,
  reviewer: PolicyApprover,
  reason: string,
): PolicyChange {
  checkReviewer(change, reviewer);
  return {
    ...change,
    status: 'rejected',
    approvals: [
      ...change.approvals,
      { officerId: reviewer.officerId, decision: 'rejected', reason },
    ],
  };
}
