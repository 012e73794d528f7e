// Root config: every project with a jest.config.js, run together by `npm test`.
export default {
  testTimeout: 60_000,
  projects: [
    '<rootDir>/libs/*/jest.config.js',
    '<rootDir>/apps/*/jest.config.js',
    '<rootDir>/tenant-migrations/jest.config.js',
    '<rootDir>/tools/*/jest.config.js',
  ],
};
