import type { Kafka as KafkaClient, Message, RecordMetadata } from 'kafkajs';
import { Partitioners } from './kafkajs.ts';

export interface IdempotentProducer {
  /** Connects on first use. Resolves once every message is acknowledged by all in-sync replicas. */
  send(topic: string, messages: Message[]): Promise<RecordMetadata[]>;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * Idempotent producer (no duplicates from its own retries, order kept per partition):
 * idempotent, one request in flight, acks from all in-sync replicas. Keys are partitioned with
 * the Java-compatible murmur2 partitioner, so every client maps a tenant id to the same partition.
 */
export function createIdempotentProducer(kafka: KafkaClient): IdempotentProducer {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let connecting: Promise<void> | null = null;

  const connect = () => {
    connecting ??= producer.connect().catch((error: unknown) => {
      connecting = null; // let the next call try again
      throw error;
    });
    return connecting;
  };

  return {
    connect,
    async send(topic, messages) {
      await connect();
      return producer.send({ topic, messages, acks: -1 });
    },
    async disconnect() {
      if (!connecting) return;
      connecting = null;
      await producer.disconnect();
    },
  };
}
