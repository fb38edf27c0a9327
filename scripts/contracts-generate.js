#!/usr/bin/env node
// Runs the TypeScript contracts generator (libs/contracts/codegen) without a build
// step: .ts files are transpiled on require and @liaison/* paths resolved from tsconfig.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  module._compile(outputText, filename);
};
const { compilerOptions } = require(path.join(root, 'tsconfig.json'));
require('tsconfig-paths').register({ baseUrl: root, paths: compilerOptions.paths });

process.exitCode = require(path.join(root, 'libs/contracts/codegen/main.ts')).main(
  process.argv.slice(2),
);
