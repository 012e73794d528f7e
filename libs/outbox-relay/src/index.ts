export { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './relay/index.ts';
