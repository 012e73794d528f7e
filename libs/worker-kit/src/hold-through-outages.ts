import type { Logger } from '@tenantry/logger';
import { waitOutDatabaseOutages } from './database-outage.ts';

export interface HoldThroughOutagesOptions {
  /** Aborted when the consumer stops: a held message is left uncommitted, to be redelivered. */
  signal: AbortSignal;
  /** First wait before trying the message again; doubles up to `maxDelayMs`. Default 500 ms. */
  initialDelayMs?: number;
  /** Default 5 s: the message runs again at most this long after the database is back. */
  maxDelayMs?: number;
}

/** Where one held delivery logs its wait, and how its message is parked (none: it is not parked). */
export interface HeldDelivery {
  log: Logger;
  park?: () => void;
}

/** Runs one delivery (opening an event's sealed fields, then its handler) under the outage policy. */
export type OutageHold = (deliver: () => Promise<void>, held: HeldDelivery) => Promise<void>;

/**
 * The one outage policy of the consumers that write a database (provisioner, dte-sync, tenant-api's
 * provisioning results): a database outage during a delivery is waited out (waitOutDatabaseOutages),
 * never spent on the runner's tries nor dead-lettered; it says nothing about the tenant. The message
 * is parked when the wait begins, if it can be, so tenants on other databases go on.
 */
export function holdThroughOutages({
  signal,
  initialDelayMs,
  maxDelayMs,
}: HoldThroughOutagesOptions): OutageHold {
  return (deliver, { log, park }) =>
    waitOutDatabaseOutages(deliver, { signal, logger: log, initialDelayMs, maxDelayMs, onWait: park })();
}
