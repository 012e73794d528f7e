import { RetryAbortedError } from '@tenantry/kafka';
import { createLogger } from '@tenantry/logger';
import { TenantSchemaError } from '@tenantry/tenant-schema';
import { TenantDatabaseUnreachableError, isDatabaseUnreachable, waitOutDatabaseOutages } from './database-outage.ts';
import { captureLogger } from '@tenantry/kafka/testing';

// Shapes as they come out of provisionTenantSchema (observed against a real server): the
// driver error sits in the TenantSchemaError's cause.
function wrapped(cause: unknown): TenantSchemaError {
  return new TenantSchemaError('TNT_ERR_PROVISIONING_FAILED', 'Provisioning tenant_x failed', { cause });
}

describe('isDatabaseUnreachable', () => {
  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5499'), { code: 'ECONNREFUSED' })],
    ['refused on every address (AggregateError)', new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], '')],
    ['session terminated by the server', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['server still starting', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['connection exception class 08', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['socket closed under the driver', new Error('Connection terminated unexpectedly')],
  ])('is true for %s, also when wrapped', (_label, error) => {
    expect(isDatabaseUnreachable(error)).toBe(true);
    expect(isDatabaseUnreachable(wrapped(error))).toBe(true);
  });

  it.each([
    ['an SQL error in a migration', Object.assign(new Error('relation "nope" does not exist'), { code: '42P01' })],
    ['a bug in migration code', new Error('migration bug: unexpected data')],
    ['a non-error value', 'ECONNREFUSED'],
  ])('is false for %s', (_label, error) => {
    expect(isDatabaseUnreachable(error)).toBe(false);
    expect(isDatabaseUnreachable(wrapped(error))).toBe(false);
  });
});

describe('waitOutDatabaseOutages', () => {
  const logger = createLogger({ name: 'test', level: 'silent' });
  const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5499'), { code: 'ECONNREFUSED' });
  const fast = { logger, initialDelayMs: 1, maxDelayMs: 5 };

  it('tries the same message again for as long as the database is unreachable, well past the runner\'s 5 tries', async () => {
    const seen: string[] = [];
    let failures = 12;
    const handle = waitOutDatabaseOutages(async (message: string) => {
      seen.push(message);
      if (failures-- > 0) throw wrapped(refused());
    }, { ...fast, signal: new AbortController().signal });
    await handle('m1');
    expect(seen).toEqual(Array(13).fill('m1'));
  });

  it('calls onWait once when the wait begins (the worker parks the message there) and names the tenant database in the log', async () => {
    const { logger: captured, lines } = captureLogger('outage');
    const waits: string[] = [];
    let failures = 3;
    const handle = waitOutDatabaseOutages(
      async (_message: string) => {
        if (failures-- > 0) throw new TenantDatabaseUnreachableError('second', wrapped(refused()));
      },
      { logger: captured, initialDelayMs: 1, maxDelayMs: 5, signal: new AbortController().signal, onWait: (message) => waits.push(message) },
    );
    await handle('m1');
    expect(waits).toEqual(['m1']);
    expect(lines.find((line) => line.msg === 'database unreachable; holding this message until it answers')).toMatchObject({ database: 'second' });
  });

  it('passes any other error to the runner at once', async () => {
    let calls = 0;
    const sqlError = Object.assign(new Error('relation "nope" does not exist'), { code: '42P01' });
    const handle = waitOutDatabaseOutages(async () => {
      calls++;
      throw sqlError;
    }, { ...fast, signal: new AbortController().signal });
    await expect(handle()).rejects.toBe(sqlError);
    expect(calls).toBe(1);
  });

  it('gives the message back (RetryAbortedError, left for redelivery) when the consumer stops during an outage', async () => {
    const stopping = new AbortController();
    let calls = 0;
    const handle = waitOutDatabaseOutages(async () => {
      calls++;
      throw refused();
    }, { logger, signal: stopping.signal, initialDelayMs: 60_000 });
    const outcome = handle();
    await new Promise((resolve) => setTimeout(resolve, 10));
    stopping.abort();
    await expect(outcome).rejects.toBeInstanceOf(RetryAbortedError);
    expect(calls).toBe(1);
  });
});
