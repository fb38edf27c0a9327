/**
 * The policy model: per-jurisdiction outbound rules, the agency directory, the
 * message facts the evaluator reads and the decisions it produces. Plain data only;
 * everything here can be stored as JSON (deploy/seed) and compiled by compilePolicies.
 */
import type { LinksRule } from '@liaison/links';

export const PURPOSES = ['INVESTIGATION', 'VICTIM_SUPPORT', 'BORDER_CONTROL', 'RESEARCH'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** TLP 2.0 labels, least to most restrictive. */
export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

/** Europol-style handling codes, least to most restrictive. */
export const HANDLING_CODES = ['H0', 'H1', 'H2', 'H3'] as const;
export type HandlingCode = (typeof HANDLING_CODES)[number];

export const MESSAGE_KINDS = ['ALERT', 'CASE_NOTICE'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const ALERT_TYPES = [
  'VICTIM_AT_RISK',
  'MISSING_PERSON',
  'SUSPECT_MOVEMENT',
  'TRAFFICKING_ROUTE',
  'RECRUITMENT_ADVERT',
  'FINANCIAL_PATTERN',
  'DOCUMENT_FRAUD',
] as const;
export const CASE_NOTICE_TYPES = [
  'CASE_OPENED',
  'ASSISTANCE_REQUEST',
  'JIT_PROPOSED',
  'CASE_UPDATE',
  'VICTIM_REFERRED',
  'CASE_CLOSED',
] as const;
/** Default list of message types a rule may name (override via CompileOptions). */
export const MESSAGE_TYPES: readonly string[] = [...ALERT_TYPES, ...CASE_NOTICE_TYPES];

export const AGENCY_KINDS = [
  'LAW_ENFORCEMENT',
  'BORDER_GUARD',
  'INTERNATIONAL_HUB',
  'VICTIM_SUPPORT_NGO',
] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export const ACCREDITATIONS = [
  'VICTIM_SUPPORT',
  'MINOR_PROTECTION',
  'DATA_PROTECTION_LED',
] as const;
export type Accreditation = (typeof ACCREDITATIONS)[number];

export const AGENCY_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** Purposes for which identity of a victim or minor may be released (never RESEARCH). */
export const IDENTITY_RELEASE_PURPOSES: readonly Purpose[] = ['INVESTIGATION', 'VICTIM_SUPPORT'];

export interface Agency {
  readonly id: string;
  readonly name: string;
  readonly jurisdiction: string;
  readonly kind: AgencyKind;
  /** Explicit group memberships, added to those derived from the jurisdiction. */
  readonly groups?: readonly string[];
  readonly accreditations: readonly Accreditation[];
  readonly acceptedPurposes: readonly Purpose[];
  readonly retentionDays: number;
  /** A suspended agency receives nothing (builtin:recipient-suspended). */
  readonly suspended?: boolean;
}

/** Group name (EU, ASEAN, ...) to member jurisdictions. */
export type GroupMembership = Readonly<Record<string, readonly string[]>>;

export interface Directory {
  readonly agencies: readonly Agency[];
  readonly groups: GroupMembership;
}

/**
 * Who a rule addresses. A recipient matches when it is named by agencies,
 * jurisdictions or groups (any of them), and, if kinds is given, its kind is listed.
 * kinds alone addresses every agency of those kinds.
 */
export interface RecipientSelector {
  readonly agencies?: readonly string[];
  readonly jurisdictions?: readonly string[];
  readonly groups?: readonly string[];
  readonly kinds?: readonly AgencyKind[];
}

export type RuleEffect = 'share' | 'deny';

export interface OutboundRule {
  /** Stable, unique within the document, e.g. 'NL-EU-01'. */
  readonly id: string;
  readonly effect: RuleEffect;
  readonly to: RecipientSelector;
  /** '*' or a list; omitted means '*'. */
  readonly messageTypes?: '*' | readonly string[];
  /** Share rules: required. The most restrictive TLP this rule carries. */
  readonly maxTlp?: Tlp;
  /** Share rules: required. The most restrictive handling code this rule carries. */
  readonly maxHandlingCode?: HandlingCode;
  /**
   * Share rules: required, non-empty; the rule applies only if message purposes,
   * these and the recipient's accepted purposes intersect. Deny rules: optional scope
   * (omitted = every purpose); the recipient's accepted purposes play no part.
   */
  readonly purposes?: readonly Purpose[];
  /** Field paths withheld from recipients this rule shares with (share rules only). */
  readonly withhold?: readonly string[];
  /**
   * Subjects of these roles are withheld whole (the subjects[] element and all under
   * it), e.g. ['SUSPECT'] for a victim-support NGO. Share rules only.
   */
  readonly withholdSubjects?: readonly SubjectRole[];
  readonly releaseVictimIdentity?: boolean;
  readonly releaseMinorIdentity?: boolean;
  /** Lets an H2 message reach an INTERNATIONAL_HUB the originator listed in releasableTo. */
  readonly onwardSharing?: boolean;
  /**
   * Share rules only. An addressed rule (an agreement for addressed sharing) applies
   * only to recipients the message names (MessageFacts.addressedTo) and is the only
   * kind of rule that may carry TLP:RED. A rule without it is a broadcast rule, which
   * never carries a case notice that names agencies.
   */
  readonly addressed?: boolean;
  readonly description?: string;
}

export interface PolicyDocument {
  readonly jurisdiction: string;
  /** Content hash, computed (policyDocumentVersion); ignored when hashing. */
  readonly version?: string;
  readonly outbound: readonly OutboundRule[];
  /**
   * Which agencies may learn that this jurisdiction's agencies hold a message
   * linked to one of theirs (@liaison/links revealLink); absent or empty: nobody
   * (default deny).
   */
  readonly links?: readonly LinksRule[];
}

/** What the evaluator knows of a message: extracted by the app from a verified message. */
export interface MessageFacts {
  readonly kind: MessageKind;
  readonly messageType: string;
  readonly originatorAgency: string;
  readonly originatorJurisdiction: string;
  readonly tlp: Tlp;
  readonly handlingCode: HandlingCode;
  readonly purposes: readonly Purpose[];
  /** Agency ids; empty = no originator restriction. */
  readonly releasableTo: readonly string[];
  /** Agency ids allowed to receive a TLP:RED message. */
  readonly namedRecipients: readonly string[];
  /**
   * Every agency id the message names: its namedRecipients, and for a case notice
   * its requestedAgencies and JIT partnerAgencies. Addressed rules reach only these;
   * a case notice naming anyone reaches no one else.
   */
  readonly addressedTo: readonly string[];
  readonly hasVictim: boolean;
  readonly hasMinor: boolean;
}

/**
 * A case notice that names agencies is addressed: it reaches only the agencies it
 * names (builtin:not-addressed for the rest), and only through addressed rules.
 */
export function isAddressedNotice(facts: MessageFacts): boolean {
  return facts.kind === 'CASE_NOTICE' && facts.addressedTo.length > 0;
}

export const SUBJECT_ROLES = ['VICTIM', 'SUSPECT', 'WITNESS'] as const;
export type SubjectRole = (typeof SUBJECT_ROLES)[number];

/** One selectively disclosable field of one message (computed once per message by the app). */
export interface DisclosureSlot {
  readonly index: number;
  readonly schemaPath: string;
  readonly subjectRole: SubjectRole | null;
  readonly subjectMinor: boolean;
  /** The path is under subjects[].identity or is subjects[] itself. */
  readonly subjectIdentity: boolean;
  readonly parentIndex: number | null;
}

export type DecisionOutcome = 'FULL' | 'REDACTED' | 'DENIED';

export interface WithheldPath {
  readonly path: string;
  readonly ruleId: string;
}

export interface WithheldSubjectRole {
  readonly role: SubjectRole;
  readonly ruleId: string;
}

export interface RecipientDecision {
  readonly recipient: string;
  readonly outcome: DecisionOutcome;
  /** Rule ids that produced the outcome, builtin ones included. */
  readonly rules: readonly string[];
  /** Paths withheld by rules (victim/minor identity is resolved per slot by planRedaction). */
  readonly withheld: readonly WithheldPath[];
  /** Subject roles withheld whole by rules (first rule that withholds each role). */
  readonly withheldSubjects: readonly WithheldSubjectRole[];
  /** A matching rule releases victim identity to this (accredited) recipient. */
  readonly victimIdentityReleased: boolean;
  /** A matching rule releases minor identity to this (accredited) recipient. */
  readonly minorIdentityReleased: boolean;
  readonly policyVersion: string;
}

export interface RedactionPlan {
  readonly outcome: DecisionOutcome;
  readonly disclosedIndices: readonly number[];
  readonly withheld: readonly WithheldPath[];
}

/** Builtin rule ids: the evaluator's own rules, named in decisions like any other. */
export const BUILTIN = {
  unknownRecipient: 'builtin:unknown-recipient',
  originator: 'builtin:originator',
  suspended: 'builtin:recipient-suspended',
  tlpRed: 'builtin:tlp-red',
  releasability: 'builtin:releasability',
  notAddressed: 'builtin:not-addressed',
  defaultDeny: 'builtin:default-deny',
  amberStrict: 'builtin:amber-strict',
  h2Onward: 'builtin:h2-onward',
  victimIdentity: 'builtin:victim-identity',
  minorIdentity: 'builtin:minor-identity',
} as const;
export type BuiltinRuleId = (typeof BUILTIN)[keyof typeof BUILTIN];
