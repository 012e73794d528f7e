import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { contextFrom, traceContextOf, type TraceContextFields } from '../propagation/index.ts';
import { inSpan, tracer } from './tracer.ts';

/** Where a message goes or comes from, in OpenTelemetry's messaging conventions. */
export interface MessageDestination {
  /** `kafka`. */
  system: string;
  /** The topic. */
  destination: string;
  attributes?: Attributes;
}

function messagingAttributes(operation: 'send' | 'process', { system, destination, attributes }: MessageDestination): Attributes {
  return {
    'messaging.system': system,
    'messaging.destination.name': destination,
    'messaging.operation.type': operation,
    'messaging.operation.name': operation,
    ...attributes,
  };
}

export interface ProducerSpan {
  /** The trace context to send with the message (Kafka headers): this span, so the consumer's span is its child. */
  headers: TraceContextFields;
  /** Ends the span; an error marks it failed. */
  end(error?: unknown): void;
}

/**
 * A PRODUCER span for one message, child of the context the message was created in (`parent`,
 * e.g. the event's own traceparent, written when its outbox row was). Not made active: a relay
 * sends many messages of different traces in one batch.
 */
export function startProducerSpan(where: MessageDestination, parent: TraceContextFields): ProducerSpan {
  const span: Span = tracer.startSpan(
    `send ${where.destination}`,
    { kind: SpanKind.PRODUCER, attributes: messagingAttributes('send', where) },
    contextFrom(parent),
  );
  const headers = span.isRecording() ? traceContextOf(trace.setSpan(ROOT_CONTEXT, span)) : parent;
  return {
    headers,
    end(error) {
      if (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
      }
      span.end();
    },
  };
}

/** Runs the handling of one consumed message inside a CONSUMER span continuing `parent`'s trace. */
export function inConsumerSpan<T>(where: MessageDestination, parent: TraceContextFields, work: (span: Span) => Promise<T>): Promise<T> {
  return inSpan(`process ${where.destination}`, { kind: SpanKind.CONSUMER, attributes: messagingAttributes('process', where), parent: contextFrom(parent) }, work);
}
