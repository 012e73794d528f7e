export { createTestDatabase, uniqueName, type TestDatabase } from './test-database.ts';
export { waitFor } from './wait-for.ts';
