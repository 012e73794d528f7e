// Operator reads and writes on a cluster, beside the code that writes dead letters: reading offset
// ranges, committing a group's offsets, planning a reset, reading and redriving dead letters.
export { readRange } from './read-range.ts';
export type { PartitionRange, RangeMessage } from './read-range.ts';
export { commitGroupOffsets } from './commit-group-offsets.ts';
export { groupState, planReset } from './group-offsets.ts';
export type { GroupState, PartitionPlan, ResetTarget } from './group-offsets.ts';
export { dlqTarget, dlqPartitions, rangesOf, summarize } from './dead-letter-reads.ts';
export type { DlqTarget, DlqPartition, DeadLetterSummary } from './dead-letter-reads.ts';
export { redriveDeadLetters } from './redrive-dead-letters.ts';
export type { RedriveOptions, RedriveOutcome, RedrivenMessage } from './redrive-dead-letters.ts';
export { UnknownTopicError, UnknownPartitionError } from './admin-errors.ts';
export { readConsumerLag } from './consumer-lag.ts';
export type { PartitionLag } from './consumer-lag.ts';
