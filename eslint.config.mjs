// ESLint 9 flat config for the whole workspace. Nx infers each project's `lint` target from it
// (@nx/eslint/plugin in nx.json); `npm run lint` runs them all.
import nx from '@nx/eslint-plugin';
import { depConstraints, testDepConstraints, testFiles } from './tools/lint/dep-constraints.mjs';

const boundaries = (constraints, extra = {}) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints: constraints, ...extra },
];

// The operator CLI (apps/cli) loads @tenantry/tenant-schema (and MikroORM) lazily so that `--help`
// starts fast, while its own lazily loaded modules and its tests import it statically. Lazy loading
// there is a start-up choice, not a boundary.
const lazyInCli = { checkDynamicDependenciesExceptions: ['@tenantry/*'] };

export default [
  {
    // libs/client/src/generated: written by `npm run client:generate` (openapi-typescript), checked for drift instead.
    ignores: ['**/node_modules/', '**/.nx/', '**/.cache/', '**/.data/', '**/dist/', '**/coverage/', 'libs/client/src/generated/'],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      // The tags in each package.json only mean something because this rule fails the build.
      '@nx/enforce-module-boundaries': boundaries(depConstraints),
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // `() => {}` is the no-op placeholder for callbacks assigned later; empty methods still fail.
      '@typescript-eslint/no-empty-function': ['error', { allow: ['arrowFunctions'] }],
      // tsc runs in strict mode; a `!` marks an invariant the code states on purpose.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['apps/cli/src/**/*.ts'],
    ignores: testFiles,
    rules: { '@nx/enforce-module-boundaries': boundaries(depConstraints, lazyInCli) },
  },
  {
    // Jest configs import the shared preset at the root, which belongs to no project.
    files: ['**/jest.config.js', 'jest.preset.js'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: testFiles,
    rules: { '@nx/enforce-module-boundaries': boundaries(testDepConstraints, lazyInCli) },
  },
  {
    // Shipped app and lib code never pulls in test helpers, even where the tags would allow it.
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: testFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tenantry/testing', '@tenantry/*/testing'],
              message:
                'Test helpers belong in *.spec.ts, __tests__/ or src/testing/; move this import there.',
            },
          ],
        },
      ],
    },
  },
];
