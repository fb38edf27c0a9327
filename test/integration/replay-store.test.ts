/**
 * The policy worker's replay check against the real PostgreSQL, in a throwaway
 * database: a (issuer, jti) pair is accepted from the place it was first seen
 * (again after a crash), and is a replay from anywhere else, within one batch,
 * across batches and between workers checking at the same time.
 */
import type { DataSource } from 'typeorm';
import { ReplayStore, createDataSource } from '@liaison/persistence';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../apps/audit/src/testing/throwaway-database';
import { testConfig } from '../support/stack';

jest.setTimeout(120_000);

const EXPIRES = new Date(Date.now() + 3600_000);
const entry = (jti: string, source: string, issuer = 'ro-diicot') => ({
  issuer,
  jti,
  expiresAt: EXPIRES,
  source,
});
const key = (e: ReturnType<typeof entry>): string => `${e.issuer} ${e.jti} ${e.source}`;

describe('replay store', () => {
  const config = testConfig();
  let db: ThrowawayDatabase;
  let ds: DataSource;
  let store: ReplayStore;

  beforeAll(async () => {
    db = await createThrowawayDatabase(config.database.url, 'liaison_replay');
    ds = createDataSource({ url: db.url, poolSize: 8 });
    await ds.initialize();
    store = new ReplayStore(ds);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('accepts new pairs and records where each was first seen', async () => {
    const batch = [entry('a1', 'p0:1'), entry('a2', 'p0:2'), entry('a1', 'p0:1', 'de-bka')];
    expect(await store.rememberMany(batch)).toEqual(new Set());
    const rows = await ds.query<{ issuer: string; jti: string; source: string }[]>(
      `SELECT issuer, jti, source FROM seen_token WHERE jti IN ('a1', 'a2') ORDER BY issuer, jti`,
    );
    expect(rows).toEqual([
      { issuer: 'de-bka', jti: 'a1', source: 'p0:1' },
      { issuer: 'ro-diicot', jti: 'a1', source: 'p0:1' },
      { issuer: 'ro-diicot', jti: 'a2', source: 'p0:2' },
    ]);
  });

  it('accepts a re-delivery from the same place and refuses the same pair from elsewhere', async () => {
    await store.rememberMany([entry('b1', 'p1:10')]);
    const again = entry('b1', 'p1:10');
    const replay = entry('b1', 'p2:7');
    const fresh = entry('b2', 'p2:8');
    expect(await store.rememberMany([again, replay, fresh])).toEqual(new Set([key(replay)]));
    // The replay did not overwrite where the pair was first seen.
    expect(await store.rememberMany([again])).toEqual(new Set());
  });

  it('within one batch, the first occurrence wins and later ones from elsewhere are replays', async () => {
    const first = entry('c1', 'p3:1');
    const sameSource = entry('c1', 'p3:1');
    const later = entry('c1', 'p3:2');
    expect(await store.rememberMany([first, later, sameSource])).toEqual(new Set([key(later)]));
    const [row] = await ds.query<{ source: string }[]>(
      `SELECT source FROM seen_token WHERE jti = 'c1'`,
    );
    expect(row?.source).toBe('p3:1');
  });

  it('gives one winner when workers check the same pair at the same time', async () => {
    for (let round = 0; round < 10; round++) {
      const jti = `d${round}`;
      const contenders = Array.from({ length: 4 }, (_, i) => entry(jti, `w${i}:${round}`));
      const results = await Promise.all(contenders.map((e) => store.rememberMany([e])));
      const accepted = contenders.filter((e, i) => !results[i]?.has(key(e)));
      expect(accepted).toHaveLength(1);
      const [row] = await ds.query<{ source: string }[]>(
        `SELECT source FROM seen_token WHERE jti = $1`,
        [jti],
      );
      expect(row?.source).toBe(accepted[0]?.source);
    }
  });

  it('tells both a fenced worker and its successor, checking the same record at once, that it is new', async () => {
    for (let round = 0; round < 10; round++) {
      const same = entry(`f${round}`, `p6:${round}`);
      const results = await Promise.all(
        Array.from({ length: 4 }, () => store.rememberMany([same])),
      );
      expect(results).toEqual(results.map(() => new Set()));
    }
  });

  it('answers one pair: new, the same place again, and from elsewhere', async () => {
    expect(await store.remember('ro-diicot', 'g1', EXPIRES, 'request-1')).toBe(true);
    expect(await store.remember('ro-diicot', 'g1', EXPIRES, 'request-1')).toBe(true);
    expect(await store.remember('ro-diicot', 'g1', EXPIRES, 'request-2')).toBe(false);
  });

  it('answers a slice of 500 in one call', async () => {
    const batch = Array.from({ length: 500 }, (_, i) => entry(`e${i}`, `p4:${i}`));
    expect(await store.rememberMany(batch)).toEqual(new Set());
    const replayed = batch.map((e) => ({ ...e, source: `p5:${e.jti}` }));
    const replays = await store.rememberMany([...batch, ...replayed]);
    expect(replays).toEqual(new Set(replayed.map(key)));
  });
});
