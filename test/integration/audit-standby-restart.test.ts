/**
 * The ledger writer's standby across a PostgreSQL restart, on a private
 * embedded PostgreSQL of this test's own (deploy/local/embedded-postgres.js on
 * a free port; the shared server is never restarted): a standby waiting for
 * the writer lock when the server restarts opens a new session and waits
 * again instead of giving up; the lock is free after the restart, so it takes
 * it with the tree as stored and writes; the former active writer, whose
 * session went with the restart, finds the lock taken at its next session
 * check (or batch): it is refused at once (its consumer then leaves the group
 * for the new holder instead of waiting inside a batch), and it waits for the
 * lock as a standby, outside any batch, and writes once the other lets go, on
 * the same contiguous chain.
 */
import { spawn } from 'node:child_process';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { rootOf } from '@liaison/crypto';
import { LEDGER_WRITER_LOCK, createDataSource } from '@liaison/persistence';
import { LedgerWriter, LedgerWriterLockLost } from '../../apps/audit/src/ledger-writer';
import { makeDecision } from '../../apps/audit/src/testing/decision-fixtures';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../apps/audit/src/testing/throwaway-database';
import { ROOT, freePort } from '../support/hub-processes';

jest.setTimeout(300_000);

const ORIGIN = { agency: 'ro-diicot', jurisdiction: 'RO' };
const OUTCOMES = [
  { agency: 'nl-knp', jurisdiction: 'NL', decision: 'REDACTED' as const },
  { agency: 'de-bka', jurisdiction: 'DE', decision: 'FULL' as const },
  { agency: 'th-dsi', jurisdiction: 'TH', decision: 'DENIED' as const },
];

function embedded(command: 'start' | 'stop' | 'destroy', port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['deploy/local/embedded-postgres.js', command, String(port)],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`embedded ${command}: ${code}\n${stderr}`)),
    );
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A promise's outcome so far, without waiting for it. */
function settled<T>(promise: Promise<T>): () => 'pending' | 'resolved' | 'rejected' {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  return () => state;
}

describe('the ledger writer standby across a PostgreSQL restart', () => {
  let port = 0;
  let db: ThrowawayDatabase;
  const sources: DataSource[] = [];
  const writers: LedgerWriter[] = [];

  const dataSource = async (): Promise<DataSource> => {
    const ds = createDataSource({ url: db.url, poolSize: 3 });
    await ds.initialize();
    sources.push(ds);
    return ds;
  };

  /** Sessions of this database holding (granted) or waiting for the writer lock. */
  const lockSessions = async (): Promise<{ pid: number; granted: boolean }[]> => {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const key = LEDGER_WRITER_LOCK;
      const rows = await client.query<{ pid: number; granted: boolean }>(
        `SELECT l.pid, l.granted FROM pg_locks l JOIN pg_database d ON d.oid = l.database
          WHERE l.locktype = 'advisory' AND d.datname = current_database()
            AND l.classid = $1 AND l.objid = $2`,
        [(key >> 32n).toString(), (key & 0xffffffffn).toString()],
      );
      return rows.rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    port = await freePort();
    await embedded('start', port);
    db = await createThrowawayDatabase(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
  });

  afterAll(async () => {
    for (const w of writers) await w.close().catch(() => undefined);
    for (const ds of sources) await ds.destroy().catch(() => undefined);
    if (port) await embedded('destroy', port);
  });

  it('waits again after the restart, takes the free lock with the stored tree, and the former active stands by until it is free', async () => {
    const active = await LedgerWriter.open(await dataSource());
    writers.push(active);
    const first = await makeDecision({ originator: ORIGIN, outcomes: OUTCOMES });
    expect(await active.ingest([first])).toMatchObject({ rowsWritten: 3, treeSize: 3 });

    const lost: unknown[] = [];
    const opening = LedgerWriter.open(await dataSource(), undefined, undefined, undefined, (e) =>
      lost.push(e),
    );
    const standbyState = settled(opening);
    await waitFor(async () => {
      const sessions = await lockSessions();
      return sessions.some((s) => !s.granted) ? true : undefined;
    });
    expect(standbyState()).toBe('pending');

    await embedded('stop', port);
    await embedded('start', port);

    // The restart ended both sessions: the standby's wait failed and it waits
    // again; nobody holds the lock now, so it gets it with the stored tree.
    const standby = await opening;
    writers.push(standby);
    expect(lost.length).toBeGreaterThan(0);
    expect(standby.treeSize).toBe(3);
    const second = await makeDecision({ originator: ORIGIN, outcomes: OUTCOMES });
    expect(await standby.ingest([second])).toMatchObject({ rowsWritten: 3, treeSize: 6 });

    // The former active writer, with no decision coming: its session check
    // between batches finds the session gone and the lock taken by the other,
    // so it steps down (refused, keeping no session) rather than waiting for
    // a batch to find out; its batches are refused from then on.
    await expect(active.checkSession()).rejects.toBeInstanceOf(LedgerWriterLockLost);
    expect(active.holdsLock).toBe(false);
    expect((await lockSessions()).map((s) => s.granted)).toEqual([true]);
    const third = await makeDecision({ originator: ORIGIN, outcomes: OUTCOMES });
    await expect(active.ingest([third])).rejects.toBeInstanceOf(LedgerWriterLockLost);

    // It waits for the lock as a standby, outside any batch; batches meanwhile
    // are refused, not queued behind the wait.
    const waiting = active.waitForLock();
    const waitState = settled(waiting);
    await waitFor(async () => {
      const sessions = await lockSessions();
      return sessions.length === 2 && sessions.some((s) => !s.granted) ? true : undefined;
    });
    expect(waitState()).toBe('pending');
    await expect(active.ingest([third])).rejects.toBeInstanceOf(LedgerWriterLockLost);

    await standby.close();
    await waiting;
    expect(active.holdsLock).toBe(true);
    expect(await active.ingest([third])).toMatchObject({ rowsWritten: 3, treeSize: 9 });

    const ds = sources[0] as DataSource;
    const stored = await ds.query<{ seq: string; leaf_hash: string }[]>(
      'SELECT seq, leaf_hash FROM share_ledger ORDER BY seq',
    );
    expect(stored.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const root = rootOf(stored.map((r) => Buffer.from(r.leaf_hash, 'hex'))).toString('hex');
    expect(active.head()).toEqual({ treeSize: 9, rootHash: root });
  });
});
