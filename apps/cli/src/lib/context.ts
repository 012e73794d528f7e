import { loadConfig, type Config } from '@tenantry/config';
import { createKafkaClient } from '@tenantry/kafka';
import { createLogger, type Logger } from '@tenantry/logger';
import type { Command } from 'commander';
import type { Kafka as KafkaClient } from 'kafkajs';
import { pino } from 'pino';

export interface CliContext {
  config: Config;
  /** `--json`: one JSON document on stdout, nothing else there. */
  json: boolean;
  /** Logs go to stderr, `warn` unless LOG_LEVEL says otherwise, so stdout stays clean for data. */
  logger: Logger;
  kafka(): KafkaClient;
  /** Prints `data` as JSON with --json, else the human lines. */
  print(data: unknown, human: () => string): void;
}

// kafkajs 2.2.4 schedules a negative setTimeout on Node >= 23 (harmless, clamped to 1 ms); keep
// that one warning off the operator's terminal and print every other warning as Node would.
let warningsFiltered = false;
function filterKafkajsTimerWarning() {
  if (warningsFiltered) return;
  warningsFiltered = true;
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') process.stderr.write(`${warning.name}: ${warning.message}\n`);
  });
}

/** Config from the environment (DATABASE_URL, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, CONTROL_SCHEMA). */
export function cliContext(command: Command): CliContext {
  filterKafkajsTimerWarning();
  const json = Boolean(command.optsWithGlobals().json);
  const config = loadConfig(process.env);
  const logger = createLogger({ name: 'tenantry-cli', level: process.env.LOG_LEVEL || 'warn', destination: pino.destination(2) });
  let kafka: KafkaClient | undefined;
  return {
    config,
    json,
    logger,
    // kafkajs warns about its own settings (e.g. idempotent producer retries) on every run: only its
    // errors reach the operator unless LOG_LEVEL asks for more.
    kafka: () =>
      (kafka ??= createKafkaClient({
        brokers: config.kafkaBrokers,
        clientId: 'tenantry-cli',
        logger: process.env.LOG_LEVEL ? logger : logger.child({}, { level: 'error' }),
      })),
    print(data, human) {
      process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
    },
  };
}
