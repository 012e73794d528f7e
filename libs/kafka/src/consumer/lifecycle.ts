import type { Logger } from '@tenantry/logger';
import type { Consumer } from 'kafkajs';
import { KafkaPlumbingError } from '../errors.ts';

export interface Readiness {
  ready: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** The consumer's `ready`, settled by its lifecycle (watchLifecycle) or by a failed start or an early stop. */
export function createReadiness(): Readiness {
  let settle: Pick<Readiness, 'resolve' | 'reject'> | undefined;
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  ready.catch(() => undefined); // a caller that never awaits `ready` must not get an unhandled rejection
  return { ready, ...settle! };
}

/** Joining the group, the first fetch after it (ready) and a crash kafkajs will not restart (fatal). */
export function watchLifecycle(consumer: Consumer, log: Logger, ready: Readiness, onFatal?: (error: Error) => void) {
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joined = true;
    log.info({ memberId: payload.memberId, assignment: payload.memberAssignment }, 'joined consumer group');
  });
  // Start offsets are resolved right before the first fetch, so the first FETCH after joining
  // means "messages produced from now on will be seen".
  consumer.on(consumer.events.FETCH, () => {
    if (joined) ready.resolve();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    log.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
    if (!payload.restart) {
      ready.reject(payload.error);
      onFatal?.(payload.error);
    }
  });
}

/** Why the consumer could not start, with a hint when its topics do not exist. */
export function startFailure(error: Error & { type?: string }, groupId: string, topics: string[]): KafkaPlumbingError {
  const missingTopic = error.type === 'UNKNOWN_TOPIC_OR_PARTITION';
  const hint = missingTopic ? ' Create the topics first (ensureTopics / tenantTopics).' : '';
  return new KafkaPlumbingError(
    missingTopic ? 'TNT_ERR_KAFKA_UNKNOWN_TOPIC' : 'TNT_ERR_KAFKA_CONSUMER_START_FAILED',
    `Consumer ${groupId} could not start on ${topics.join(', ')}: ${error.message}.${hint}`,
    { cause: error },
  );
}
