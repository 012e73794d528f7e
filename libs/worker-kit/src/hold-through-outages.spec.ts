import { RetryAbortedError } from '@tenantry/kafka';
import { captureLogger } from '@tenantry/kafka/testing';
import { holdThroughOutages } from './hold-through-outages.ts';

describe('holdThroughOutages', () => {
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5499'), { code: 'ECONNREFUSED' });

  it('holds a delivery through an outage, parks its message once and logs the wait on the given logger', async () => {
    const { logger, lines } = captureLogger('hold');
    const hold = holdThroughOutages({ signal: new AbortController().signal, initialDelayMs: 1, maxDelayMs: 2 });
    let parks = 0;
    let failures = 3;
    let tries = 0;
    await hold(
      async () => {
        tries++;
        if (failures-- > 0) throw refused();
      },
      { log: logger, park: () => parks++ },
    );
    expect({ tries, parks }).toEqual({ tries: 4, parks: 1 });
    expect(lines.map((line) => line.msg)).toEqual([
      'database unreachable; holding this message until it answers',
      'database answers again; message handled',
    ]);
  });

  it('leaves the message for redelivery when the consumer stops during the hold', async () => {
    const { logger } = captureLogger('hold');
    const stopping = new AbortController();
    const outcome = holdThroughOutages({ signal: stopping.signal, initialDelayMs: 60_000 })(async () => {
      throw refused();
    }, { log: logger });
    await new Promise((resolve) => setTimeout(resolve, 10));
    stopping.abort();
    await expect(outcome).rejects.toBeInstanceOf(RetryAbortedError);
  });
});
