/**
 * Validates policy documents against the directory and the schema's field paths, then
 * compiles them into lookup structures: for each (originator jurisdiction, recipient)
 * the candidate rules already filtered by selector, with TLP / handling as ranks and
 * purposes as bitmasks, so one decision is a few integer comparisons.
 */
import { DomainError } from '@liaison/errors';
import { SUBJECT_IDENTITY_PATH, isSameOrAncestor } from './field-paths';
import {
  ACCREDITATIONS,
  AGENCY_ID_PATTERN,
  AGENCY_KINDS,
  HANDLING_CODES,
  MESSAGE_TYPES,
  PURPOSES,
  SUBJECT_ROLES,
  TLP_LEVELS,
  type Agency,
  type AgencyKind,
  type Directory,
  type OutboundRule,
  type PolicyDocument,
  type Purpose,
  type SubjectRole,
  type WithheldSubjectRole,
  type WithheldPath,
} from './policy-document';
import { NO_POLICY_VERSION, policyDocumentVersion, policyWorldVersion } from './policy-version';

export interface CompileOptions {
  /** Message types a rule may name; defaults to MESSAGE_TYPES from the domain. */
  readonly knownMessageTypes?: readonly string[];
}

export interface PolicyProblem {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** An agency as the evaluator sees it: groups resolved, flags precomputed. */
export interface ResolvedAgency {
  readonly agency: Agency;
  readonly id: string;
  readonly jurisdiction: string;
  readonly kind: AgencyKind;
  readonly groups: ReadonlySet<string>;
  readonly acceptedPurposeMask: number;
  readonly victimSupportAccredited: boolean;
  readonly minorProtectionAccredited: boolean;
  readonly suspended: boolean;
}

export interface CompiledDenyRule {
  readonly id: string;
  readonly allTypes: boolean;
  readonly types: ReadonlySet<string>;
  /** No purposes given: the deny applies whatever the message purposes (even none). */
  readonly anyPurpose: boolean;
  readonly purposeMask: number;
}

export interface CompiledShareRule {
  readonly id: string;
  readonly allTypes: boolean;
  readonly types: ReadonlySet<string>;
  readonly maxTlpRank: number;
  readonly maxHandlingRank: number;
  /** Rule purposes ∩ recipient accepted purposes. */
  readonly purposeMask: number;
  readonly withhold: readonly string[];
  readonly withholdSubjects: readonly SubjectRole[];
  /** Rule releases victim identity and the recipient is VICTIM_SUPPORT accredited. */
  readonly releasesVictim: boolean;
  /** Rule releases minor identity and the recipient is MINOR_PROTECTION accredited. */
  readonly releasesMinor: boolean;
  readonly onwardSharing: boolean;
  /** The rule names this recipient in to.agencies. */
  readonly direct: boolean;
  /** An addressed rule: applies only when the message names the recipient. */
  readonly addressed: boolean;
}

/** The rules of one originator jurisdiction that can address one recipient. */
export interface CandidateCell {
  readonly deny: readonly CompiledDenyRule[];
  readonly share: readonly CompiledShareRule[];
  /** Memo: matching-share-rule set → rule ids and merged withheld paths. */
  readonly combos: Map<number | string, ShareCombination>;
}

export interface ShareCombination {
  readonly ruleIds: readonly string[];
  readonly withheld: readonly WithheldPath[];
  readonly withheldSubjects: readonly WithheldSubjectRole[];
  /** rules + builtin:victim-identity / builtin:minor-identity, indexed by (victim?1:0)|(minor?2:0). */
  readonly rulesWithBuiltins: readonly (readonly string[])[];
}

export interface CompiledPolicySet {
  /** sha-256 over canonical documents + directory: changes whenever the compiled world does. */
  readonly worldVersion: string;
  /** The documents as compiled, each with its own content version (policyVersionOf). */
  readonly documents: readonly PolicyDocument[];
  readonly directory: Directory;
  readonly knownPaths: readonly string[];
  readonly agencies: readonly ResolvedAgency[];
  readonly agencyIndex: ReadonlyMap<string, number>;
  /** Originator jurisdiction → row in cells. */
  readonly jurisdictionIndex: ReadonlyMap<string, number>;
  /** cells[row * agencies.length + agencyIndex]. */
  readonly cells: readonly CandidateCell[];
  /**
   * Memo shared by all cells: (row, matching rule ids) → one ShareCombination, so every
   * recipient matched by the same rules gets the very same withheld arrays (and
   * planRedaction computes their plan once per message).
   */
  readonly combinations: Map<string, ShareCombination>;
}

export const TLP_RANK: Readonly<Record<string, number>> = Object.fromEntries(
  TLP_LEVELS.map((level, rank) => [level, rank]),
);
export const HANDLING_RANK: Readonly<Record<string, number>> = Object.fromEntries(
  HANDLING_CODES.map((code, rank) => [code, rank]),
);
export const PURPOSE_BIT: Readonly<Record<string, number>> = Object.fromEntries(
  PURPOSES.map((purpose, bit) => [purpose, 1 << bit]),
);
export const ALL_PURPOSES_MASK = (1 << PURPOSES.length) - 1;

export function purposeMaskOf(purposes: readonly string[] | undefined): number {
  let mask = 0;
  for (const purpose of purposes ?? []) mask |= PURPOSE_BIT[purpose] ?? 0;
  return mask;
}

/** Groups of an agency: those containing its jurisdiction plus its explicit ones. */
export function agencyGroups(agency: Agency, groups: Directory['groups']): Set<string> {
  const out = new Set<string>(agency.groups ?? []);
  for (const [group, members] of Object.entries(groups)) {
    if (members.includes(agency.jurisdiction)) out.add(group);
  }
  return out;
}

/** Whether a selector addresses an agency (see RecipientSelector). */
export function selectorMatches(
  rule: OutboundRule,
  agency: Agency,
  groupsOfAgency: ReadonlySet<string>,
): boolean {
  const to = rule.to;
  const kinds = to.kinds ?? [];
  if (kinds.length > 0 && !kinds.includes(agency.kind)) return false;
  const agencies = to.agencies ?? [];
  const jurisdictions = to.jurisdictions ?? [];
  const groups = to.groups ?? [];
  if (agencies.length === 0 && jurisdictions.length === 0 && groups.length === 0) {
    return kinds.length > 0;
  }
  return (
    agencies.includes(agency.id) ||
    jurisdictions.includes(agency.jurisdiction) ||
    groups.some((group) => groupsOfAgency.has(group))
  );
}

/** Every problem in the documents and directory; empty when they compile. */
export function validatePolicies(
  documents: readonly PolicyDocument[],
  directory: Directory,
  knownPaths: readonly string[],
  options: CompileOptions = {},
): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const problem = (code: string, message: string, details: Record<string, unknown>): void => {
    problems.push({ code, message, details });
  };
  const paths = new Set(knownPaths);
  const messageTypes = new Set(options.knownMessageTypes ?? MESSAGE_TYPES);
  const groupNames = new Set(Object.keys(directory.groups));
  const jurisdictions = new Set<string>();
  for (const members of Object.values(directory.groups))
    members.forEach((j) => jurisdictions.add(j));

