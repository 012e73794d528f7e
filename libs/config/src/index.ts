export { loadConfig, ConfigError, DEVELOPMENT_JWT_SECRET } from './config.ts';
export type { Config } from './config.ts';
