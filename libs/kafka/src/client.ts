import type { Logger } from '@tenantry/logger';
import type { Kafka as KafkaClient, KafkaConfig, LogEntry, logLevel as LogLevel } from 'kafkajs';
import { Kafka, logLevel } from './kafkajs.ts';

export interface CreateKafkaClientOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Overrides of the defaults below (ssl, sasl, timeouts...). */
  config?: Partial<KafkaConfig>;
}

/** kafkajs level for the pino logger's level, so kafkajs does not build lines pino would drop. */
function kafkaLevelFor(logger: Logger): LogLevel {
  if (logger.isLevelEnabled('debug')) return logLevel.DEBUG;
  if (logger.isLevelEnabled('info')) return logLevel.INFO;
  if (logger.isLevelEnabled('warn')) return logLevel.WARN;
  if (logger.isLevelEnabled('error')) return logLevel.ERROR;
  return logLevel.NOTHING;
}

/** Routes kafkajs log entries into pino: `{ component: 'kafkajs', namespace, ...extra }`. */
export function pinoLogCreator(logger: Logger) {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const fields = { namespace, ...extra };
      if (level === logLevel.ERROR) child.error(fields, message);
      else if (level === logLevel.WARN) child.warn(fields, message);
      else if (level === logLevel.INFO) child.info(fields, message);
      else child.debug(fields, message);
    };
}

/**
 * A kafkajs client with Tenantry defaults: pino logging, a fail-fast connection timeout and
 * retries that ride out a broker restart (~30 s) before a producer or admin call gives up.
 */
export function createKafkaClient({ brokers, clientId, logger, config = {} }: CreateKafkaClientOptions): KafkaClient {
  return new Kafka({
    brokers,
    clientId,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 300, maxRetryTime: 30_000, retries: 8, factor: 0.2, multiplier: 2 },
    logLevel: kafkaLevelFor(logger),
    logCreator: pinoLogCreator(logger),
    ...config,
  });
}
