export { createRegistry } from './registry.ts';
export type { Registry, TenantDatabase } from './registry.ts';
