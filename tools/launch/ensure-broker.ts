import { ensureKafka, type EnsuredKafka } from '@tenantry/kafka-launcher/kafka';
import { portAnswers } from '@tenantry/kafka-launcher/wait-ready';

/**
 * Uses KAFKA_BROKERS when it answers; when it is unset or names the local default port that
 * nothing serves, starts the project's own broker.
 */
export async function ensureBroker(log = console.log): Promise<EnsuredKafka> {
  const configured = process.env.KAFKA_BROKERS;
  if (!configured) return ensureKafka({ log });
  const [first] = configured.split(',');
  const [host, portText] = first.split(':');
  const port = Number(portText);
  if (await portAnswers(host, port)) return { brokers: configured.split(','), startedByUs: false, instance: 'external' };
  if (host === '127.0.0.1' || host === 'localhost') return ensureKafka({ port, log });
  throw new Error(`KAFKA_BROKERS=${configured} does not answer, and it is not a local address this project can start a broker on.`);
}
