import { messageTraceContext } from './message-trace.ts';

const EVENT_TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const PRODUCER_TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01';
const value = (event: Record<string, unknown>) => Buffer.from(JSON.stringify({ id: 'e1', type: 'TenantCreated', ...event }));

describe('messageTraceContext', () => {
  it('prefers the headers (the producer span) over the event\'s own attributes', () => {
    const message = { headers: { traceparent: Buffer.from(PRODUCER_TRACE), tracestate: Buffer.from('v=1') }, value: value({ traceparent: EVENT_TRACE }) };
    expect(messageTraceContext(message)).toEqual({ traceparent: PRODUCER_TRACE, tracestate: 'v=1' });
  });

  it('falls back to the CloudEvent\'s traceparent and tracestate when the message has no trace headers', () => {
    expect(messageTraceContext({ headers: {}, value: value({ traceparent: EVENT_TRACE, tracestate: 'v=2' }) })).toEqual({ traceparent: EVENT_TRACE, tracestate: 'v=2' });
  });

  it.each([
    ['no trace anywhere', { headers: {}, value: value({}) }],
    ['a value that is not JSON', { headers: {}, value: Buffer.from('"traceparent" but not json') }],
    ['no value (tombstone)', { headers: {}, value: null }],
    ['a malformed header and event', { headers: { traceparent: Buffer.from('00-x') }, value: value({ traceparent: 'nope' }) }],
  ])('gives no context for %s', (_label, message) => {
    expect(messageTraceContext(message)).toEqual({});
  });
});
