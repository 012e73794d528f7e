import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = dirname(fileURLToPath(import.meta.url));

/**
 * Shared jest settings for a project at `projectDir`: native ESM, TypeScript transpiled per file by
 * ts-jest (no type check here; `npm run typecheck` does that once for the whole tree).
 */
export function jestProject(projectDir, displayName) {
  const tsconfig = relative(projectDir, `${workspaceRoot}/tsconfig.spec.json`);
  return {
    displayName,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: `<rootDir>/${tsconfig}` }] },
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/__tests__/**/*.test.ts'],
    testTimeout: 60_000,
  };
}

/**
 * The same for a project of scripts without a src/ folder (tools/<folder>):
 * specs beside their files, behaviour suites in `__tests__/`.
 */
export function jestScriptsProject(projectDir, displayName) {
  return {
    ...jestProject(projectDir, displayName),
    testMatch: ['<rootDir>/**/*.spec.ts', '<rootDir>/**/__tests__/**/*.test.ts'],
  };
}
