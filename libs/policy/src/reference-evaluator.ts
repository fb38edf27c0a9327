/**
 * The executable specification of docs/policy.md: a direct rule scan over the raw
 * documents and directory, no precomputation. Slow on purpose (it is the benchmark
 * baseline); property tests check the compiled evaluator gives identical decisions.
 */
import { agencyGroups, selectorMatches } from './compile-policies';
import { pathAndAncestors } from './field-paths';
import {
  BUILTIN,
  IDENTITY_RELEASE_PURPOSES,
  TLP_LEVELS,
  HANDLING_CODES,
  isAddressedNotice,
  type Directory,
  type DisclosureSlot,
  type MessageFacts,
  type OutboundRule,
  type PolicyDocument,
  type Purpose,
  type RecipientDecision,
  type WithheldPath,
  type WithheldSubjectRole,
} from './policy-document';

function rank<T extends string>(levels: readonly T[], value: T | undefined): number {
  return value === undefined ? -1 : levels.indexOf(value);
}

function typeMatches(rule: OutboundRule, messageType: string): boolean {
  const types = rule.messageTypes ?? '*';
  return types === '*' || types.includes(messageType);
}

export function referenceDecide(
  documents: readonly PolicyDocument[],
  directory: Directory,
  policyVersion: string,
  facts: MessageFacts,
  recipientId: string,
): RecipientDecision {
  const deny = (rules: string[]): RecipientDecision => ({
    recipient: recipientId,
    outcome: 'DENIED',
    rules,
    withheld: [],
    withheldSubjects: [],
    victimIdentityReleased: false,
    minorIdentityReleased: false,
    policyVersion,
  });
  const agency = directory.agencies.find((a) => a.id === recipientId);
  if (agency === undefined) return deny([BUILTIN.unknownRecipient]);
  if (agency.id === facts.originatorAgency) return deny([BUILTIN.originator]);
  if (agency.suspended === true) return deny([BUILTIN.suspended]);
  if (facts.tlp === 'RED' && !facts.namedRecipients.includes(agency.id)) {
    return deny([BUILTIN.tlpRed]);
  }
  if (facts.releasableTo.length > 0 && !facts.releasableTo.includes(agency.id)) {
    return deny([BUILTIN.releasability]);
  }
  const named = facts.addressedTo.includes(agency.id);
  const addressedNotice = isAddressedNotice(facts);
  if (addressedNotice && !named) return deny([BUILTIN.notAddressed]);
  const groups = agencyGroups(agency, directory.groups);
  const rules =
    documents.find((d) => d.jurisdiction === facts.originatorJurisdiction)?.outbound ?? [];
  const addressed = rules.filter(
    (rule) => selectorMatches(rule, agency, groups) && typeMatches(rule, facts.messageType),
  );

  const denyIds = addressed
    .filter((rule) => rule.effect === 'deny')
    .filter(
      (rule) =>
        rule.purposes === undefined || rule.purposes.some((p) => facts.purposes.includes(p)),
    )
    .map((rule) => rule.id);
  if (denyIds.length > 0) return deny(denyIds);

  const fitting = (rule: OutboundRule): Purpose[] =>
    (rule.purposes ?? []).filter(
      (p) => facts.purposes.includes(p) && agency.acceptedPurposes.includes(p),
    );
  const matching = addressed.filter(
    (rule) =>
      rule.effect === 'share' &&
      (rule.addressed === true ? named : !addressedNotice) &&
      rank(TLP_LEVELS, facts.tlp) <= rank(TLP_LEVELS, rule.maxTlp) &&
      rank(HANDLING_CODES, facts.handlingCode) <= rank(HANDLING_CODES, rule.maxHandlingCode) &&
      fitting(rule).length > 0,
  );
  if (matching.length === 0) return deny([BUILTIN.defaultDeny]);

  if (facts.tlp === 'AMBER+STRICT') {
    const directlyTargeted =
      facts.namedRecipients.includes(agency.id) ||
      named ||
      matching.some((rule) => (rule.to.agencies ?? []).includes(agency.id));
    if (agency.kind === 'INTERNATIONAL_HUB' || !directlyTargeted)
      return deny([BUILTIN.amberStrict]);
  }
  if (facts.handlingCode === 'H2' && agency.kind === 'INTERNATIONAL_HUB') {
    const consented =
      matching.some((rule) => rule.onwardSharing === true) &&
      facts.releasableTo.includes(agency.id);
    if (!consented) return deny([BUILTIN.h2Onward]);
  }

  const withheld: WithheldPath[] = [];
  for (const rule of matching) {
    for (const path of rule.withhold ?? []) {
      if (!withheld.some((w) => w.path === path)) withheld.push({ path, ruleId: rule.id });
    }
  }
  const withheldSubjects: WithheldSubjectRole[] = [];
  for (const rule of matching) {
    for (const role of rule.withholdSubjects ?? []) {
      if (!withheldSubjects.some((w) => w.role === role))
        withheldSubjects.push({ role, ruleId: rule.id });
    }
  }
  const identityFits = (rule: OutboundRule): boolean =>
    fitting(rule).some((p) => IDENTITY_RELEASE_PURPOSES.includes(p));
  const victimIdentityReleased = matching.some(
    (rule) =>
      rule.releaseVictimIdentity === true &&
      agency.accreditations.includes('VICTIM_SUPPORT') &&
      identityFits(rule),
  );
  const minorIdentityReleased = matching.some(
    (rule) =>
      rule.releaseMinorIdentity === true &&
      agency.accreditations.includes('MINOR_PROTECTION') &&
      identityFits(rule),
  );
  const ids = matching.map((rule) => rule.id);
  if (facts.hasVictim && !victimIdentityReleased) ids.push(BUILTIN.victimIdentity);
  if (facts.hasMinor && !minorIdentityReleased) ids.push(BUILTIN.minorIdentity);
  const redacted =
    withheld.length > 0 ||
    withheldSubjects.length > 0 ||
    (facts.hasVictim && !victimIdentityReleased) ||
    (facts.hasMinor && !minorIdentityReleased);
  return {
    recipient: agency.id,
    outcome: redacted ? 'REDACTED' : 'FULL',
    rules: ids,
    withheld,
    withheldSubjects,
    victimIdentityReleased,
    minorIdentityReleased,
    policyVersion,
  };
}

