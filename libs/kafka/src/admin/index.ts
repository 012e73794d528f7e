export { readConsumerLag } from './consumer-lag.ts';
export type { PartitionLag } from './consumer-lag.ts';
