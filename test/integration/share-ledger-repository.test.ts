/**
 * The share ledger's reads for the gateway's services against the real
 * PostgreSQL, in a throwaway database: the latest messages whose content is
 * still kept, newest first, only the agencies asked about, only alerts and
 * case notices.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource, recentShares } from '@liaison/persistence';
import {
  createThrowawayDatabase,
  type ThrowawayDatabase,
} from '../../apps/audit/src/testing/throwaway-database';
import { testConfig } from '../support/stack';

jest.setTimeout(120_000);

describe('share ledger reads', () => {
  const config = testConfig();
  let db: ThrowawayDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createThrowawayDatabase(config.database.url, 'liaison_sharereads');
    ds = createDataSource({ url: db.url, poolSize: 2 });
    await ds.initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** A submission received `minutesAgo`, with its content kept unless `kept` is false. */
  async function published(
    agency: string,
    kind: string,
    minutesAgo: number,
    kept = true,
  ): Promise<string> {
    const id = randomUUID();
    await ds.query(
      `INSERT INTO submission (message_id, originator_agency, kind, message_type, received_at)
       VALUES ($1, $2, $3, 'TEST', now() - make_interval(mins => $4))`,
      [id, agency, kind, minutesAgo],
    );
    if (kept) {
      await ds.query(
        `INSERT INTO message_content (message_id, sd_jwt, retain_until)
         VALUES ($1, $2, now() + interval '1 day')`,
        [id, `token-${id}`],
      );
    }
    return id;
  }

  it('reads the latest kept messages of the agencies asked about, newest first', async () => {
    const older = await published('nl-knp', 'ALERT', 30);
    const newer = await published('de-bka', 'CASE_NOTICE', 10);
    const newest = await published('nl-knp', 'ALERT', 5);
    await published('nl-knp', 'ALERT', 1, false); // content erased: nothing to replay
    await published('fr-pn', 'ALERT', 2); // not asked about
    await published('nl-knp', 'OTHER', 40); // neither an alert nor a case notice

    const shares = await recentShares(ds, ['nl-knp', 'de-bka'], 10);
    expect(shares).toEqual([
      { messageId: newest, kind: 'ALERT', originatorAgency: 'nl-knp', sdJwt: `token-${newest}` },
      {
        messageId: newer,
        kind: 'CASE_NOTICE',
        originatorAgency: 'de-bka',
        sdJwt: `token-${newer}`,
      },
      { messageId: older, kind: 'ALERT', originatorAgency: 'nl-knp', sdJwt: `token-${older}` },
    ]);
    expect((await recentShares(ds, ['nl-knp', 'de-bka'], 2)).map((s) => s.messageId)).toEqual([
      newest,
      newer,
    ]);
    expect(await recentShares(ds, [], 10)).toEqual([]);
  });
});
