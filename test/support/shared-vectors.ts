/**
 * The public test suites the crypto specs run as they are published (Wycheproof
 * JOSE, the RFC 6962 Merkle test data). They live beside the project, in
 * `../shared/vectors`, or wherever `LIAISON_VECTORS_DIR` points: a clone made
 * elsewhere sets it. A missing folder fails the spec with this reason instead
 * of an ENOENT on the first file.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const PROJECT_ROOT = resolve(__dirname, '../..');

/** The folder `name` of the shared test vectors (e.g. `wycheproof`). */
export function sharedVectors(name: string): string {
  const root = process.env.LIAISON_VECTORS_DIR ?? resolve(PROJECT_ROOT, '../shared/vectors');
  const dir = resolve(root, name);
  if (!existsSync(dir)) {
    throw new Error(
      `test vectors not found at ${dir}: put the shared vectors beside the project ` +
        '(../shared/vectors) or set LIAISON_VECTORS_DIR to their folder',
    );
  }
  return dir;
}
