import { context, propagation, trace, SpanKind } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { activeTraceId, currentTraceContext, traceIdOf } from '../propagation/trace-context.ts';
import { inConsumerSpan, startProducerSpan } from './messaging-spans.ts';
import { inSpan } from './tracer.ts';

// With the real Node SDK (spans kept in memory): the hops of one event form one trace.
const exporter = new InMemorySpanExporter();
// No resource detection: its async attributes would delay SimpleSpanProcessor's export past the assertions.
const sdk = new NodeSDK({ serviceName: 'telemetry-spec', autoDetectResources: false, spanProcessors: [new SimpleSpanProcessor({ exporter })], instrumentations: [] });
const kafka = { system: 'kafka', destination: 'tenant.events' };

beforeAll(() => sdk.start());
afterAll(async () => {
  await sdk.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => exporter.reset());

const spanNamed = (name: string) => exporter.getFinishedSpans().find((span) => span.name === name)!;

it('outbox row → relay publish → consumer → the consumer\'s own report: one trace, each span the child of the one before', async () => {
  // What appendTenantEvent stores: the context of the span that wrote the row.
  const event = await inSpan('outbox append TenantCreated', {}, async () => currentTraceContext());
  const outbox = spanNamed('outbox append TenantCreated');
  expect(event.traceparent).toBe(`00-${outbox.spanContext().traceId}-${outbox.spanContext().spanId}-01`);

  // The relay: a PRODUCER span from the event's context; its headers name it.
  const publish = startProducerSpan(kafka, event);
  publish.end();
  const producer = spanNamed('send tenant.events');
  expect(producer.kind).toBe(SpanKind.PRODUCER);
  expect(producer.parentSpanContext?.spanId).toBe(outbox.spanContext().spanId);
  expect(publish.headers.traceparent).toBe(`00-${outbox.spanContext().traceId}-${producer.spanContext().spanId}-01`);

  // A consumer: a CONSUMER span from the headers, active while the handler runs.
  const seen = await inConsumerSpan(kafka, publish.headers, async () => ({ traceId: activeTraceId(), report: currentTraceContext() }));
  const consumer = spanNamed('process tenant.events');
  expect(consumer.kind).toBe(SpanKind.CONSUMER);
  expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
  expect(seen.traceId).toBe(outbox.spanContext().traceId);
  expect(traceIdOf(seen.report.traceparent)).toBe(outbox.spanContext().traceId);
  expect(new Set(exporter.getFinishedSpans().map((span) => span.spanContext().traceId)).size).toBe(1);
});

it('carries tracestate from the event through the producer headers', () => {
  const parent = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'vendor=abc' };
  const publish = startProducerSpan(kafka, parent);
  publish.end();
  expect(publish.headers.tracestate).toBe('vendor=abc');
  expect(traceIdOf(publish.headers.traceparent)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  expect(publish.headers.traceparent).not.toBe(parent.traceparent); // the producer span's own id
});

it('an event without trace context starts a new trace; a failing handler marks its span failed and rethrows', async () => {
  await expect(inConsumerSpan(kafka, {}, async () => {
    throw new Error('database down');
  })).rejects.toThrow('database down');
  const consumer = spanNamed('process tenant.events');
  expect(consumer.parentSpanContext).toBeUndefined();
  expect(consumer.status.code).toBe(2); // ERROR
  expect(consumer.events.map((event) => event.name)).toEqual(['exception']);
});

it('the caller\'s context is only a fallback: with a span active, events carry that span', async () => {
  const fallback = { traceparent: '00-11111111111111111111111111111111-2222222222222222-01' };
  const stored = await inSpan('request', {}, async () => currentTraceContext(fallback));
  expect(stored.traceparent).not.toBe(fallback.traceparent);
  expect(traceIdOf(stored.traceparent)).toBe(spanNamed('request').spanContext().traceId);
});
