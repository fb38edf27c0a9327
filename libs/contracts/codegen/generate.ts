/**
 * Everything generated from `schemas/`, as (path, content) pairs relative to the
 * repository root. Used by the CLI to write and by the drift tests to compare.
 */
import { join } from 'node:path';
import { emitDocs } from './emit-docs';
import { emitSources } from './emit-sources';
import { emitTypes } from './emit-types';
import { loadSchemaSet } from './schema-files';

export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

export const GENERATED_PATHS = {
  types: 'libs/contracts/src/generated/types.ts',
  sources: 'libs/contracts/src/generated/schemas.ts',
  docs: 'docs/schemas.md',
} as const;

export function generateContracts(repoRoot: string): GeneratedFile[] {
  const { current, history } = loadSchemaSet(join(repoRoot, 'schemas'));
  return [
    { path: GENERATED_PATHS.types, content: emitTypes(current) },
    { path: GENERATED_PATHS.sources, content: emitSources(current, history) },
    { path: GENERATED_PATHS.docs, content: emitDocs(current, history) },
  ];
}