export function referenceDecideAll(
  documents: readonly PolicyDocument[],
  directory: Directory,
  policyVersion: string,
  facts: MessageFacts,
): RecipientDecision[] {
  return directory.agencies.map((agency) =>
    referenceDecide(documents, directory, policyVersion, facts, agency.id),
  );
}

/**
 * The redaction rules of planRedaction written out directly (string paths, a fresh
 * walk per call, no memo): the baseline the prepared planner is checked against.
 */
export function referencePlanRedaction(
  decision: RecipientDecision,
  catalogue: readonly DisclosureSlot[],
): {
  outcome: RecipientDecision['outcome'];
  disclosedIndices: number[];
  withheld: Array<WithheldPath & { index: number }>;
} {
  if (decision.outcome === 'DENIED')
    return { outcome: 'DENIED', disclosedIndices: [], withheld: [] };
  const byIndex = new Map(catalogue.map((slot) => [slot.index, slot]));
  const reasonOf = (slot: DisclosureSlot, depth: number): string | undefined => {
    if (depth > catalogue.length) return undefined;
    for (const path of pathAndAncestors(slot.schemaPath)) {
      const hit = decision.withheld.find((w) => w.path === path);
      if (hit !== undefined) return hit.ruleId;
    }
    const role = decision.withheldSubjects.find((w) => w.role === slot.subjectRole);
    if (role !== undefined) return role.ruleId;
    if (slot.subjectIdentity && slot.subjectRole === 'VICTIM' && !decision.victimIdentityReleased) {
      return BUILTIN.victimIdentity;
    }
    if (slot.subjectIdentity && slot.subjectMinor && !decision.minorIdentityReleased) {
      return BUILTIN.minorIdentity;
    }
    const parent = slot.parentIndex === null ? undefined : byIndex.get(slot.parentIndex);
    return parent === undefined ? undefined : reasonOf(parent, depth + 1);
  };
  const disclosedIndices: number[] = [];
  const withheld: Array<WithheldPath & { index: number }> = [];
  for (const slot of catalogue) {
    const ruleId = reasonOf(slot, 0);
    if (ruleId === undefined) disclosedIndices.push(slot.index);
    else withheld.push({ index: slot.index, path: slot.schemaPath, ruleId });
  }
  return { outcome: withheld.length === 0 ? 'FULL' : 'REDACTED', disclosedIndices, withheld };
}
