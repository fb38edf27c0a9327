/** A case's timeline: clock notices put among the case's notices where they were raised. */
import { HUB_SENDER, mergeTimeline, type CaseTimelineEntry } from './case-timeline';

function notice(seq: number, at: string): CaseTimelineEntry {
  return {
    kind: 'NOTICE',
    seq: String(seq),
    messageId: `m-${seq}`,
    messageType: 'CASE_UPDATE',
    from: 'nl-knp',
    at,
    direction: 'SENT',
    decision: null,
    clockNotice: null,
  };
}

function clock(id: string, alert: 'DEADLINE_APPROACHING' | 'OVERDUE', at: string) {
  const entry: CaseTimelineEntry = {
    kind: 'CLOCK',
    seq: null,
    messageId: id,
    messageType: alert,
    from: HUB_SENDER,
    at,
    direction: 'RECEIVED',
    decision: null,
    clockNotice: {
      alert,
      requestId: 'r-1',
      requestedAgency: 'de-bka',
      clock: 'RESPONSE',
      dueAt: '2026-12-02T08:00:00.000Z',
    },
  };
  return entry;
}

const ids = (entries: readonly CaseTimelineEntry[]): string[] => entries.map((e) => e.messageId);

describe('mergeTimeline', () => {
  const notices = [
    notice(1, '2026-12-02T00:00:00.000Z'),
    notice(2, '2026-12-02T01:00:00.000Z'),
    notice(3, '2026-12-02T10:00:00.000Z'),
  ];

  it('puts each clock notice before the first notice dated after it, in raising order', () => {
    const merged = mergeTimeline(notices, [
      clock('c-overdue', 'OVERDUE', '2026-12-02T08:00:01.000Z'),
      clock('c-approaching', 'DEADLINE_APPROACHING', '2026-12-02T06:00:00.000Z'),
    ]);
    expect(ids(merged)).toEqual(['m-1', 'm-2', 'c-approaching', 'c-overdue', 'm-3']);
  });

  it('puts a clock notice raised after every notice last, and one at a notice instant after it', () => {
    expect(
      ids(
        mergeTimeline(notices, [
          clock('c-late', 'OVERDUE', '2026-12-03T00:00:00.000Z'),
          clock('c-same', 'DEADLINE_APPROACHING', '2026-12-02T01:00:00.000Z'),
        ]),
      ),
    ).toEqual(['m-1', 'm-2', 'c-same', 'm-3', 'c-late']);
  });

  it('keeps the notices in ledger order even where their instants are not', () => {
    const unordered = [
      notice(7, '2026-12-02T05:00:00.000Z'),
      notice(8, '2026-12-02T04:00:00.000Z'),
    ];
    expect(
      ids(mergeTimeline(unordered, [clock('c', 'OVERDUE', '2026-12-02T04:30:00.000Z')])),
    ).toEqual(['c', 'm-7', 'm-8']);
    expect(
      ids(mergeTimeline(unordered, [clock('c', 'OVERDUE', '2026-12-02T05:30:00.000Z')])),
    ).toEqual(['m-7', 'm-8', 'c']);
    expect(ids(mergeTimeline(unordered, []))).toEqual(['m-7', 'm-8']);
    expect(ids(mergeTimeline([], [clock('c', 'OVERDUE', '2026-12-02T04:30:00.000Z')]))).toEqual([
      'c',
    ]);
  });
});
