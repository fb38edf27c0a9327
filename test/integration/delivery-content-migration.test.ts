/**
 * The by-reference migration against the real PostgreSQL: presentations are
 * kept as disclosure indices after it, rows written before keep their text,
 * and undoing it rebuilds every text from the originator's token.
 */
import { randomUUID } from 'node:crypto';
import { presentationFromToken } from '@liaison/ledger';
import { migrationDatabase, migrationIndex } from '../support/migration-database';

jest.setTimeout(60_000);

const BY_REFERENCE = migrationIndex('DeliveryContentByReference1732340400000');
const TOKEN = 'aGVhZA.cGF5bG9hZA.c2ln~ZDA~ZDE~ZDI~ZDM~';

describe('delivery-content by-reference migration', () => {
  const db = migrationDatabase();
  const migrated = db.migrated;

  beforeAll(() => db.create());
  afterAll(() => db.drop());

  it('keeps old rows as text, new ones by reference, and rebuilds the text when undone', async () => {
    expect(BY_REFERENCE).toBeGreaterThan(0);
    const kept = randomUUID();
    const erased = randomUUID();
    const before = migrated(BY_REFERENCE);
    await before.initialize();
    try {
      await before.runMigrations({ transaction: 'each' });
      await before.query(
        `INSERT INTO message_content (message_id, sd_jwt, retain_until) VALUES ($1, $2, now() + interval '30 days')`,
        [kept, TOKEN],
      );
      await before.query(
        `INSERT INTO delivery_content (message_id, recipient_agency, presentation, retain_until)
         VALUES ($1, 'fr-ocrteh', $2, now() + interval '30 days')`,
        [kept, presentationFromToken(TOKEN, [1])],
      );
    } finally {
      await before.destroy();
    }

    const after = migrated(BY_REFERENCE + 1);
    await after.initialize();
    try {
      await after.runMigrations({ transaction: 'each' });
      const insert = (id: string, agency: string, indices: number[]) =>
        after.query(
          `INSERT INTO delivery_content (message_id, recipient_agency, disclosure_indices, retain_until)
           VALUES ($1, $2, $3, now() + interval '30 days')`,
          [id, agency, indices],
        );
      await insert(kept, 'de-bka', [0, 2, 3]);
      await insert(kept, 'nl-knp', []);
      // Its token is gone (erased): a row left behind by a purge in progress.
      await insert(erased, 'de-bka', [0]);
      await expect(
        after.query(
          `INSERT INTO delivery_content (message_id, recipient_agency, retain_until)
           VALUES ($1, 'be-fgp', now())`,
          [kept],
        ),
      ).rejects.toThrow(/delivery_content_has_content/);
      const old = await after.query<{ presentation: string | null; disclosure_indices: null }[]>(
        `SELECT presentation, disclosure_indices FROM delivery_content WHERE recipient_agency = 'fr-ocrteh'`,
      );
      expect(old).toEqual([
        { presentation: presentationFromToken(TOKEN, [1]), disclosure_indices: null },
      ]);

      await after.undoLastMigration({ transaction: 'each' });
      const rows = await after.query<{ recipient_agency: string; presentation: string }[]>(
        'SELECT recipient_agency, presentation FROM delivery_content ORDER BY recipient_agency',
      );
      expect(rows).toEqual([
        { recipient_agency: 'de-bka', presentation: presentationFromToken(TOKEN, [0, 2, 3]) },
        { recipient_agency: 'fr-ocrteh', presentation: presentationFromToken(TOKEN, [1]) },
        { recipient_agency: 'nl-knp', presentation: presentationFromToken(TOKEN, []) },
      ]);
      const columns = await after.query<{ column_name: string; is_nullable: string }[]>(
        `SELECT column_name, is_nullable FROM information_schema.columns
         WHERE table_name = 'delivery_content' AND column_name IN ('presentation', 'disclosure_indices')`,
      );
      expect(columns).toEqual([{ column_name: 'presentation', is_nullable: 'NO' }]);
    } finally {
      await after.destroy();
    }
  });
});
