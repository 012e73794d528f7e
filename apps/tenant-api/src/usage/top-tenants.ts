import { readTenantLabels, type ControlOrm } from '@tenantry/control-db';
import type { TenantDatabases } from '@tenantry/tenant-databases';
import { readSchemaBytes, readUsageByTenant, type UsageOrder } from '@tenantry/tenant-schema';

/** One tenant database's answer: whether it could attribute statements, and why not. */
export interface DatabaseUsageSource {
  name: string;
  available: boolean;
  reason: string | null;
}

export interface TopTenant {
  tenantId: string;
  name: string;
  slug: string;
  database: string;
  calls: number;
  totalExecTimeMs: number;
  rows: number;
  tableBytes: number;
  indexBytes: number;
}

export interface TopTenants {
  databases: DatabaseUsageSource[];
  tenants: TopTenant[];
}

const SORT: Record<UsageOrder, (t: TopTenant) => number> = { exec_time: (t) => t.totalExecTimeMs, calls: (t) => t.calls, rows: (t) => t.rows };

/**
 * The `limit` tenants that did the most database work, over every registered tenant database: each
 * server is asked for its own top `limit` (pg_stat_statements by tenant role, in that database),
 * the answers are summed per tenant (a moved tenant's work on its old database counts too) and cut
 * to `limit`; then the schema sizes of those tenants are read where they live now. A database that
 * does not load pg_stat_statements, or does not answer, is named in `databases` and skipped.
 */
export async function readTopTenants(orm: ControlOrm, databases: TenantDatabases, { order, limit }: { order: UsageOrder; limit: number }): Promise<TopTenants> {
  const sources: DatabaseUsageSource[] = [];
  const totals = new Map<string, { calls: number; totalExecTimeMs: number; rows: number }>();
  for (const { name } of await databases.list()) {
    try {
      const usage = await databases.use(name, (tenantOrm) => readUsageByTenant(tenantOrm, { order, limit }));
      sources.push({ name, available: usage.available, reason: usage.available ? null : usage.reason });
      for (const entry of usage.tenants) {
        const sum = totals.get(entry.tenantId) ?? { calls: 0, totalExecTimeMs: 0, rows: 0 };
        totals.set(entry.tenantId, { calls: sum.calls + entry.calls, totalExecTimeMs: sum.totalExecTimeMs + entry.totalExecTimeMs, rows: sum.rows + entry.rows });
      }
    } catch (error) {
      sources.push({ name, available: false, reason: `the database could not be read: ${(error as Error).message}` });
    }
  }
  const labels = await readTenantLabels(orm, [...totals.keys()]);
  const ranked = [...totals.entries()]
    .filter(([id]) => labels.has(id)) // roles of purged or unknown tenants
    .map(([id, sum]): TopTenant => ({ tenantId: id, ...labels.get(id)!, ...sum, tableBytes: 0, indexBytes: 0 }))
    .sort((x, y) => SORT[order](y) - SORT[order](x) || x.tenantId.localeCompare(y.tenantId))
    .slice(0, limit);
  const byDatabase = Map.groupBy(ranked, (tenant) => tenant.database);
  for (const [database, tenants] of byDatabase) {
    const bytes = await databases
      .use(database, (tenantOrm) => readSchemaBytes(tenantOrm, tenants.map((t) => t.tenantId)))
      .catch(() => new Map<string, { tableBytes: number; indexBytes: number }>());
    for (const tenant of tenants) Object.assign(tenant, bytes.get(tenant.tenantId) ?? {});
  }
  return { databases: sources, tenants: ranked };
}
