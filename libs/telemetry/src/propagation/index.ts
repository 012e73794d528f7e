// The folder's door: W3C trace context of events and Kafka headers.
export * from './trace-context.ts';