  const agencyIds = new Set<string>();
  for (const agency of directory.agencies) {
    jurisdictions.add(agency.jurisdiction);
    if (!AGENCY_ID_PATTERN.test(agency.id)) {
      problem(
        'policy.invalid-agency',
        `Agency id "${agency.id}" does not match ${String(AGENCY_ID_PATTERN)}`,
        { agency: agency.id },
      );
    }
    if (agencyIds.has(agency.id)) {
      problem('policy.duplicate-agency', `Agency "${agency.id}" appears twice in the directory`, {
        agency: agency.id,
      });
    }
    agencyIds.add(agency.id);
    if (!(AGENCY_KINDS as readonly string[]).includes(agency.kind)) {
      problem('policy.invalid-agency', `Agency "${agency.id}" has unknown kind "${agency.kind}"`, {
        agency: agency.id,
        value: agency.kind,
      });
    }
    for (const group of agency.groups ?? []) {
      if (!groupNames.has(group)) {
        problem('policy.unknown-group', `Agency "${agency.id}" is in unknown group "${group}"`, {
          agency: agency.id,
          value: group,
        });
      }
    }
    for (const accreditation of agency.accreditations) {
      if (!(ACCREDITATIONS as readonly string[]).includes(accreditation)) {
        problem(
          'policy.invalid-agency',
          `Agency "${agency.id}" has unknown accreditation "${accreditation}"`,
          { agency: agency.id, value: accreditation },
        );
      }
    }
    for (const purpose of agency.acceptedPurposes) {
      if (!(PURPOSES as readonly string[]).includes(purpose)) {
        problem(
          'policy.invalid-agency',
          `Agency "${agency.id}" accepts unknown purpose "${purpose}"`,
          { agency: agency.id, value: purpose },
        );
      }
    }
    if (!Number.isInteger(agency.retentionDays) || agency.retentionDays < 0) {
      problem(
        'policy.invalid-agency',
        `Agency "${agency.id}" has invalid retentionDays ${String(agency.retentionDays)}`,
        { agency: agency.id, value: agency.retentionDays },
      );
    }
  }

