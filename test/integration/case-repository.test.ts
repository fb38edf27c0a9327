/**
 * The case and feed repositories against the real PostgreSQL, in a throwaway
 * database: which cases an agency sees (taking part or invited), open cases,
 * clock notices recorded once and read by recipient, and a feed read that
 * never returns an entry while an earlier writer is still running.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { CaseState } from '@liaison/cases';
import {
  CaseRepository,
  FeedRepository,
  createDataSource,
  type NewClockNotice,
} from '@liaison/persistence';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../apps/audit/src/testing/throwaway-database';
import { testConfig } from '../support/stack';

jest.setTimeout(120_000);

/** Only the fields the queries look at; the state is stored as the writer would store it. */
const state = (caseRef: string, status: string, invited: string[]) =>
  ({ caseRef, status, invited }) as unknown as CaseState;

describe('case repository', () => {
  const config = testConfig();
  let db: ThrowawayDatabase;
  let ds: DataSource;
  let cases: CaseRepository;

  const store = async (s: CaseState, participants: string[], updatedAt: string): Promise<void> => {
    await ds.query(
      `INSERT INTO case_state (case_ref, state, participants, updated_at) VALUES ($1, $2, $3, $4)`,
      [(s as unknown as { caseRef: string }).caseRef, JSON.stringify(s), participants, updatedAt],
    );
  };

  beforeAll(async () => {
    db = await createThrowawayDatabase(config.database.url, 'liaison_cases');
    ds = createDataSource({ url: db.url, poolSize: 4 });
    await ds.initialize();
    cases = new CaseRepository(ds);
    await store(state('C-1', 'OPEN', []), ['nl-knp', 'de-bka'], '2026-12-01T10:00:00Z');
    await store(state('C-2', 'CLOSED', ['nl-knp']), ['ro-diicot'], '2026-12-01T12:00:00Z');
    await store(state('C-3', 'OPEN', []), ['ro-diicot', 'nl-knp'], '2026-12-01T11:00:00Z');
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('lists the cases an agency takes part in or is invited to, most recent first', async () => {
    const refs = async (agency: string, limit: number) =>
      (await cases.statesPageOf(agency, limit)).states.map(
        (s) => (s as unknown as { caseRef: string }).caseRef,
      );
    expect(await refs('nl-knp', 10)).toEqual(['C-2', 'C-3', 'C-1']);
    expect(await refs('nl-knp', 2)).toEqual(['C-2', 'C-3']);
    expect(await refs('de-bka', 10)).toEqual(['C-1']);
    expect(await refs('fr-ocrteh', 10)).toEqual([]);
  });

  it('pages the list: every case once, the total on each page, no next after the last', async () => {
    const seen: string[] = [];
    let after: Parameters<CaseRepository['statesPageOf']>[2];
    for (let pages = 1; ; pages++) {
      const page = await cases.statesPageOf('nl-knp', 1, after);
      expect(page.total).toBe(3);
      seen.push(...page.states.map((s) => (s as unknown as { caseRef: string }).caseRef));
      after = page.next;
      if (after === undefined) {
        expect(pages).toBe(3);
        break;
      }
    }
    expect(seen).toEqual(['C-2', 'C-3', 'C-1']);
    // Two cases changed in the same microsecond stay apart by reference.
    await store(state('C-4', 'CLOSED', []), ['de-bka'], '2026-12-01T10:00:00Z');
    const first = await cases.statesPageOf('de-bka', 1);
    const second = await cases.statesPageOf('de-bka', 1, first.next);
    expect(
      [...first.states, ...second.states].map((s) => (s as unknown as { caseRef: string }).caseRef),
    ).toEqual(['C-1', 'C-4']);
    expect(second.next).toBeUndefined();
  });

  it('names the cases an agency takes part in, invitations aside', async () => {
    expect(await cases.caseRefsOf('nl-knp')).toEqual(['C-1', 'C-3']);
    expect(await cases.caseRefsOf('ro-diicot')).toEqual(['C-2', 'C-3']);
  });

  it('reads one case, and every open one', async () => {
    expect(await cases.state('C-2')).toMatchObject({ caseRef: 'C-2', status: 'CLOSED' });
    expect(await cases.state('C-9')).toBeUndefined();
    const open = (await cases.openStates()).map(
      (s) => (s as unknown as { caseRef: string }).caseRef,
    );
    expect(open.sort()).toEqual(['C-1', 'C-3']);
  });

  it('records a clock notice once and reads it back for its recipient only', async () => {
    const notice: NewClockNotice = {
      noticeId: randomUUID(),
      recipientAgency: 'de-bka',
      alert: 'OVERDUE',
      caseRef: 'C-1',
      requestId: randomUUID(),
      requestedAgency: 'de-bka',
      clock: 'RESPONSE',
      dueAt: '2026-12-01T18:00:00.000Z',
      raisedAt: '2026-12-01T18:00:01.000Z',
    };
    const other = { ...notice, noticeId: randomUUID(), recipientAgency: 'nl-knp' };
    expect(await cases.recordClockNotices([notice, other])).toEqual(
      new Set([notice.noticeId, other.noticeId]),
    );
    expect(await cases.recordClockNotices([notice])).toEqual(new Set());
    expect(await cases.recordClockNotices([])).toEqual(new Set());
    expect(await cases.clockNoticesTo('C-1', 'de-bka')).toEqual([
      {
        noticeId: notice.noticeId,
        alert: 'OVERDUE',
        requestId: notice.requestId,
        requestedAgency: 'de-bka',
        clock: 'RESPONSE',
        dueAt: new Date(notice.dueAt),
        raisedAt: new Date(notice.raisedAt),
      },
    ]);
    expect(await cases.clockNoticesTo('C-3', 'de-bka')).toEqual([]);
  });
});

describe('feed repository', () => {
  const config = testConfig();
  let db: ThrowawayDatabase;
  let ds: DataSource;
  const insert = (runner: { query(sql: string, p: unknown[]): Promise<unknown> }, n: number) =>
    runner.query(
      `INSERT INTO feed_entry (agency_id, message_id, kafka_offset, record, entry_kind)
       VALUES ('nl-knp', $1, $2, $3, 'DELIVERY')`,
      [randomUUID(), n, Buffer.from([n])],
    );

  beforeAll(async () => {
    db = await createThrowawayDatabase(config.database.url, 'liaison_feedrepo');
    ds = createDataSource({ url: db.url, poolSize: 4 });
    await ds.initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('returns entries in id order, and none written after a writer still running', async () => {
    const feed = new FeedRepository(ds);
    await insert(ds, 1);
    await insert(ds, 2);
    const first = await feed.settledEntriesAfter('nl-knp', '0', 10);
    expect(first.map((e) => [e.record[0], e.entryKind])).toEqual([
      [1, 'DELIVERY'],
      [2, 'DELIVERY'],
    ]);
    expect(first[0]?.createdAt).toBeInstanceOf(Date);
    expect(await feed.settledEntriesAfter('nl-knp', first[0]?.id ?? '', 10)).toHaveLength(1);
    expect(await feed.settledEntriesAfter('de-bka', '0', 10)).toEqual([]);

    const slow = ds.createQueryRunner();
    await slow.connect();
    try {
      await slow.startTransaction();
      await insert(slow, 3);
      await insert(ds, 4);
      const during = await feed.settledEntriesAfter('nl-knp', '0', 10);
      expect(during.map((e) => e.record[0])).toEqual([1, 2]);
      await slow.commitTransaction();
    } finally {
      await slow.release();
    }
    const after = await feed.settledEntriesAfter('nl-knp', '0', 10);
    expect(after.map((e) => e.record[0])).toEqual([1, 2, 3, 4]);
    expect(await feed.settledEntriesAfter('nl-knp', '0', 3)).toHaveLength(3);
  });
});
