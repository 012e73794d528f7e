import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jestProject } from '../jest.preset.js';

const base = jestProject(dirname(fileURLToPath(import.meta.url)), 'tools');

// tools/{kafka,launch,e2e,lint,cli,asyncapi,bench,client,deploy} are scripts (deploy: checks of the root deploy/ folder), not the library under src/: their tests sit beside them.
export default {
  ...base,
  testMatch: [
    ...base.testMatch,
    '<rootDir>/{kafka,launch,e2e,lint,cli,asyncapi,bench,client,deploy}/**/*.spec.ts',
    '<rootDir>/{kafka,launch,e2e,lint,cli,asyncapi,bench,client,deploy}/**/__tests__/**/*.test.ts',
    // The fault scenarios (*.fault.ts) run only in `npm run test:faults`; their helpers' specs run here.
    '<rootDir>/faults/*.spec.ts',
  ],
};
