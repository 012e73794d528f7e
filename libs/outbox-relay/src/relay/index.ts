export { startOutboxRelay } from './start-outbox-relay.ts';
export type { OutboxRelay, OutboxRelayOptions } from './options.ts';
