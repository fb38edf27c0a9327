/**
 * FeedService without PostgreSQL: pages from a stand-in query, the cursor
 * arithmetic, the per-agency stream cap and the release of a stream.
 */
import type { DataSource } from 'typeorm';
import { codecFor } from '@liaison/contracts';
import type { Logger } from '@liaison/observability';
import { SAMPLE_DELIVERY } from '../../../../libs/contracts/src/testing/deliveries';
import { errorOf as refusal } from '../../../../libs/contracts/src/testing/domain-error';
import { FeedService, parseCursor, parseLimit } from './feed.service';

const deliveryCodec = codecFor('Delivery');

interface Query {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** A data source whose only query returns `rows` and records what it was asked. */
function storeWith(rows: readonly { id: string; record: Buffer }[], queries: Query[]): DataSource {
  return {
    query: (sql: string, params: unknown[]) => {
      queries.push({ sql, params });
      return Promise.resolve(rows);
    },
  } as unknown as DataSource;
}

const log = { warn: () => undefined } as unknown as Logger;

describe('FeedService.page', () => {
  it('decodes the stored deliveries and moves the cursor to the last entry', async () => {
    const queries: Query[] = [];
    const record = deliveryCodec.encode(SAMPLE_DELIVERY);
    const feed = new FeedService(
      storeWith(
        [
          { id: '41', record },
          { id: '42', record },
        ],
        queries,
      ),
      'postgres://unused',
      log,
      4,
    );
    const page = await feed.page('de-bka', '40', 2);
    expect(page.entries.map((e) => e.cursor)).toEqual(['41', '42']);
    expect(page.entries[0]).toEqual({ cursor: '41', delivery: SAMPLE_DELIVERY });
    expect(page.nextCursor).toBe('42');
    expect(queries[0]?.params).toEqual(['de-bka', '40', 2]);
  });

  it('keeps the cursor where it was on an empty page', async () => {
    const feed = new FeedService(storeWith([], []), 'postgres://unused', log, 4);
    await expect(feed.page('de-bka', '7', 10)).resolves.toEqual({ entries: [], nextCursor: '7' });
  });

  it('names the entry when a stored record does not decode (a server fault)', async () => {
    const feed = new FeedService(
      storeWith([{ id: '9', record: Buffer.from('altered') }], []),
      'postgres://unused',
      log,
      4,
    );
    await expect(feed.page('de-bka', '0', 10)).rejects.toThrow(/feed entry 9 does not decode/);
  });
});

describe('FeedService streams', () => {
  it('refuses a stream beyond the agency cap until one is released', () => {
    const feed = new FeedService(storeWith([], []), 'postgres://unused', log, 2);
    const first = feed.openStream('de-bka', () => undefined);
    feed.openStream('de-bka', () => undefined);
    feed.openStream('fr-pn', () => undefined);
    expect(feed.openStreams()).toBe(3);
    const refused = refusal(() => feed.openStream('de-bka', () => undefined));
    expect([refused.code, refused.category]).toEqual(['feed.too-many-streams', 'rate-limited']);
    first();
    expect(feed.openStreams()).toBe(2);
    expect(() => feed.openStream('de-bka', () => undefined)).not.toThrow();
  });
});

describe('feed query parameters', () => {
  it('reads a cursor as a non-negative bigint, absent as 0', () => {
    expect(parseCursor(undefined)).toBe('0');
    expect(parseCursor('12345678901234567')).toBe('12345678901234567');
    expect(refusal(() => parseCursor('-1')).code).toBe('feed.bad-cursor');
    expect(refusal(() => parseCursor('9223372036854775808')).code).toBe('feed.bad-cursor');
    expect(refusal(() => parseCursor('1e3')).code).toBe('feed.bad-cursor');
  });

  it('reads a limit within 1..max, absent as the fallback', () => {
    expect(parseLimit(undefined)).toBe(100);
    expect(parseLimit('5')).toBe(5);
    expect(refusal(() => parseLimit('0')).code).toBe('feed.bad-limit');
    expect(refusal(() => parseLimit('1001')).code).toBe('feed.bad-limit');
  });
});
