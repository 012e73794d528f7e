export * from './idempotency.ts';
