import {
  BUILTIN,
  compilePolicies,
  diffDryRun,
  dryRun,
  policyDocumentVersion,
  policyVersionOf,
  replayDraft,
} from '@liaison/policy';
import { KNOWN_PATHS, catalogueWithSubjects, facts, loadSeed } from '../test/fixtures';

const seed = loadSeed();
const current = compilePolicies(seed.documents, seed.directory, KNOWN_PATHS);
const catalogue = catalogueWithSubjects();
const victimFacts = facts({
  messageType: 'VICTIM_AT_RISK',
  hasVictim: true,
  hasMinor: true,
  purposes: ['INVESTIGATION', 'VICTIM_SUPPORT'],
});

describe('dryRun', () => {
  it('lists, for every agency, outcome, rules and each field', () => {
    const report = dryRun(current, victimFacts, catalogue);
    expect(report.policyVersion).toBe(policyVersionOf(current, 'NL'));
    expect(report.recipients).toHaveLength(seed.directory.agencies.length);
    const ngo = report.recipients.find((r) => r.recipient === 'ngo-safehaven')!;
    expect(ngo.outcome).toBe('REDACTED');
    expect(ngo.fields.find((f) => f.path === 'financialIdentifiers[]')).toMatchObject({
      disclosed: false,
      ruleId: 'NL-NGO-01',
    });
    expect(
      ngo.fields.filter((f) => f.path === 'subjects[].identity.fullName').map((f) => f.disclosed),
    ).toEqual([true, true, false]);
    const hub = report.recipients.find((r) => r.recipient === 'int-hub')!;
    expect(hub.fields.every((f) => !f.disclosed && f.ruleId === 'NL-HUB-DENY-01')).toBe(true);
  });

  it('shows whom an addressed notice names and why everyone else is left out', () => {
    const request = facts({
      kind: 'CASE_NOTICE',
      messageType: 'ASSISTANCE_REQUEST',
      addressedTo: ['de-bka'],
    });
    const report = dryRun(current, request, catalogue);
    expect(report).toMatchObject({ addressedTo: ['de-bka'], addressedOnly: true });
    const byId = new Map(report.recipients.map((r) => [r.recipient, r]));
    // The catalogue holds a minor victim; de-bka is not MINOR_PROTECTION accredited.
    expect(byId.get('de-bka')).toMatchObject({ outcome: 'REDACTED', rules: ['NL-EU-ADDR-01'] });
    const fr = byId.get('fr-ocriest')!;
    expect(fr.rules).toEqual([BUILTIN.notAddressed]);
    expect(fr.fields.every((f) => !f.disclosed && f.ruleId === BUILTIN.notAddressed)).toBe(true);
    expect(dryRun(current, victimFacts, catalogue)).toMatchObject({
      addressedTo: [],
      addressedOnly: false,
    });
  });

  it('diffs a draft policy against the current one', () => {
    const draftDocs = seed.documents.map((d) =>
      d.jurisdiction === 'NL'
        ? {
            ...d,
            outbound: d.outbound.map((r) =>
              r.id === 'NL-NGO-01' ? { ...r, withhold: [...(r.withhold ?? []), 'locations[]'] } : r,
            ),
          }
        : d,
    );
    const draft = compilePolicies(draftDocs, seed.directory, KNOWN_PATHS);
    const diff = diffDryRun(current, draft, victimFacts, catalogue);
    expect(diff.draftVersion).not.toBe(diff.currentVersion);
    expect(diff.changes).toEqual([
      {
        recipient: 'ngo-safehaven',
        before: { outcome: 'REDACTED', rules: ['NL-NGO-01'] },
        after: { outcome: 'REDACTED', rules: ['NL-NGO-01'] },
        newlyDisclosed: [],
        newlyWithheld: [{ index: 19, path: 'locations[]', ruleId: 'NL-NGO-01' }],
      },
    ]);
    expect(BUILTIN.defaultDeny).toBe('builtin:default-deny');
  });

  it('replays a draft over earlier messages and counts those it would change', () => {
    const nlDraft = {
      ...seed.documents.find((d) => d.jurisdiction === 'NL')!,
      outbound: seed.documents
        .find((d) => d.jurisdiction === 'NL')!
        .outbound.map((r) =>
          r.id === 'NL-NGO-01' ? { ...r, withhold: [...(r.withhold ?? []), 'locations[]'] } : r,
        ),
    };
    const draft = compilePolicies(
      [...seed.documents.filter((d) => d.jurisdiction !== 'NL'), nlDraft],
      seed.directory,
      KNOWN_PATHS,
    );
    // The NGO rule covers victim alerts only: a route alert is unchanged.
    const route = facts({ messageType: 'TRAFFICKING_ROUTE' });
    const replay = replayDraft(current, draft, 'NL', [
      { messageId: 'm-1', facts: victimFacts, catalogue },
      { messageId: 'm-2', facts: route, catalogue },
      { messageId: 'm-3', facts: victimFacts, catalogue },
    ]);
    expect(replay).toMatchObject({
      currentVersion: policyVersionOf(current, 'NL'),
      draftVersion: policyDocumentVersion(nlDraft),
      considered: 3,
      changed: 2,
    });
    expect(replay.messages.map((m) => [m.messageId, m.messageType])).toEqual([
      ['m-1', 'VICTIM_AT_RISK'],
      ['m-3', 'VICTIM_AT_RISK'],
    ]);
    expect(
      replayDraft(current, current, 'NL', [{ messageId: 'm-1', facts: victimFacts, catalogue }]),
    ).toMatchObject({ considered: 1, changed: 0, messages: [] });
  });
});
