/**
 * Shape checks for policy data arriving as JSON (seed files, database rows, API
 * bodies): turns `unknown` into typed documents, or a DomainError naming the field.
 * Meaning (known agencies, paths, contradictions) is checked by compilePolicies.
 */
import { DomainError } from '@liaison/errors';
import { SELECTOR_KINDS, type LinksRule, type SelectorKind } from '@liaison/links';
import type {
  Agency,
  Directory,
  GroupMembership,
  OutboundRule,
  PolicyDocument,
} from './policy-document';

function fail(where: string, expected: string): never {
  throw new DomainError(
    'policy.invalid-document',
    `${where}: expected ${expected}`,
    'invalid-input',
    {
      where,
    },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, where: string): Record<string, unknown> {
  return isRecord(value) ? value : fail(where, 'an object');
}

function text(value: unknown, where: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fail(where, 'a non-empty string');
}

function texts(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) fail(where, 'an array of strings');
  return value.map((item, i) => text(item, `${where}[${i}]`));
}

function optionalTexts(value: unknown, where: string): string[] | undefined {
  return value === undefined ? undefined : texts(value, where);
}

function optionalBoolean(value: unknown, where: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  return fail(where, 'a boolean');
}

const DOCUMENT_FIELDS: ReadonlySet<string> = new Set([
  'jurisdiction',
  'version',
  'outbound',
  'links',
]);
const LINKS_RULE_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'to',
  'kinds',
  'possible',
  'description',
]);
const RULE_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'effect',
  'to',
  'messageTypes',
  'maxTlp',
  'maxHandlingCode',
  'purposes',
  'withhold',
  'withholdSubjects',
  'releaseVictimIdentity',
  'releaseMinorIdentity',
  'onwardSharing',
  'addressed',
  'description',
]);
const SELECTOR_FIELDS: ReadonlySet<string> = new Set([
  'agencies',
  'jurisdictions',
  'groups',
  'kinds',
]);

/**
 * Default deny for the policy language itself: a member this version does not know
 * (a misspelt `adressed`, a flag from a newer version) is refused, never ignored,
 * since ignoring it could turn a narrow rule into a broad one.
 */
function onlyKnownFields(
  value: Record<string, unknown>,
  known: ReadonlySet<string>,
  where: string,
): void {
  for (const key of Object.keys(value)) {
    if (known.has(key)) continue;
    throw new DomainError(
      'policy.invalid-document',
      `${where}.${key}: unknown field (known here: ${[...known].join(', ')})`,
      'invalid-input',
      { where: `${where}.${key}` },
    );
  }
}

function rule(value: unknown, where: string): OutboundRule {
  const r = record(value, where);
  onlyKnownFields(r, RULE_FIELDS, where);
  const to = record(r.to, `${where}.to`);
  onlyKnownFields(to, SELECTOR_FIELDS, `${where}.to`);
  const messageTypes =
    r.messageTypes === '*' ? '*' : optionalTexts(r.messageTypes, `${where}.messageTypes`);
  const out: Record<string, unknown> = {
    id: text(r.id, `${where}.id`),
    effect:
      r.effect === 'share' || r.effect === 'deny'
        ? r.effect
        : fail(`${where}.effect`, '"share" or "deny"'),
    to: {
      agencies: optionalTexts(to.agencies, `${where}.to.agencies`),
      jurisdictions: optionalTexts(to.jurisdictions, `${where}.to.jurisdictions`),
      groups: optionalTexts(to.groups, `${where}.to.groups`),
      kinds: optionalTexts(to.kinds, `${where}.to.kinds`),
    },
    messageTypes,
    maxTlp: r.maxTlp === undefined ? undefined : text(r.maxTlp, `${where}.maxTlp`),
    maxHandlingCode:
      r.maxHandlingCode === undefined
        ? undefined
        : text(r.maxHandlingCode, `${where}.maxHandlingCode`),
    purposes: optionalTexts(r.purposes, `${where}.purposes`),
    withhold: optionalTexts(r.withhold, `${where}.withhold`),
    withholdSubjects: optionalTexts(r.withholdSubjects, `${where}.withholdSubjects`),
    releaseVictimIdentity: optionalBoolean(
      r.releaseVictimIdentity,
      `${where}.releaseVictimIdentity`,
    ),
    releaseMinorIdentity: optionalBoolean(r.releaseMinorIdentity, `${where}.releaseMinorIdentity`),
    onwardSharing: optionalBoolean(r.onwardSharing, `${where}.onwardSharing`),
    addressed: optionalBoolean(r.addressed, `${where}.addressed`),
    description:
      r.description === undefined ? undefined : text(r.description, `${where}.description`),
  };
  // Drop absent members so canonical hashing and equality see the same object.
  const strip = (o: Record<string, unknown>): void => {
    for (const key of Object.keys(o)) if (o[key] === undefined) delete o[key];
  };
  strip(out.to as Record<string, unknown>);
  strip(out);
  // Values of enumerations (TLP, kinds, purposes) are checked by compilePolicies.
  return out as unknown as OutboundRule;
}

