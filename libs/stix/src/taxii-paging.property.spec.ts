import fc from 'fast-check';
import {
  filterKeyOf,
  readCollectionPage,
  type SequencedEntry,
  type StixObject,
  type TaxiiFilter,
} from '.';

const COLLECTION = '6f1e1c3a-9b1d-5c6e-8f2a-0b4c6d8e0f12';
const TYPES = ['report', 'identity', 'location', 'liaison-vehicle'] as const;

function fakeObject(n: number, type: string): StixObject {
  const hex = n.toString(16).padStart(12, '0');
  return { type, id: `${type}--00000000-0000-4000-8000-${hex}`, spec_version: '2.1' };
}

type Step = { append: readonly (readonly number[])[] } | { page: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    append: fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 4 }), {
      minLength: 1,
      maxLength: 5,
    }),
  }),
  fc.record({ page: fc.integer({ min: 1, max: 7 }) }),
);

describe('TAXII paging over a growing feed (property)', () => {
  it('paging while new deliveries arrive never skips or repeats an object, with or without filters', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 30 }),
        fc.option(fc.subarray([...TYPES], { minLength: 1 }), { nil: undefined }),
        fc.integer({ min: 1, max: 5 }),
        async (steps, types, batch) => {
          const shared = [fakeObject(1, 'identity'), fakeObject(2, 'marking-definition')];
          const feed: SequencedEntry[] = [];
          let counter = 100;
          let seq = 0;
          const read = (afterSeq: string, limit: number) =>
            Promise.resolve(feed.filter((e) => BigInt(e.seq) > BigInt(afterSeq)).slice(0, limit));
          const filter: TaxiiFilter = types ? { types: new Set(types) } : {};
          const seen: string[] = [];
          let next: string | undefined;
          const page = async (limit: number) => {
            const result = await readCollectionPage({
              collectionId: COLLECTION,
              shared,
              sharedDateAdded: 0,
              read,
              filter,
              filterKey: filterKeyOf(filter),
              limit,
              batch,
              ...(next === undefined ? {} : { next }),
            });
            seen.push(...result.items.map((i) => i.object.id));
            next = result.next ?? next;
            return result;
          };
          for (const s of steps) {
            if ('append' in s) {
              for (const kinds of s.append) {
                seq += 1 + (counter % 3); // ids have gaps, as a bigserial may
                feed.push({
                  seq: String(seq),
                  dateAdded: 1000 + seq,
                  objects: kinds.map((k) => fakeObject(counter++, TYPES[k]!)),
                });
              }
            } else {
              await page(s.page);
            }
          }
          for (;;) {
            const last = await page(3);
            if (!last.more && last.items.length === 0) break;
          }
          const all = [...shared, ...feed.flatMap((e) => e.objects)]
            .filter((o) => !types || (types as readonly string[]).includes(o.type))
            .map((o) => o.id);
          expect(seen).toEqual(all);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a next token is bound to its collection and filters', async () => {
    const read = () => Promise.resolve([]);
    const base = {
      shared: [fakeObject(1, 'identity'), fakeObject(2, 'identity')],
      sharedDateAdded: 0,
      read,
      limit: 1,
    };
    const first = await readCollectionPage({
      ...base,
      collectionId: COLLECTION,
      filter: {},
      filterKey: filterKeyOf({}),
    });
    expect(first.more).toBe(true);
    const other: TaxiiFilter = { types: new Set(['report']) };
    await expect(
      readCollectionPage({
        ...base,
        collectionId: COLLECTION,
        filter: other,
        filterKey: filterKeyOf(other),
        next: first.next,
      }),
    ).rejects.toMatchObject({ code: 'taxii.bad-next' });
    await expect(
      readCollectionPage({
        ...base,
        collectionId: 'another',
        filter: {},
        filterKey: filterKeyOf({}),
        next: first.next,
      }),
    ).rejects.toMatchObject({ code: 'taxii.bad-next' });
    await expect(
      readCollectionPage({
        ...base,
        collectionId: COLLECTION,
        filter: {},
        filterKey: filterKeyOf({}),
        next: 'e30',
      }),
    ).rejects.toMatchObject({ code: 'taxii.bad-next' });
  });
});
