export { runConsumer } from './run-consumer.ts';
export type { ConsumedMessage, RunConsumerOptions, RunningConsumer } from './types.ts';
