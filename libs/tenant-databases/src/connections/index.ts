export { createOrmCache, ormPoolStats, poolStatsOf } from './orm-cache.ts';
export type { OrmCache, OrmCacheOptions, PoolStats } from './orm-cache.ts';
