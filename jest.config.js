// One jest run, several projects: unit specs beside the code, integration/e2e/browser
// tests in test/ against the real Kafka and PostgreSQL started once in global setup.
const { createHash } = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' });
// any-ascii ships as an ES module only: compile it to CommonJS like our own code.
const ESM_ONLY_PACKAGES = ['any-ascii'];
const transform = {
  '^.+\\.ts$': ['ts-jest', {}],
  [`/node_modules/(${ESM_ONLY_PACKAGES.join('|')})/.+\\.js$`]: [
    'ts-jest',
    { tsconfig: { allowJs: true, module: 'commonjs' } },
  ],
};
const base = {
  rootDir: __dirname,
  moduleNameMapper,
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_PACKAGES.join('|')})/)`],
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};
/** kafkajs with only the patch's correctness hunks, one copy per checkout: its global setup makes it. */
const FIXES_ONLY_KAFKAJS = path.join(
  os.tmpdir(),
  `liaison-kafkajs-fixes-only-${createHash('sha256').update(__dirname).digest('hex').slice(0, 12)}`,
  'node_modules/kafkajs',
);
const withStack = {
  ...base,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

module.exports = {
  maxWorkers: 2,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/bench/**/*.spec.ts',
        '<rootDir>/deploy/**/*.spec.ts',
      ],
    },
    {
      ...withStack,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    {
      // libs/kafka on kafkajs without the patch's speed hunks (ADR 0007): the
      // copy test/support/kafkajs-fixes-only.ts makes in global setup.
      ...withStack,
      displayName: 'kafkajs-fixes-only',
      globalSetup: '<rootDir>/test/support/global-setup-kafkajs-fixes-only.ts',
      moduleNameMapper: {
        '^kafkajs$': FIXES_ONLY_KAFKAJS,
        '^kafkajs/(.*)$': `${FIXES_ONLY_KAFKAJS}/$1`,
        ...moduleNameMapper,
      },
      testMatch: [
        '<rootDir>/test/kafkajs-fixes-only/**/*.test.ts',
        '<rootDir>/test/integration/kafka-conformance.test.ts',
        '<rootDir>/test/integration/stable-offset-fetch.test.ts',
        '<rootDir>/test/integration/worker-record-values.test.ts',
      ],
    },
    { ...withStack, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...withStack, displayName: 'hostile', testMatch: ['<rootDir>/test/hostile/**/*.test.ts'] },
    { ...withStack, displayName: 'chaos', testMatch: ['<rootDir>/test/chaos/**/*.test.ts'] },
    { ...withStack, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
    // Tests that stop, kill or restart Kafka nodes and PostgreSQL: only under
    // `npm run test:cluster`, which starts a cluster and a PostgreSQL of their own.
    ...(process.env.LIAISON_CLUSTER_TEST === '1'
      ? [
          {
            ...withStack,
            displayName: 'cluster',
            testMatch: ['<rootDir>/test/cluster/**/*.test.ts'],
          },
        ]
      : []),
  ],
};
