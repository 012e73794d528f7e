import { telemetry } from './tracing.ts';
import { ConfigError, loadConfig } from '@tenantry/config';
import { createLogger, logProcessWarnings } from '@tenantry/logger';
import { startTenantApi } from './server.ts';

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
const logger = createLogger({ name: 'tenant-api', level: config.logLevel });
logProcessWarnings(logger); // Node's warnings (kafkajs triggers one) as JSON lines, not plain stderr text

try {
  const running = await startTenantApi(config, logger);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    await running.stop();
    await telemetry.shutdown(); // exports the spans still buffered
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
} catch (error) {
  logger.fatal({ err: error }, `tenant-api failed to start: ${(error as Error).message}`);
  process.exit(1);
}
