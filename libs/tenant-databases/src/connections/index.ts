export { createOrmCache } from './orm-cache.ts';
export type { OrmCache, OrmCacheOptions } from './orm-cache.ts';