  const seenDocs = new Set<string>();
  for (const document of documents) {
    const j = document.jurisdiction;
    if (seenDocs.has(j)) {
      problem('policy.duplicate-document', `Two policy documents for jurisdiction ${j}`, {
        jurisdiction: j,
      });
    }
    seenDocs.add(j);
    if (!jurisdictions.has(j)) {
      problem('policy.unknown-jurisdiction', `Policy document for unknown jurisdiction "${j}"`, {
        jurisdiction: j,
        value: j,
      });
    }
    const ruleIds = new Set<string>();
    for (const rule of document.outbound) {
      const at = (msg: string): string => `Rule ${rule.id} (${j}) ${msg}`;
      const details = (value: unknown): Record<string, unknown> => ({
        jurisdiction: j,
        ruleId: rule.id,
        value,
      });
      if (typeof rule.id !== 'string' || rule.id.length === 0) {
        problem('policy.invalid-rule', `A rule of ${j} has no id`, details(rule.id));
      }
      if (ruleIds.has(rule.id)) {
        problem('policy.duplicate-rule', at('is defined twice'), details(rule.id));
      }
      ruleIds.add(rule.id);
      if (rule.id.startsWith('builtin:')) {
        problem('policy.invalid-rule', at('uses the reserved prefix "builtin:"'), details(rule.id));
      }
      if (rule.effect !== 'share' && rule.effect !== 'deny') {
        problem(
          'policy.invalid-rule',
          at(`has unknown effect "${String(rule.effect)}"`),
          details(rule.effect),
        );
      }
      const to = rule.to;
      const targets =
        (to.agencies?.length ?? 0) +
        (to.jurisdictions?.length ?? 0) +
        (to.groups?.length ?? 0) +
        (to.kinds?.length ?? 0);
      if (targets === 0)
        problem('policy.invalid-rule', at('addresses nobody (empty "to")'), details(to));
      for (const agency of to.agencies ?? []) {
        if (!agencyIds.has(agency))
          problem('policy.unknown-agency', at(`names unknown agency "${agency}"`), details(agency));
      }
      for (const jurisdiction of to.jurisdictions ?? []) {
        if (!jurisdictions.has(jurisdiction))
          problem(
            'policy.unknown-jurisdiction',
            at(`names unknown jurisdiction "${jurisdiction}"`),
            details(jurisdiction),
          );
      }
      for (const group of to.groups ?? []) {
        if (!groupNames.has(group))
          problem('policy.unknown-group', at(`names unknown group "${group}"`), details(group));
      }
      for (const kind of to.kinds ?? []) {
        if (!(AGENCY_KINDS as readonly string[]).includes(kind))
          problem('policy.invalid-rule', at(`names unknown agency kind "${kind}"`), details(kind));
      }
      const types = rule.messageTypes ?? '*';
      if (types !== '*') {
        if (!Array.isArray(types) || types.length === 0) {
          problem(
            'policy.invalid-rule',
            at('has an empty messageTypes list (use "*")'),
            details(types),
          );
        } else {
          const list: readonly string[] = types;
          for (const type of list) {
            if (!messageTypes.has(type))
              problem(
                'policy.unknown-message-type',
                at(`names unknown message type "${type}"`),
                details(type),
              );
          }
        }
      }
      for (const purpose of rule.purposes ?? []) {
        if (!(PURPOSES as readonly string[]).includes(purpose))
          problem(
            'policy.invalid-rule',
            at(`names unknown purpose "${purpose}"`),
            details(purpose),
          );
      }
      for (const path of rule.withhold ?? []) {
        if (!paths.has(path))
          problem(
            'policy.unknown-path',
            at(`withholds unknown field path "${path}"`),
            details(path),
          );
      }
      for (const role of rule.withholdSubjects ?? []) {
        if (!(SUBJECT_ROLES as readonly string[]).includes(role)) {
          problem(
            'policy.invalid-rule',
            at(`withholds unknown subject role "${role}"`),
            details(role),
          );
        }
      }
      if (rule.effect === 'share') {
        if (
          rule.releaseVictimIdentity === true &&
          (rule.withholdSubjects ?? []).includes('VICTIM')
        ) {
          problem(
            'policy.contradiction',
            at('both withholds VICTIM subjects and releases victim identity'),
            details('VICTIM'),
          );
        }
        if (rule.maxTlp === undefined || !(TLP_LEVELS as readonly string[]).includes(rule.maxTlp)) {
          problem(
            'policy.invalid-rule',
            at(`needs a valid maxTlp, got "${String(rule.maxTlp)}"`),
            details(rule.maxTlp),
          );
        }
        if (
          rule.maxHandlingCode === undefined ||
          !(HANDLING_CODES as readonly string[]).includes(rule.maxHandlingCode)
        ) {
          problem(
            'policy.invalid-rule',
            at(`needs a valid maxHandlingCode, got "${String(rule.maxHandlingCode)}"`),
            details(rule.maxHandlingCode),
          );
        }
        if ((rule.purposes ?? []).length === 0)
          problem(
            'policy.invalid-rule',
            at('shares for no purpose (purposes is empty)'),
            details(rule.purposes),
          );
        if (rule.maxTlp === 'RED' && rule.addressed !== true)
          problem(
            'policy.invalid-rule',
            at(
              'carries TLP:RED but is a broadcast rule (RED is shared by naming: addressed: true)',
            ),
            details(rule.maxTlp),
          );
        const releases = rule.releaseVictimIdentity === true || rule.releaseMinorIdentity === true;
        if (releases) {
          for (const path of rule.withhold ?? []) {
            if (isSameOrAncestor(path, SUBJECT_IDENTITY_PATH)) {
              problem(
                'policy.contradiction',
                at(`both withholds "${path}" and releases subject identity`),
                details(path),
              );
            }
          }
        }
      } else if (rule.effect === 'deny') {
        const extras = (
          [
            'maxTlp',
            'maxHandlingCode',
            'withhold',
            'withholdSubjects',
            'releaseVictimIdentity',
            'releaseMinorIdentity',
            'onwardSharing',
            'addressed',
          ] as const
        ).filter((key) => rule[key] !== undefined);
        if (extras.length > 0)
          problem(
            'policy.invalid-rule',
            at(`is a deny rule but sets ${extras.join(', ')}`),
            details(extras),
          );
      }
    }
    // A share and a deny rule with the same target and scope contradict each other.
    const scopeKey = (rule: OutboundRule): string =>
      JSON.stringify([
        [...(rule.to.agencies ?? [])].sort(),
        [...(rule.to.jurisdictions ?? [])].sort(),
        [...(rule.to.groups ?? [])].sort(),
        [...(rule.to.kinds ?? [])].sort(),
        rule.messageTypes === undefined || rule.messageTypes === '*'
          ? '*'
          : [...rule.messageTypes].sort(),
        rule.purposes === undefined ? [...PURPOSES].sort() : [...rule.purposes].sort(),
      ]);
    const denyByScope = new Map<string, string>();
    for (const rule of document.outbound)
      if (rule.effect === 'deny') denyByScope.set(scopeKey(rule), rule.id);
    for (const rule of document.outbound) {
      if (rule.effect !== 'share') continue;
      const deny = denyByScope.get(scopeKey(rule));
      if (deny !== undefined) {
        problem(
          'policy.contradiction',
          `Rule ${rule.id} (${j}) shares with exactly the target and scope that rule ${deny} denies`,
          {
            jurisdiction: j,
            ruleId: rule.id,
            value: deny,
          },
        );
      }
    }
  }
  return problems;
}

