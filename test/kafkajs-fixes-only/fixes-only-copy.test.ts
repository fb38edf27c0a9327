/**
 * This project runs on kafkajs with only the patch's correctness hunks
 * (test/support/kafkajs-fixes-only.ts): `kafkajs` resolves to that copy, whose
 * correctness files are the installed (patched) ones and whose other patched
 * files are kafkajs' own again.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CORRECTNESS_FILES, patchSections } from '../support/kafkajs-fixes-only';

const installed = path.resolve(__dirname, '../../node_modules/kafkajs');
/** The copy this project's moduleNameMapper sends `kafkajs` to (jest.config.js). */
const copy = path.dirname(require.resolve('kafkajs'));
const read = (dir: string, file: string): string => readFileSync(path.join(dir, file), 'utf8');

describe('kafkajs with the correctness fixes only', () => {
  it('is what `kafkajs` resolves to here, for the package and its internals', () => {
    expect(copy).not.toBe(installed);
    expect(copy).toMatch(/liaison-kafkajs-fixes-only-[0-9a-f]{12}\/node_modules\/kafkajs$/);
    expect(require.resolve('kafkajs/src/protocol/encoder')).toBe(
      path.join(copy, 'src/protocol/encoder.js'),
    );
  });

  it('takes out exactly the hunks ADR 0007 gives as speed', () => {
    const adr = readFileSync(
      path.resolve(__dirname, '../../docs/adr/0007-kafkajs-patched-for-read-committed.md'),
      'utf8',
    );
    const rowOf = (file: string): string =>
      adr.split('\n').find((line) => line.startsWith('|') && line.includes(`\`${file}\``)) ?? '';
    for (const file of patchSections().keys()) {
      const row = rowOf(file);
      expect(row).not.toBe('');
      expect(row.includes('| Speed')).toBe(!CORRECTNESS_FILES.includes(file));
    }
  });

  it('keeps the correctness hunks and has every other hunk of the patch taken out', () => {
    const files = [...patchSections().keys()];
    const speed = files.filter((f) => !CORRECTNESS_FILES.includes(f));
    expect(files).toEqual(expect.arrayContaining([...CORRECTNESS_FILES]));
    expect(speed.length).toBeGreaterThan(0);
    for (const file of CORRECTNESS_FILES) {
      expect(read(copy, file)).toBe(read(installed, file));
    }
    for (const file of speed) {
      expect(read(copy, file)).not.toBe(read(installed, file));
      expect(read(copy, file)).not.toMatch(/Liaison patch|@node-rs\/crc32/);
    }
  });
});
