export { startTelemetry } from './sdk/start-telemetry.ts';
export type { StartTelemetryOptions, Telemetry } from './sdk/start-telemetry.ts';
export { tracingEnabled, OTLP_ENDPOINT_VARIABLES } from './sdk/tracing-settings.ts';
export { activeTraceId, contextFrom, currentTraceContext, traceContextFields, traceContextOf, traceIdOf } from './propagation/trace-context.ts';
export type { TraceContextFields } from './propagation/trace-context.ts';
export { inSpan, SpanKind, tracer } from './spans/tracer.ts';
export type { SpanOptions } from './spans/tracer.ts';
export { inConsumerSpan, startProducerSpan } from './spans/messaging-spans.ts';
export type { MessageDestination, ProducerSpan } from './spans/messaging-spans.ts';
