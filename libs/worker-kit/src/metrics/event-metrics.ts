import { Histogram, type Registry } from 'prom-client';

/** Observes how long handling one event took, by type and outcome (`ok`, `error`). */
export type EventTimer = (eventType: string, outcome: 'ok' | 'error', seconds: number) => void;

export function registerEventMetrics(registry: Registry): EventTimer {
  const duration = new Histogram({
    name: 'tenantry_event_handling_duration_seconds',
    help: 'Time a worker spent handling one tenant event (one try), by event type and outcome',
    labelNames: ['event_type', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (eventType, outcome, seconds) => duration.observe({ event_type: eventType, outcome }, seconds);
}
