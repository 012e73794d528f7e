import type { Kafka } from 'kafkajs';
import type { Logger } from '@tenantry/logger';

export interface OutboxRelayOptions {
  databaseUrl: string;
  controlSchema: string;
  kafka: Kafka;
  topic: string;
  logger: Logger;
  /** Safety poll when no NOTIFY arrives (missed wake-up, events written by another tool). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** How often a standby relay tries to become the active one. */
  standbyRetryMs?: number;
  maxBackoffMs?: number;
  /** Called after each batch Kafka acknowledged and the outbox marked published, with its size (metrics). */
  onPublished?: (count: number) => void;
}

export interface OutboxRelay {
  /** Resolves once this relay has tried for the lock at least once. */
  started: Promise<void>;
  isActive(): boolean;
  /** Published events since start (for metrics and tests). */
  publishedCount(): number;
  stop(): Promise<void>;
}

/** The options with every default filled in. */
export type RelaySettings = Required<Omit<OutboxRelayOptions, 'onPublished'>> & Pick<OutboxRelayOptions, 'onPublished'>;

export function relaySettings(options: OutboxRelayOptions): RelaySettings {
  return {
    ...options,
    pollIntervalMs: options.pollIntervalMs ?? 5_000,
    batchSize: options.batchSize ?? 500,
    standbyRetryMs: options.standbyRetryMs ?? 2_000,
    maxBackoffMs: options.maxBackoffMs ?? 5_000,
  };
}