function resolveAgency(agency: Agency, directory: Directory): ResolvedAgency {
  return {
    agency,
    id: agency.id,
    jurisdiction: agency.jurisdiction,
    kind: agency.kind,
    groups: agencyGroups(agency, directory.groups),
    acceptedPurposeMask: purposeMaskOf(agency.acceptedPurposes),
    victimSupportAccredited: agency.accreditations.includes('VICTIM_SUPPORT'),
    minorProtectionAccredited: agency.accreditations.includes('MINOR_PROTECTION'),
    suspended: agency.suspended === true,
  };
}

/**
 * Validate and compile. Throws the first problem as a DomainError (its details list
 * every problem found, so an author can fix them all in one pass).
 */
export function compilePolicies(
  documents: readonly PolicyDocument[],
  directory: Directory,
  knownPaths: readonly string[],
  options: CompileOptions = {},
): CompiledPolicySet {
  const problems = validatePolicies(documents, directory, knownPaths, options);
  const first = problems[0];
  if (first !== undefined) {
    throw new DomainError(first.code, first.message, 'invalid-input', {
      ...first.details,
      problems: problems.map(({ code, message }) => ({ code, message })),
    });
  }
  const agencies = directory.agencies.map((agency) => resolveAgency(agency, directory));
  const agencyIndex = new Map(agencies.map((agency, index) => [agency.id, index]));
  const jurisdictionIndex = new Map(documents.map((doc, row) => [doc.jurisdiction, row]));
  const cells: CandidateCell[] = [];
  for (const document of documents) {
    for (const recipient of agencies) {
      const deny: CompiledDenyRule[] = [];
      const share: CompiledShareRule[] = [];
      for (const rule of document.outbound) {
        if (!selectorMatches(rule, recipient.agency, recipient.groups)) continue;
        const types = rule.messageTypes ?? '*';
        const allTypes = types === '*';
        const typeSet = new Set<string>(allTypes ? [] : types);
        if (rule.effect === 'deny') {
          const purposeMask =
            rule.purposes === undefined ? ALL_PURPOSES_MASK : purposeMaskOf(rule.purposes);
          deny.push({
            id: rule.id,
            allTypes,
            types: typeSet,
            anyPurpose: rule.purposes === undefined,
            purposeMask,
          });
          continue;
        }
        const purposeMask = purposeMaskOf(rule.purposes) & recipient.acceptedPurposeMask;
        if (purposeMask === 0) continue; // can never apply to this recipient
        share.push({
          id: rule.id,
          allTypes,
          types: typeSet,
          maxTlpRank: TLP_RANK[rule.maxTlp ?? 'CLEAR'] ?? 0,
          maxHandlingRank: HANDLING_RANK[rule.maxHandlingCode ?? 'H0'] ?? 0,
          purposeMask,
          withhold: [...new Set(rule.withhold ?? [])],
          withholdSubjects: [...new Set(rule.withholdSubjects ?? [])],
          releasesVictim: rule.releaseVictimIdentity === true && recipient.victimSupportAccredited,
          releasesMinor: rule.releaseMinorIdentity === true && recipient.minorProtectionAccredited,
          onwardSharing: rule.onwardSharing === true,
          direct: (rule.to.agencies ?? []).includes(recipient.id),
          addressed: rule.addressed === true,
        });
      }
      cells.push({ deny, share, combos: new Map() });
    }
  }
  return {
    worldVersion: policyWorldVersion(documents, directory),
    documents: documents.map((doc) => ({ ...doc, version: policyDocumentVersion(doc) })),
    directory,
    knownPaths: [...knownPaths],
    agencies,
    agencyIndex,
    jurisdictionIndex,
    cells,
    combinations: new Map(),
  };
}

/** Purposes as a list, for docs and dry-run output. */
export function purposesOfMask(mask: number): Purpose[] {
  return PURPOSES.filter((purpose) => ((PURPOSE_BIT[purpose] ?? 0) & mask) !== 0);
}

/**
 * The policy version a message of this originator jurisdiction is decided under:
 * its jurisdiction's document version (only that document's rules apply), or
 * NO_POLICY_VERSION when the jurisdiction has no document.
 */
export function policyVersionOf(set: CompiledPolicySet, jurisdiction: string): string {
  const row = set.jurisdictionIndex.get(jurisdiction);
  return (row === undefined ? undefined : set.documents[row]?.version) ?? NO_POLICY_VERSION;
}
