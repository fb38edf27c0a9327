#!/usr/bin/env node
// `liaison` (npx liaison, or on the PATH after npm link): the compiled CLI under
// dist/, with @liaison/* imports resolved there. Build first: npm run build.
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');

const main = path.join(__dirname, '../dist/apps/cli/src/main.js');
if (!existsSync(main)) {
  process.stderr.write(`liaison: ${main} is missing; build the hub first: npm run build\n`);
  process.exit(2);
}
require('../deploy/runtime/register.js');
require(main);
