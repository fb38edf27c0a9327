/**
 * @liaison/policy: the pure rule model, compiler and evaluator (no I/O).
 * Semantics and examples: docs/policy.md.
 */
export * from './policy-document';
export { SUBJECT_IDENTITY_PATH, SUBJECTS_PATH, pathAndAncestors } from './field-paths';
export { NO_POLICY_VERSION, policyDocumentVersion, policyWorldVersion } from './policy-version';
export {
  agencyGroups,
  compilePolicies,
  policyVersionOf,
  validatePolicies,
  type CompileOptions,
  type CompiledPolicySet,
  type PolicyProblem,
  type ResolvedAgency,
} from './compile-policies';
export { decide, decideAll, decideForAgency, prepareFacts, type PreparedFacts } from './decide';
export {
  planRedaction,
  prepareCatalogue,
  type PreparedCatalogue,
  type SlotRedactionPlan,
  type WithheldSlot,
} from './redaction-plan';
export { referenceDecide, referenceDecideAll, referencePlanRedaction } from './reference-evaluator';
export {
  dryRun,
  diffDryRun,
  replayDraft,
  type DryRunChange,
  type DryRunDiff,
  type DryRunRecipient,
  type DryRunReport,
  type FieldDisposition,
  type ReplayMessage,
  type ReplayedMessage,
  type WhatIfReplay,
} from './dry-run';
export {
  POLICY_APPROVER_ROLE,
  POLICY_AUTHOR_ROLE,
  approveChange,
  draftPolicyChange,
  rejectChange,
  type OfficerEnrolmentView,
  type PolicyApproval,
  type PolicyApprover,
  type PolicyChange,
  type PolicyChangeStatus,
} from './policy-change';
export { parseDirectory, parseGroups, parsePolicyDocument } from './parse-policy-data';
export { diffPolicyDocuments, type PolicySection, type RuleChange } from './policy-document-diff';
