import { randomBytes } from 'node:crypto';
import { ensureKafka, stopKafka } from '@tenantry/kafka-launcher/kafka';
import { freePort } from '@tenantry/e2e/stack';

/** The fault suite's own broker: never the shared one on 9092, which other people's tests use. */
export interface FaultBroker {
  instance: string;
  port: number;
  /** `127.0.0.1:<port>`, for KAFKA_BROKERS. */
  brokers: string;
  /** Stops it (clean SIGTERM, or SIGKILL for a crash). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  start(): Promise<void>;
  /** Stops and deletes it if this suite started it; leaves the runner's broker to the runner. */
  release(): Promise<void>;
}

export const FAULT_BROKER_HEAP = '-Xms128m -Xmx384m';
const quiet = { log: () => undefined };

/**
 * `npm run test:faults` starts one broker instance for the whole run and passes it as
 * FAULTS_KAFKA_INSTANCE / FAULTS_KAFKA_PORT; a scenario run on its own starts (and removes) its own.
 */
export async function useFaultBroker(): Promise<FaultBroker> {
  const shared = process.env.FAULTS_KAFKA_INSTANCE && process.env.FAULTS_KAFKA_PORT;
  const instance = shared ? process.env.FAULTS_KAFKA_INSTANCE! : `faults-${randomBytes(4).toString('hex')}`;
  const port = shared ? Number(process.env.FAULTS_KAFKA_PORT) : await freePort();
  const controllerPort = shared ? undefined : await freePort();
  await ensureKafka({ instance, port, controllerPort, heapOpts: FAULT_BROKER_HEAP, timeoutMs: 180_000, ...quiet });
  return {
    instance,
    port,
    brokers: `127.0.0.1:${port}`,
    async stop(signal = 'SIGTERM') {
      await stopKafka({ instance, signal, ...quiet });
    },
    async start() {
      await ensureKafka({ instance, port, heapOpts: FAULT_BROKER_HEAP, timeoutMs: 180_000, ...quiet });
    },
    async release() {
      if (shared) {
        await ensureKafka({ instance, port, heapOpts: FAULT_BROKER_HEAP, timeoutMs: 180_000, ...quiet }); // leave it running for the next scenario
      } else {
        await stopKafka({ instance, purge: true, ...quiet });
      }
    },
  };
}
