import { TenantSchemaError } from '@tenantry/tenant-schema';
import { isDatabaseUnreachable } from './database-unreachable.ts';

// Shapes as they come out of provisionTenantSchema (observed against a real server): the
// driver error sits in the TenantSchemaError's cause.
function wrapped(cause: unknown): TenantSchemaError {
  return new TenantSchemaError('TNT_ERR_PROVISIONING_FAILED', 'Provisioning tenant_x failed', { retriable: true, cause });
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
