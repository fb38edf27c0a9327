// Lint rules for the whole monorepo: typed rules, lib boundaries, zero warnings.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.local/**',
      'coverage/**',
      'deploy/local/kafka/**',
      'test-artifacts/**',
      'apps/gateway/console/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'kafkajs',
              message: 'Kafka is reached through @liaison/kafka only (ADR 0007).',
            },
          ],
          patterns: [
            {
              group: ['@liaison/*/*'],
              message: 'Import a lib through its public index (@liaison/<lib>), never a deep path.',
            },
            {
              group: ['**/libs/*/src/**', '../../libs/**', '../../../libs/**'],
              message: 'Import libs through @liaison/<lib>.',
            },
          ],
        },
      ],
    },
  },
  {
    // Domain libs do no I/O and know nothing of Nest, Kafka or SQL.
    files: [
      'libs/policy/src/**/*.ts',
      'libs/crypto/src/**/*.ts',
      'libs/links/src/**/*.ts',
      'libs/fanout/src/**/*.ts',
      'libs/cases/src/**/*.ts',
      'libs/stix/src/**/*.ts',
      'libs/small-counts/src/**/*.ts',
      'libs/messages/src/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'kafkajs',
            'pg',
            'typeorm',
            '@nestjs/common',
            '@nestjs/core',
            'fs',
            'node:fs',
            'net',
            'node:net',
            'http',
            'node:http',
          ],
          patterns: [
            { group: ['@liaison/*/*'], message: 'Import a lib through its public index.' },
            {
              group: ['@liaison/persistence', '@liaison/kafka'],
              message: 'Domain libs do no I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    // The CLI starts in a fraction of a second: none of the apps' wiring (Nest,
    // TypeORM, Kafka) is loaded by it; key and input files come from local-files.
    files: ['apps/cli/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'kafkajs',
              message: 'Kafka is reached through @liaison/kafka only (ADR 0007).',
            },
            ...[
              '@liaison/runtime',
              '@liaison/kafka',
              '@nestjs/core',
              '@nestjs/common',
              'typeorm',
              'pg',
            ].map((name) => ({ name, message: "The CLI does not load the apps' wiring." })),
          ],
          patterns: [
            {
              group: ['@liaison/*/*'],
              message: 'Import a lib through its public index (@liaison/<lib>), never a deep path.',
            },
            {
              group: ['**/libs/*/src/**', '../../libs/**', '../../../libs/**'],
              message: 'Import libs through @liaison/<lib>.',
            },
          ],
        },
      ],
    },
  },
  {
    // The door to Kafka.
    files: ['libs/kafka/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@liaison/*/*'], message: 'Import a lib through its public index.' },
            { group: ['**/libs/*/src/**'], message: 'Import libs through @liaison/<lib>.' },
          ],
        },
      ],
    },
  },
  {
    // A migration is frozen: it copies what it needs and never follows live code.
    files: ['libs/persistence/src/migrations/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@liaison/*', '.*', '..*', '**/libs/**', '**/apps/**'],
              message: 'Migrations never import live code: copy the constants they need, frozen.',
            },
          ],
        },
      ],
    },
  },
  {
    // Services call repositories; repositories (libs/persistence) hold the SQL.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/persistence/**', '**/*.spec.ts', 'apps/*/src/testing/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='query']",
          message:
            'SQL lives in a repository in libs/persistence (one per aggregate): call its method.',
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@liaison/*/*'], message: 'Import a lib through its public index.' },
          ],
        },
      ],
    },
  },
);
