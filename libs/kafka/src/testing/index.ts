export {
  testBrokers,
  uniqueName,
  testLogger,
  createTestKafkaClient,
  waitFor,
  readTopic,
  committedOffsets,
  deleteTopics,
  topicExists,
} from './kafka-test-kit.ts';
export type { ReadMessage } from './kafka-test-kit.ts';
