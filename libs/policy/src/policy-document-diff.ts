/**
 * Rule-level diff of two policy documents of one jurisdiction: which outbound and
 * links rules a draft adds, removes or changes (by rule id), for the approver to
 * read next to the effect-level diff (replayDraft). Pure.
 */
import { canonicalJson } from '@liaison/crypto';
import type { OutboundRule, PolicyDocument } from './policy-document';
import type { LinksRule } from '@liaison/links';

export type PolicySection = 'outbound' | 'links';
type AnyRule = OutboundRule | LinksRule;

export type RuleChange =
  | {
      readonly change: 'added';
      readonly section: PolicySection;
      readonly id: string;
      readonly after: AnyRule;
    }
  | {
      readonly change: 'removed';
      readonly section: PolicySection;
      readonly id: string;
      readonly before: AnyRule;
    }
  | {
      readonly change: 'changed';
      readonly section: PolicySection;
      readonly id: string;
      readonly before: AnyRule;
      readonly after: AnyRule;
      /** Rule members whose value differs, sorted (e.g. `maxTlp`, `withhold`). */
      readonly members: readonly string[];
    };

function sectionDiff(
  section: PolicySection,
  before: readonly AnyRule[],
  after: readonly AnyRule[],
): RuleChange[] {
  const old = new Map(before.map((r) => [r.id, r]));
  const now = new Map(after.map((r) => [r.id, r]));
  const changes: RuleChange[] = [];
  for (const rule of after) {
    const previous = old.get(rule.id);
    if (previous === undefined) {
      changes.push({ change: 'added', section, id: rule.id, after: rule });
      continue;
    }
    const a = previous as unknown as Readonly<Record<string, unknown>>;
    const b = rule as unknown as Readonly<Record<string, unknown>>;
    const members = [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .filter((key) => canonicalJson(a[key] ?? null) !== canonicalJson(b[key] ?? null))
      .sort();
    if (members.length > 0) {
      changes.push({
        change: 'changed',
        section,
        id: rule.id,
        before: previous,
        after: rule,
        members,
      });
    }
  }
  for (const rule of before) {
    if (!now.has(rule.id)) changes.push({ change: 'removed', section, id: rule.id, before: rule });
  }
  return changes;
}

/** The rules `after` adds, changes or removes compared with `before` (none: a new jurisdiction). */
export function diffPolicyDocuments(
  before: PolicyDocument | undefined,
  after: PolicyDocument,
): RuleChange[] {
  return [
    ...sectionDiff('outbound', before?.outbound ?? [], after.outbound),
    ...sectionDiff('links', before?.links ?? [], after.links ?? []),
  ];
}
