export {
  testBrokers,
  uniquePrefix,
  uniqueName,
  testLogger,
  createTestKafkaClient,
  waitFor,
  collectTopic,
  readTopic,
  recordCount,
  committedOffsets,
  deleteTopics,
  topicExists,
} from './kafka-test-kit.ts';
export type { ReadMessage, TopicCollector } from './kafka-test-kit.ts';
export { captureLogger, captureLogLines } from './log-capture.ts';
export type { LogLine } from './log-capture.ts';
