import { KafkaPlumbingError } from '../errors.ts';

/** An admin request named a topic the cluster does not have (a typo, or another topic prefix). */
export class UnknownTopicError extends KafkaPlumbingError {
  override name = 'UnknownTopicError';
  constructor(topic: string) {
    super('TNT_ERR_KAFKA_UNKNOWN_TOPIC', `Topic ${topic} does not exist`, { topic });
  }
}

/** An admin request named a partition the topic does not have. */
export class UnknownPartitionError extends KafkaPlumbingError {
  override name = 'UnknownPartitionError';
  constructor(topic: string, partition: number, partitions: number) {
    super('TNT_ERR_KAFKA_UNKNOWN_PARTITION', `Topic ${topic} has no partition ${partition} (it has ${partitions})`, { topic, partition });
  }
}
