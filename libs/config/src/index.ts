export { loadConfig, ConfigError, DEVELOPMENT_JWT_SECRET, DEFAULT_TENANT_ROLE_LIMITS } from './config.ts';
export type { Config, TenantRoleLimits } from './config.ts';
