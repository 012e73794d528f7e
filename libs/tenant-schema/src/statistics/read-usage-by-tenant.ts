import { quoteIdentifier } from '../schema/index.ts';
import type { TenantSchemaOrm } from '../schema/index.ts';
import { STATEMENT_TOTALS_SQL, statementStatsAvailability, statementTotalsOf, type StatementStatsAvailability, type StatementTotals } from './statement-stats.ts';

export type UsageOrder = 'exec_time' | 'calls' | 'rows';

const ORDER_COLUMN: Record<UsageOrder, string> = { exec_time: 'exec_ms', calls: 'sum(s.calls)', rows: 'sum(s.rows)' };

/** One tenant's statements on one database, found through its role's name. */
export interface TenantStatements extends StatementTotals {
  tenantId: string;
}

export type UsageByTenant = StatementStatsAvailability & { tenants: TenantStatements[] };

const ROLE_PATTERN = '^tenant_[0-9a-f]{32}_app$';

function tenantIdOfRole(role: string): string {
  const hex = role.slice('tenant_'.length, 'tenant_'.length + 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The `limit` tenants that did the most work on this database (statements run as their roles,
 * pg_stat_statements), ordered by `order`. Empty with `available: false` when the server cannot tell.
 */
export async function readUsageByTenant(orm: TenantSchemaOrm, { order, limit }: { order: UsageOrder; limit: number }): Promise<UsageByTenant> {
  const em = orm.em.fork();
  const availability = await statementStatsAvailability(em);
  if (!availability.available) return { ...availability, tenants: [] };
  const rows = await em.execute<{ role: string; calls: string; exec_ms: number; rows: string }[]>(
    `select r.rolname as role, ${STATEMENT_TOTALS_SQL}
       from ${quoteIdentifier('pg_stat_statements')} s join pg_roles r on r.oid = s.userid
      where r.rolname ~ '${ROLE_PATTERN}' and s.dbid = (select oid from pg_database where datname = current_database())
      group by r.rolname
      order by ${ORDER_COLUMN[order]} desc, r.rolname
      limit ?`,
    [limit],
  );
  return { available: true, tenants: rows.map((row) => ({ tenantId: tenantIdOfRole(row.role), ...statementTotalsOf(row) })) };
}
