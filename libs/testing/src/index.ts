export { createTestDatabase, uniqueName, bounded, type TestDatabase } from './test-database.ts';
export { waitFor } from './wait-for.ts';
export { createPostgresCluster, freePort, PostgresClusterError, type PostgresCluster, type PostgresClusterOptions } from './postgres-cluster.ts';
export { promtool, promtoolCheckMetrics, PromtoolMissingError } from './promtool.ts';
