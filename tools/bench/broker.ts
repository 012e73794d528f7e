import { randomBytes } from 'node:crypto';
import { ensureKafka, stopKafka } from '@tenantry/kafka-launcher/kafka';
import { ensureBroker } from '@tenantry/launch/ensure-broker';
import { freePort } from '@tenantry/e2e/stack';

export interface BenchBroker {
  brokers: string[];
  description: string;
  stop(): Promise<void>;
}

/**
 * The broker the benchmark stacks use: by default the usual one (KAFKA_BROKERS, else the project's
 * on 9092, started if missing and left running); topics and consumer groups carry the run's own
 * prefix. With `private`, an instance of its own (`.data/kafka-bench-<random>/` on free ports,
 * stopped and removed afterwards), so other people's traffic on the shared broker stays out.
 */
export async function benchBroker(privateInstance: boolean, log: (line: string) => void): Promise<BenchBroker> {
  if (!privateInstance) {
    const broker = await ensureBroker(log);
    return { brokers: broker.brokers, description: `shared broker ${broker.brokers.join(',')}`, stop: async () => undefined };
  }
  const instance = `bench-${randomBytes(3).toString('hex')}`;
  const broker = await ensureKafka({ instance, port: await freePort(), controllerPort: await freePort(), heapOpts: '-Xms256m -Xmx512m', log });
  return {
    brokers: broker.brokers,
    description: `private instance ${instance} on ${broker.brokers.join(',')} (JVM heap 256–512 MiB)`,
    stop: async () => {
      await stopKafka({ instance, purge: true, log });
    },
  };
}
