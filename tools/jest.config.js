import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jestProject } from '../jest.preset.js';

const base = jestProject(dirname(fileURLToPath(import.meta.url)), 'tools');

// tools/kafka and tools/launch are scripts, not the library under src/: their tests sit beside them.
export default {
  ...base,
  testMatch: [
    ...base.testMatch,
    '<rootDir>/{kafka,launch}/**/*.spec.ts',
    '<rootDir>/{kafka,launch}/**/__tests__/**/*.test.ts',
  ],
};
