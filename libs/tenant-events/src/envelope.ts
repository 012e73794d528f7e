/** CloudEvents spec version of every Tenantry event. */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';
/** `datacontenttype` of every Tenantry event: `data` is JSON. */
export const DATA_CONTENT_TYPE = 'application/json';
/** Kafka `content-type` header of a structured-mode CloudEvent. */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/** Default `source` per topic (SPEC §4: one writer per topic). */
export const EVENT_SOURCES = {
  tenantEvents: 'tenant-api',
  provisioning: 'provisioner',
} as const;

/**
 * A CloudEvents 1.0 structured-mode event as Tenantry writes it (SPEC §4).
 * `tenantversion` is a CloudEvents extension attribute: the tenant's `version` after the change
 * (on tenant.provisioning: the version of the tenant event the provisioner acted on).
 */
export interface CloudEventEnvelope<TType extends string, TData> {
  specversion: typeof CLOUDEVENTS_SPEC_VERSION;
  /** UUIDv7, unique per event; consumers de-duplicate on it. */
  id: string;
  source: string;
  type: TType;
  /** The tenant id; also the Kafka message key. */
  subject: string;
  /** ISO 8601 UTC, e.g. 2026-11-22T10:00:00.000Z. */
  time: string;
  datacontenttype: typeof DATA_CONTENT_TYPE;
  tenantversion: number;
  /** W3C trace context of the request that caused the event, when there was one. */
  traceparent?: string;
  /** W3C `tracestate` sent with `traceparent` (vendor entries), when there was one. Optional within v1. */
  tracestate?: string;
  data: TData;
}
