/**
 * The gateway's feed listener against the real PostgreSQL: when the server
 * ends its session (a restart, an administrator), the listener is lost once,
 * whatever errors the client emits, so the gateway opens one new listener and
 * never leaves an orphaned one behind.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openFeedListener } from '@liaison/persistence';
import { testConfig } from '../support/stack';

jest.setTimeout(60_000);

describe('feed listener', () => {
  it('is lost once when the server terminates its session, and leaves no session behind', async () => {
    const url = testConfig().database.url;
    const name = `feed-listener-${randomUUID().slice(0, 8)}`;
    const lost: unknown[] = [];
    await openFeedListener({
      databaseUrl: url,
      applicationName: name,
      onAppended: () => undefined,
      onLost: (error) => lost.push(error),
    });
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      const sessions = async (): Promise<number> =>
        Number(
          (
            await admin.query<{ n: string }>(
              'SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1',
              [name],
            )
          ).rows[0]?.n,
        );
      expect(await sessions()).toBe(1);
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [name],
      );
      const deadline = Date.now() + 10_000;
      while (lost.length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      // Both of the client's errors have arrived by now.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(lost).toHaveLength(1);
      expect(await sessions()).toBe(0);
    } finally {
      await admin.end();
    }
  });
});
