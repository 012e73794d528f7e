import { currentTraceContext, contextFrom, traceContextFields, traceContextOf, traceIdOf } from './trace-context.ts';
import { inConsumerSpan, startProducerSpan } from '../spans/messaging-spans.ts';

// Tracing off (no SDK in this file): events keep the caller's context unchanged.
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context fields', () => {
  it('keeps a well-formed traceparent and its tracestate', () => {
    expect(traceContextFields({ traceparent: TRACEPARENT, tracestate: 'vendor=1', other: 'x' })).toEqual({ traceparent: TRACEPARENT, tracestate: 'vendor=1' });
  });

  it('reads Kafka header Buffers and HTTP header arrays', () => {
    expect(traceContextFields({ traceparent: Buffer.from(TRACEPARENT), tracestate: [Buffer.from('a=b')] })).toEqual({ traceparent: TRACEPARENT, tracestate: 'a=b' });
  });

  it.each([[{}], [{ traceparent: '00-abc' }], [{ traceparent: 42 }], [{ tracestate: 'vendor=1' }], [undefined]])('drops %j (no valid traceparent, no tracestate alone)', (carrier) => {
    expect(traceContextFields(carrier)).toEqual({});
  });

  it('finds the trace id of a traceparent', () => {
    expect(traceIdOf(TRACEPARENT)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceIdOf('garbage')).toBeUndefined();
  });
});

describe('without an SDK (tracing off)', () => {
  it('an event written now carries the caller\'s context unchanged', () => {
    expect(currentTraceContext({ traceparent: TRACEPARENT, tracestate: 'vendor=1' })).toEqual({ traceparent: TRACEPARENT, tracestate: 'vendor=1' });
    expect(currentTraceContext()).toEqual({});
  });

  it('the relay sends the event\'s own context as headers, and a consumer runs its handler', async () => {
    const span = startProducerSpan({ system: 'kafka', destination: 'tenant.events' }, { traceparent: TRACEPARENT });
    expect(span.headers).toEqual({ traceparent: TRACEPARENT });
    span.end();
    await expect(inConsumerSpan({ system: 'kafka', destination: 'tenant.events' }, span.headers, async () => 'handled')).resolves.toBe('handled');
  });

  it('a context made from fields writes the same fields back', () => {
    expect(traceContextOf(contextFrom({ traceparent: TRACEPARENT, tracestate: 'vendor=1' }))).toEqual({ traceparent: TRACEPARENT, tracestate: 'vendor=1' });
  });
});
