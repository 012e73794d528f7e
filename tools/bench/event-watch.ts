import { Kafka, logLevel, type Consumer } from 'kafkajs';

export interface SeenEvent {
  topic: string;
  type: string;
  subject: string;
  tenantversion: number;
  /** Record timestamp set by the producer (epoch ms). */
  producedAt: number;
  /** When this consumer got it (epoch ms, fractional). */
  receivedAt: number;
  data: Record<string, unknown>;
}

export const nowMs = () => performance.timeOrigin + performance.now();

/**
 * A plain kafkajs consumer in its own group, reading the stack's topics from the beginning (the
 * prefix is fresh, so "beginning" is this run), handing every CloudEvent to the listeners.
 * It stands for "an internal service that subscribes to tenant events".
 */
export async function watchEvents(brokers: string[], topics: string[], groupId: string) {
  const kafka = new Kafka({ clientId: 'tenantry-bench', brokers, logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const listeners = new Set<(event: SeenEvent) => void>();
  const seen: SeenEvent[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let joined: () => void;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachMessage: async ({ topic, message }) => {
      const receivedAt = nowMs();
      if (!message.value) return;
      const cloudEvent = JSON.parse(message.value.toString()) as { type: string; subject: string; tenantversion: number; data: Record<string, unknown> };
      const event: SeenEvent = {
        topic,
        type: cloudEvent.type,
        subject: cloudEvent.subject,
        tenantversion: cloudEvent.tenantversion,
        producedAt: Number(message.timestamp),
        receivedAt,
        data: cloudEvent.data,
      };
      seen.push(event);
      for (const listener of listeners) listener(event);
    },
  });
  await ready;
  return {
    seen,
    /** Resolves with the first event (already seen or future) that matches. */
    waitFor(match: (event: SeenEvent) => boolean, timeoutMs = 120_000): Promise<SeenEvent> {
      const found = seen.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`no matching event within ${timeoutMs} ms on ${topics.join(', ')}`));
        }, timeoutMs);
        const listener = (event: SeenEvent) => {
          if (!match(event)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(event);
        };
        listeners.add(listener);
      });
    },
    async stop() {
      await consumer.disconnect().catch(() => undefined);
    },
  };
}

export type EventWatch = Awaited<ReturnType<typeof watchEvents>>;
