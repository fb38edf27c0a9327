/** The version `liaison --version` prints: the repository's package.json version. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { asJsonObject, parseStrictJson } from '@liaison/crypto';

/** package.json at the repository root, from the source or the compiled tree. */
function packageFile(): string {
  for (const up of ['../../..', '../../../..']) {
    const file = path.resolve(__dirname, up, 'package.json');
    try {
      readFileSync(file);
      return file;
    } catch {
      // not here; try one level up
    }
  }
  return path.resolve(__dirname, '../../../package.json');
}

export function cliVersion(): string {
  try {
    const version = asJsonObject(parseStrictJson(readFileSync(packageFile(), 'utf8')))?.version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}
