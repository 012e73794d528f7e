import type { ControlOrm } from '../orm/index.ts';

export interface TenantStatusCounts {
  /** Tenants per status (statuses without tenants are absent). */
  byStatus: Record<string, number>;
  /** Seconds since the longest-waiting `pending_setup` tenant last changed; null when none waits. */
  oldestPendingSetupAgeSeconds: number | null;
}

/** For metrics and alerts: how many tenants are in each state, and how long the oldest pending one waits. */
export async function readTenantStatusCounts(orm: ControlOrm): Promise<TenantStatusCounts> {
  const rows = await orm.em.fork().execute<{ status: string; n: string; oldest: number | null }[]>(
    `select status, count(*)::text as n, extract(epoch from now() - min(updated_at))::float8 as oldest from tenants group by status`,
  );
  const pending = rows.find((row) => row.status === 'pending_setup');
  return {
    byStatus: Object.fromEntries(rows.map((row) => [row.status, Number(row.n)])),
    oldestPendingSetupAgeSeconds: pending?.oldest ?? null,
  };
}
