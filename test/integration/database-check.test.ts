/**
 * The readiness check's database question against the real PostgreSQL: it
 * answers while the pool can reach the server and fails once it cannot.
 */
import { createDataSource } from '@liaison/persistence';
import { databaseCheck } from '@liaison/runtime';
import { testConfig } from '../support/stack';

jest.setTimeout(60_000);

describe('database readiness check', () => {
  it('passes on a live pool and fails on a closed one', async () => {
    const ds = createDataSource({ url: testConfig().database.url, poolSize: 1 });
    await ds.initialize();
    const check = databaseCheck(ds);
    expect(check.name).toBe('database');
    await expect(check.check()).resolves.toBeUndefined();
    await ds.destroy();
    await expect(check.check()).rejects.toThrow();
  });
});
