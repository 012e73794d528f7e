import type { Logger } from '@tenantry/logger';
import type { IHeaders, KafkaMessage, Kafka as KafkaClient } from 'kafkajs';
import type { IdempotentProducer } from '../producer.ts';
import type { RetryOptions } from '../retry.ts';

/** What a handler receives: one Kafka record plus where it came from. */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  timestamp: string;
  /** 1 on the first try, +1 per in-process retry (restarts and redeliveries start at 1 again). */
  attempt: number;
  /**
   * The handler waits on something outside that concerns only this message's key (its tenant's
   * database is down): the message gives back its concurrency slot and its batch may end without
   * it, so other keys go on and the consumer fetches on. It stays uncommitted, its key's later
   * messages wait behind it, and a later batch of its partition finishes it. Absent outside the runner.
   */
  park?: () => void;
}

export interface RunConsumerOptions {
  kafka: KafkaClient;
  groupId: string;
  /** Must exist (see ensureTopics): the runner never auto-creates topics with broker defaults. */
  topics: string[];
  /** Where a group without committed offsets starts; default false (only new messages). */
  fromBeginning?: boolean;
  /** Throw to retry; throw an error with `retriable === false` to dead-letter at once. */
  handle: (message: ConsumedMessage) => Promise<void>;
  retry?: Partial<Pick<RetryOptions, 'attempts' | 'initialDelayMs' | 'maxDelayMs' | 'factor' | 'jitter'>>;
  logger: Logger;
  /**
   * Messages handled at once, over all assigned partitions (default 1: one at a time, in offset
   * order per partition). Messages with the same key never overlap and always run in offset
   * order; messages without a key share one lane per partition. Commits never pass an unfinished
   * message.
   */
  concurrency?: number;
  /** @deprecated The old name of `concurrency` (which now also runs different keys of one partition at once). */
  partitionsConsumedConcurrently?: number;
  sessionTimeout?: number;
  /** Longest idle fetch wait; also bounds how long `ready` takes. Default 1000 ms. */
  maxWaitTimeInMs?: number;
  /** Producer for dead letters; by default the runner creates one and disconnects it in stop(). */
  deadLetterProducer?: IdempotentProducer;
  /** Called when kafkajs gives up for good (the consumer will not restart); e.g. exit the process. */
  onFatal?: (error: Error) => void;
  /** More fields for the runner's lines about one message (retry, dead letter), e.g. the tenant and event it carries. */
  logFields?: (message: KafkaMessage) => Record<string, unknown>;
}

export interface RunningConsumer {
  /** Resolves once the consumer joined its group and resolved its start offsets. */
  ready: Promise<void>;
  /** Finishes the in-flight messages (or leaves them for redelivery if waiting to retry), commits, leaves the group, disconnects. */
  stop(): Promise<void>;
}

/** How one message ended here: 'done' (handled or dead-lettered) or 'left' (unfinished: stopping; leave it uncommitted). */
export type MessageOutcome = 'done' | 'left';
