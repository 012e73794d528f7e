import type { EntityManager } from '@mikro-orm/postgresql';
import { NoOpenTenantDatabaseError, TenantDatabaseDrainingError, UnknownTenantDatabaseError } from './errors.ts';

/**
 * Serializes placements: two tenants created at once must not both see the same "fewest" count.
 * Held until the create transaction ends.
 */
const PLACEMENT_LOCK = `select pg_advisory_xact_lock(hashtext('tenantry:placement'))`;

/** The open database with the fewest non-purged tenants; ties by name. */
const LEAST_FILLED_OPEN = `select d.name from tenant_databases d
   left join tenants t on t.database = d.name and t.status <> 'purged'
  where d.status = 'open'
  group by d.name
  order by count(t.id), d.name
  limit 1`;

/**
 * Picks the database of a tenant being created, inside the caller's create transaction (the
 * control schema on its search path). `requested` (a superuser's choice, checked by the caller)
 * must name an open database.
 */
export async function placeNewTenant(em: EntityManager, requested?: string): Promise<string> {
  await em.execute(PLACEMENT_LOCK);
  if (requested !== undefined) {
    const [row] = await em.execute<{ status: string }[]>(`select status from tenant_databases where name = ?`, [requested]);
    if (!row) throw new UnknownTenantDatabaseError(requested);
    if (row.status !== 'open') throw new TenantDatabaseDrainingError(requested);
    return requested;
  }
  const [chosen] = await em.execute<{ name: string }[]>(LEAST_FILLED_OPEN);
  if (!chosen) throw new NoOpenTenantDatabaseError();
  return chosen.name;
}
