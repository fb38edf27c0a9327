/**
 * kafkajs with only the correctness hunks of patches/kafkajs+2.2.4.patch
 * (ADR 0007): a copy of the installed, patched kafkajs with every other hunk
 * of the patch taken back out (`git apply -R`). The `kafkajs-fixes-only` jest
 * project maps `kafkajs` to it and runs the Kafka conformance suite and the
 * worker's record shapes on it, showing that the hub needs nothing from the
 * patch's speed hunks. A hunk added to the patch is taken out here unless it
 * is named a correctness fix below.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
const PATCH = path.join(root, 'patches/kafkajs+2.2.4.patch');

/** The kafkajs files of the correctness fixes (and the false-alarm warning) ADR 0007 names. */
export const CORRECTNESS_FILES: readonly string[] = [
  'src/consumer/filterAbortedMessages.js',
  'src/producer/sendMessages.js',
  'src/producer/index.js',
];

/** The patch's per-file sections: kafkajs file -> its diff text. */
export function patchSections(): Map<string, string> {
  const text = readFileSync(PATCH, 'utf8');
  const sections = new Map<string, string>();
  for (const part of text.split(/^(?=diff --git )/m)) {
    const file = /^diff --git a\/node_modules\/kafkajs\/(\S+) /.exec(part)?.[1];
    if (file !== undefined) sections.set(file, part);
  }
  return sections;
}

/**
 * (Re)creates the copy at `target` (a `.../node_modules/kafkajs` directory:
 * jest.config.js names it, one per checkout) from the installed kafkajs.
 */
export function prepareFixesOnlyKafkajs(target: string): void {
  if (
    path.basename(target) !== 'kafkajs' ||
    path.basename(path.dirname(target)) !== 'node_modules'
  ) {
    throw new Error(`not a node_modules/kafkajs directory: ${target}`);
  }
  const copyRoot = path.dirname(path.dirname(target));
  rmSync(copyRoot, { recursive: true, force: true });
  mkdirSync(path.dirname(target), { recursive: true });
  cpSync(path.join(root, 'node_modules/kafkajs'), target, { recursive: true });
  const speed = [...patchSections()]
    .filter(([file]) => !CORRECTNESS_FILES.includes(file))
    .map(([, diff]) => diff);
  const reverse = path.join(copyRoot, 'speed-hunks.patch');
  writeFileSync(reverse, speed.join(''));
  execFileSync('git', ['apply', '-R', reverse], { cwd: copyRoot, stdio: 'inherit' });
}
