import { TenantSchemaError } from '../errors.ts';
import { databaseFailure, failedResults, overallStop, totalSummary } from './database-sections.ts';
import { noDrift } from './read-fleet-status.ts';

describe('database sections', () => {
  it('calls a database unreachable when no connection could be made, and says which one', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5499'), { code: 'ECONNREFUSED' });
    expect(databaseFailure('east', refused)).toEqual({
      code: 'TNT_ERR_DATABASE_UNREACHABLE',
      message: 'database east is unreachable: connect ECONNREFUSED 127.0.0.1:5499',
      retryLater: true,
    });
    const shuttingDown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect(databaseFailure('east', shuttingDown).code).toBe('TNT_ERR_DATABASE_UNREACHABLE');
    expect(databaseFailure('east', new Error('Connection terminated due to connection timeout')).code).toBe('TNT_ERR_DATABASE_UNREACHABLE');
  });

  it('keeps the code of a refusal and of any other error', () => {
    const running = new TenantSchemaError('TNT_ERR_FLEET_MIGRATION_RUNNING', 'Another migrate up is running on this database.');
    expect(databaseFailure('main', running)).toEqual({ code: 'TNT_ERR_FLEET_MIGRATION_RUNNING', message: 'main: Another migrate up is running on this database.', retryLater: true });
    expect(databaseFailure('main', new Error('boom'))).toEqual({ code: 'TNT_ERR_DATABASE_FAILED', message: 'database main: boom', retryLater: false });
  });

  it('fails every selected tenant of a failed database with its error', () => {
    const failure = { code: 'TNT_ERR_DATABASE_UNREACHABLE', message: 'database east is unreachable: x', retryLater: true };
    const results = failedResults('east', [{ tenantId: 't1', schemaName: 'tenant_1', status: 'active', schemaVersion: 'M1', database: 'east' }], failure);
    expect(results).toEqual([
      { database: 'east', tenantId: 't1', schemaName: 'tenant_1', tenantStatus: 'active', outcome: 'failed', error: failure, wave: null, fromVersion: 'M1', schemaVersion: 'M1', applied: [], ledgerUpdated: false, durationMs: 0 },
    ]);
  });

  it('adds up the sections; a failed one counts its tenants only', () => {
    const summary = (n: number, version: string) => ({
      tenants: n, schemas: n, upToDate: 0, pendingSchemas: n, pendingMigrations: n, notProvisioned: 0, drift: 1,
      driftByKind: { ...noDrift(), 'wrong-database': 1 }, byVersion: { [version]: n }, latest: 'M2',
    });
    const total = totalSummary(
      [
        { database: 'main', tenants: 3, error: null, summary: summary(3, 'M1'), reads: null },
        { database: 'east', tenants: 2, error: null, summary: summary(2, 'M1'), reads: null },
        { database: 'west', tenants: 4, error: { code: 'TNT_ERR_DATABASE_UNREACHABLE', message: '', retryLater: true }, summary: null, reads: null },
      ],
      'M2',
    );
    expect(total).toEqual({
      tenants: 9, schemas: 5, upToDate: 0, pendingSchemas: 5, pendingMigrations: 5, notProvisioned: 0, drift: 2,
      driftByKind: { ...noDrift(), 'wrong-database': 2 }, byVersion: { M1: 5 }, latest: 'M2',
    });
  });

  it('an interruption anywhere outranks a canary that failed somewhere', () => {
    const section = (stopped: 'canary-failed' | 'interrupted' | null) => ({ database: 'x', error: null, stopped, durationMs: 0, summary: { selected: 0, ok: 0, failed: 0, skipped: 0, upToDate: 0, retryLater: 0 } });
    expect(overallStop([section(null), section('canary-failed')], false)).toBe('canary-failed');
    expect(overallStop([section('canary-failed'), section('interrupted')], false)).toBe('interrupted');
    expect(overallStop([section(null)], true)).toBe('interrupted');
    expect(overallStop([section(null), section(null)], false)).toBeNull();
  });
});
