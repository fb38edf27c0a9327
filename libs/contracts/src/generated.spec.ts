import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateContracts } from '../codegen/generate';
import { REPO_ROOT } from './testing/examples';

// Regenerates from schemas/*.avsc in memory; a difference means someone edited a
// schema without running `npm run contracts:generate`, or edited generated output.
describe('generated files match the schemas', () => {
  const files = generateContracts(REPO_ROOT);

  it.each(files.map((f) => [f.path, f] as const))('%s is up to date', (_path, file) => {
    const committed = readFileSync(join(REPO_ROOT, file.path), 'utf8');
    expect(
      committed === file.content ? 'up to date' : 'stale: run npm run contracts:generate',
    ).toBe('up to date');
  });
});
