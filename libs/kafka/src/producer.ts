import type { Kafka as KafkaClient, Message, PartitionerArgs, RecordMetadata } from 'kafkajs';
import { sendUntilEveryPartitionAcknowledged } from './acknowledged-send.ts';
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
 * `send` resolves only when every partition it wrote to was acknowledged (see acknowledged-send).
 */
export function createIdempotentProducer(kafka: KafkaClient): IdempotentProducer {
  // The partition kafkajs chose for each message, so the acknowledgements can be checked.
  const partitionOfMessage = new WeakMap<Message, number>();
  const recordingPartitioner = () => {
    const choose = Partitioners.DefaultPartitioner();
    return (args: PartitionerArgs) => {
      const partition = choose(args);
      partitionOfMessage.set(args.message, partition);
      return partition;
    };
  };
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: recordingPartitioner,
  });
  const log = kafka.logger().namespace('IdempotentProducer');
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
      return sendUntilEveryPartitionAcknowledged(
        topic,
        messages,
        (batch) => producer.send({ topic, messages: batch, acks: -1 }),
        (message) => partitionOfMessage.get(message),
        { onResend: (resend) => log.warn('Resending messages whose partitions were not acknowledged', resend) },
      );
    },
    async disconnect() {
      if (!connecting) return;
      connecting = null;
      await producer.disconnect();
    },
  };
}