function selectorKinds(value: unknown, where: string): '*' | SelectorKind[] | undefined {
  if (value === undefined || value === '*') return value;
  return texts(value, where).map((kind, i) =>
    (SELECTOR_KINDS as readonly string[]).includes(kind)
      ? (kind as SelectorKind)
      : fail(`${where}[${i}]`, `a selector kind (${SELECTOR_KINDS.join(', ')})`),
  );
}

/** A `links` rule: who may learn of this jurisdiction's link hits (see @liaison/links). */
function linksRule(value: unknown, where: string): LinksRule {
  const r = record(value, where);
  onlyKnownFields(r, LINKS_RULE_FIELDS, where);
  const to = record(r.to, `${where}.to`);
  onlyKnownFields(to, SELECTOR_FIELDS, `${where}.to`);
  const out: Record<string, unknown> = {
    id: text(r.id, `${where}.id`),
    to: {
      agencies: optionalTexts(to.agencies, `${where}.to.agencies`),
      jurisdictions: optionalTexts(to.jurisdictions, `${where}.to.jurisdictions`),
      groups: optionalTexts(to.groups, `${where}.to.groups`),
      kinds: optionalTexts(to.kinds, `${where}.to.kinds`),
    },
    kinds: selectorKinds(r.kinds, `${where}.kinds`),
    possible: optionalBoolean(r.possible, `${where}.possible`),
    description:
      r.description === undefined ? undefined : text(r.description, `${where}.description`),
  };
  const strip = (o: Record<string, unknown>): void => {
    for (const key of Object.keys(o)) if (o[key] === undefined) delete o[key];
  };
  strip(out.to as Record<string, unknown>);
  strip(out);
  if (Object.keys(out.to as object).length === 0) {
    fail(`${where}.to`, 'at least one of agencies, jurisdictions, groups, kinds');
  }
  return out as unknown as LinksRule;
}

export function parsePolicyDocument(value: unknown): PolicyDocument {
  const doc = record(value, 'document');
  const jurisdiction = text(doc.jurisdiction, 'document.jurisdiction');
  onlyKnownFields(doc, DOCUMENT_FIELDS, 'document');
  if (!Array.isArray(doc.outbound)) fail(`${jurisdiction}.outbound`, 'an array of rules');
  const parsed: PolicyDocument = {
    jurisdiction,
    outbound: doc.outbound.map((r, i) => rule(r, `${jurisdiction}.outbound[${i}]`)),
  };
  if (doc.links === undefined) return parsed;
  if (!Array.isArray(doc.links)) fail(`${jurisdiction}.links`, 'an array of links rules');
  const links = doc.links.map((r, i) => linksRule(r, `${jurisdiction}.links[${i}]`));
  const ids = new Set<string>();
  for (const [i, r] of links.entries()) {
    if (ids.has(r.id))
      fail(`${jurisdiction}.links[${i}].id`, `a rule id not used before (${r.id})`);
    ids.add(r.id);
  }
  return { ...parsed, links };
}

export function parseGroups(value: unknown): GroupMembership {
  const groups = record(value, 'groups');
  return Object.fromEntries(
    Object.entries(groups).map(([name, members]) => [name, texts(members, `groups.${name}`)]),
  );
}

function agency(value: unknown, where: string): Agency {
  const a = record(value, where);
  const retentionDays =
    typeof a.retentionDays === 'number'
      ? a.retentionDays
      : fail(`${where}.retentionDays`, 'a number');
  const out: Record<string, unknown> = {
    id: text(a.id, `${where}.id`),
    name: text(a.name, `${where}.name`),
    jurisdiction: text(a.jurisdiction, `${where}.jurisdiction`),
    kind: text(a.kind, `${where}.kind`),
    groups: optionalTexts(a.groups, `${where}.groups`),
    accreditations: texts(a.accreditations ?? [], `${where}.accreditations`),
    acceptedPurposes: texts(a.acceptedPurposes, `${where}.acceptedPurposes`),
    retentionDays,
    suspended: optionalBoolean(a.suspended, `${where}.suspended`),
  };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as unknown as Agency;
}

/** directory.json is `{ "agencies": [...] }`; groups.json is `{ "EU": ["NL", ...], ... }`. */
export function parseDirectory(agenciesJson: unknown, groupsJson: unknown): Directory {
  const root = record(agenciesJson, 'directory');
  if (!Array.isArray(root.agencies)) fail('directory.agencies', 'an array');
  return {
    agencies: root.agencies.map((a, i) => agency(a, `directory.agencies[${i}]`)),
    groups: parseGroups(groupsJson),
  };
}
