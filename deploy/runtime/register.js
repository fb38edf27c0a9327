// Resolves @liaison/* imports to the compiled libs under dist/ at runtime.
'use strict';
const path = require('node:path');
const tsconfigPaths = require('tsconfig-paths');
const { compilerOptions } = require('../../tsconfig.json');

tsconfigPaths.register({
  baseUrl: path.resolve(__dirname, '../../dist'),
  paths: compilerOptions.paths,
});
