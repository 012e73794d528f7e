export { createLogger, REDACTED_PATHS } from './logger.ts';
export type { Logger, CreateLoggerOptions } from './logger.ts';
export { redactUrlPassword } from './redact-url.ts';
export { logProcessWarnings } from './process-warnings.ts';
