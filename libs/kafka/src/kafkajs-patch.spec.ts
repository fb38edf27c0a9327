/**
 * What the hub carries on top of kafkajs stays what ADR 0007 names: the patch
 * touches only the kafkajs files that record names, hunk group by hunk group.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const PATCH = path.resolve(__dirname, '../../../patches/kafkajs+2.2.4.patch');

/** The kafkajs files each hunk group of ADR 0007 changes. */
const NAMED_HUNKS: Readonly<Record<string, string>> = {
  'src/consumer/filterAbortedMessages.js': 'read_committed filter of aborted transactions',
  'src/producer/index.js': 'no EoS warning for a transactional producer',
  'src/producer/sendMessages.js': 'send retry: each partition written once',
  'src/protocol/encoder.js': 'encoding group',
  'src/network/connection.js': 'encoding group',
  'src/protocol/recordBatch/record/v0/index.js': 'encoding group',
  'src/protocol/recordBatch/v0/index.js': 'encoding group',
  'src/protocol/requests/produce/v3/request.js': 'encoding group',
  'src/protocol/recordBatch/crc32C/crc32C.js': 'encoding group',
  'src/protocol/recordBatch/crc32C/index.js': 'encoding group',
};

describe('patches/kafkajs+2.2.4.patch', () => {
  const patch = readFileSync(PATCH, 'utf8');
  const files = [...patch.matchAll(/^diff --git a\/node_modules\/kafkajs\/(\S+) /gm)].map(
    (m) => m[1],
  );

  it('changes only the files of the fixes ADR 0007 names', () => {
    expect(files.sort()).toEqual(Object.keys(NAMED_HUNKS).sort());
  });

  it('is named, file by file, in ADR 0007', () => {
    const adr = readFileSync(
      path.resolve(__dirname, '../../../docs/adr/0007-kafkajs-patched-for-read-committed.md'),
      'utf8',
    );
    for (const file of files) expect(adr).toContain(file ?? '');
  });
});
