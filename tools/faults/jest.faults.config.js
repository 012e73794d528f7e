// The fault suite (`npm run test:faults`): real processes that get killed, its own Kafka brokers.
// Named so neither the root jest config nor Nx's jest plugin picks it up for `npm test`; the same
// settings as jest.preset.js, spelled out because lint keeps tools from importing root files.
export default {
  displayName: 'faults',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/../../tsconfig.spec.json' }] },
  testMatch: ['<rootDir>/__tests__/*.fault.ts'],
  testTimeout: 600_000,
};
