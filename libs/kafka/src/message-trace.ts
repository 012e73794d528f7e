import type { IHeaders, KafkaMessage } from 'kafkajs';
import { inConsumerSpan, traceContextFields, type TraceContextFields } from '@tenantry/telemetry';

/**
 * The trace a consumed message continues: its `traceparent`/`tracestate` headers (the producer's
 * span), else the CloudEvent's own attributes (messages sent without headers: older relays, tools).
 */
export function messageTraceContext(message: Pick<KafkaMessage, 'headers' | 'value'>): TraceContextFields {
  const fromHeaders = traceContextFields(message.headers ?? {});
  if (fromHeaders.traceparent) return fromHeaders;
  if (!message.value?.includes('"traceparent"')) return {};
  try {
    return traceContextFields(JSON.parse(message.value.toString('utf8')));
  } catch {
    return {}; // not JSON: the handler will say so
  }
}

function headerText(headers: IHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** Runs the handling of one record inside a CONSUMER span continuing `parent` (its messageTraceContext). */
export function inMessageSpan<T>(
  where: { topic: string; partition: number; groupId: string; attempt: number },
  message: KafkaMessage,
  parent: TraceContextFields,
  work: () => Promise<T>,
): Promise<T> {
  const headers = message.headers ?? {};
  const attributes = {
    'messaging.kafka.offset': Number(message.offset),
    'messaging.destination.partition.id': String(where.partition),
    'messaging.consumer.group.name': where.groupId,
    'messaging.kafka.message.key': message.key?.toString() ?? '',
    'tenantry.attempt': where.attempt,
    ...optional('messaging.message.id', headerText(headers, 'ce_id')),
    ...optional('tenantry.event.type', headerText(headers, 'ce_type')),
  };
  return inConsumerSpan({ system: 'kafka', destination: where.topic, attributes }, parent, work);
}

function optional(name: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [name]: value };
}
