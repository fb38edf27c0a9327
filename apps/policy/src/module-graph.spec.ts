/**
 * What the workers load: their import graphs, followed from main.ts through
 * relative imports and the @liaison/* libs (the path map in tsconfig.json),
 * hold no package they never use. Each costs resident memory in every worker
 * process (@nestjs/swagger and its dependencies ~10 MB, the case calendars
 * with date-holidays ~15 MB).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../..');
const LIB_PATHS = (
  JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  }
).compilerOptions.paths;

function resolveFile(base: string): string | undefined {
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Every lib and package reached from `entry` by value imports (type-only imports load nothing). */
function importGraph(entry: string): { libs: Set<string>; packages: Set<string> } {
  const libs = new Set<string>();
  const packages = new Set<string>();
  const seen = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
      if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly) continue;
      if (ts.isExportDeclaration(statement) && statement.isTypeOnly) continue;
      const spec = statement.moduleSpecifier;
      if (spec === undefined || !ts.isStringLiteral(spec)) continue;
      const name = spec.text;
      const mapped = LIB_PATHS[name]?.[0];
      const target = name.startsWith('.')
        ? resolveFile(path.resolve(path.dirname(file), name))
        : mapped === undefined
          ? undefined
          : resolveFile(path.join(ROOT, mapped));
      if (mapped !== undefined) libs.add(name);
      if (target !== undefined) pending.push(target);
      else if (!name.startsWith('.') && mapped === undefined) {
        packages.add(
          name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!,
        );
      }
    }
  }
  return { libs, packages };
}

describe('the workers load only what they use', () => {
  const policy = importGraph(path.join(ROOT, 'apps/policy/src/main.ts'));
  const audit = importGraph(path.join(ROOT, 'apps/audit/src/main.ts'));

  it('follows the graph into the libs and their packages', () => {
    expect([...policy.libs]).toEqual(expect.arrayContaining(['@liaison/links', '@liaison/kafka']));
    expect([...policy.packages]).toEqual(
      expect.arrayContaining(['kafkajs', 'libphonenumber-js', '@nestjs/core']),
    );
    expect([...audit.libs]).toContain('@liaison/cases');
    expect([...audit.packages]).toContain('date-holidays');
  });

  it('the policy worker loads neither the OpenAPI decorators nor the case calendars', () => {
    expect(
      [...policy.packages].filter((p) => ['@nestjs/swagger', 'date-holidays', 'luxon'].includes(p)),
    ).toEqual([]);
    expect([...policy.libs]).not.toContain('@liaison/cases');
  });

  it('the audit app does not load the OpenAPI decorators', () => {
    expect([...audit.packages]).not.toContain('@nestjs/swagger');
  });
});
