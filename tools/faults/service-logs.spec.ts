import { appliedOutOfOrder, parseServiceLogs } from './service-logs.ts';

const line = (source: string, time: string, fields: Record<string, unknown>) => `[${source}] ${JSON.stringify({ time, msg: 'issuer info updated', ...fields })}`;

describe('appliedOutOfOrder', () => {
  it('accepts rising versions across replicas and ignores stale and skipped outcomes', () => {
    const lines = parseServiceLogs([
      line('dte-sync', '2026-01-01T00:00:00.000Z', { tenant_id: 'a', tenantversion: 2, outcome: 'applied' }),
      '[dte-sync] (node:1) a warning',
      line('dte-sync#2', '2026-01-01T00:00:01.000Z', { tenant_id: 'a', tenantversion: 2, outcome: 'stale' }),
      line('dte-sync#2', '2026-01-01T00:00:02.000Z', { tenant_id: 'a', tenantversion: 4, outcome: 'applied' }),
      line('dte-sync', '2026-01-01T00:00:03.000Z', { tenant_id: 'b', tenantversion: 3, outcome: 'no-schema' }),
    ]);
    expect(lines).toHaveLength(4);
    expect(appliedOutOfOrder(lines)).toEqual([]);
  });

  it('reports a tenant whose version was applied after a newer one, or twice', () => {
    const lines = parseServiceLogs([
      line('dte-sync', '2026-01-01T00:00:00.000Z', { tenant_id: 'a', tenantversion: 4, outcome: 'applied' }),
      line('dte-sync#2', '2026-01-01T00:00:01.000Z', { tenant_id: 'a', tenantversion: 3, outcome: 'applied' }),
      line('dte-sync', '2026-01-01T00:00:00.000Z', { tenant_id: 'b', tenantversion: 2, outcome: 'applied' }),
      line('dte-sync#2', '2026-01-01T00:00:05.000Z', { tenant_id: 'b', tenantversion: 2, outcome: 'applied' }),
    ]);
    expect(appliedOutOfOrder(lines)).toEqual([
      { tenant: 'a', versions: [4, 3] },
      { tenant: 'b', versions: [2, 2] },
    ]);
  });
});
