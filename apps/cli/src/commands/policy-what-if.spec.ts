import { changeTable, replayLine, whatIfText, type WhatIfAnswer } from './policy-what-if';

const paused = {
  recipient: 'th-dsi',
  before: { outcome: 'REDACTED' as const, rules: ['NL-ASEAN-01'] },
  after: { outcome: 'DENIED' as const, rules: ['NL-TH-PAUSE-01'] },
  newlyDisclosed: [],
  newlyWithheld: [{ index: 3, path: 'vehicles[]', ruleId: 'NL-TH-PAUSE-01' }],
};

describe('what-if text', () => {
  it('says "no change" rather than printing nothing', () => {
    expect(changeTable([])).toEqual([
      'no change: every recipient gets the same outcome and the same fields',
    ]);
  });

  it('prints each changing recipient before -> after with the rules and fields', () => {
    const [head, row] = changeTable([paused]);
    expect(head).toMatch(/^recipient\s+before\s+after\s+fields$/);
    expect(row).toBe(
      'th-dsi          REDACTED  -> DENIED    rules NL-ASEAN-01 -> NL-TH-PAUSE-01; nothing delivered',
    );
    const narrowed = { ...paused, after: { outcome: 'REDACTED' as const, rules: ['NL-ASEAN-01'] } };
    expect(changeTable([narrowed])[1]).toBe(
      'th-dsi          REDACTED  -> REDACTED  now withheld: vehicles[] (NL-TH-PAUSE-01)',
    );
  });

  it('counts the replay and names the rule changes', () => {
    const answer: WhatIfAnswer = {
      jurisdiction: 'NL',
      changeId: null,
      last: 200,
      unreadable: 0,
      currentVersion: 'sha256:a',
      draftVersion: 'sha256:b',
      considered: 200,
      changed: 14,
      messages: [{ messageId: '', messageType: 'SUSPECT_MOVEMENT', changes: [paused] }],
      rules: [
        {
          change: 'added',
          section: 'outbound',
          id: 'NL-TH-PAUSE-01',
          after: { id: 'NL-TH-PAUSE-01', effect: 'deny', to: { agencies: ['th-dsi'] } },
        },
      ],
    };
    expect(replayLine(answer)).toBe('this draft would have changed 14 of the last 200 NL shares');
    expect(replayLine({ ...answer, considered: 3 })).toContain('the last 3 NL shares (all the hub');
    const text = whatIfText(answer);
    expect(text).toContain('  + outbound NL-TH-PAUSE-01');
    expect(text).toContain('(another agency) SUSPECT_MOVEMENT');
    expect(text.every((line) => line.trim() !== '')).toBe(true);
  });
});
