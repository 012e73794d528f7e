import type { EntityManager } from '@mikro-orm/postgresql';
import { qualifiedName } from '../schema/index.ts';
import type { TenantSchemaInput } from './tenant-input.ts';

/** Name of the main location seeded from the tenant address. */
export const MAIN_LOCATION_NAME = 'Casa Matriz';

/**
 * Seeds a freshly migrated schema from the tenant: the issuer (razon social = tenant name),
 * its economic activities, DTE config in certification, and the "casa matriz" location. Does
 * nothing when the issuer row already exists, so a re-run never overwrites newer data (dte-sync
 * owns the issuer from then on). Returns whether it seeded.
 *
 * One statement, one round trip: the issuer insert decides (`on conflict do nothing`: the table
 * holds at most the row id 1), and the other inserts only run when it inserted. Tenant values
 * travel as bound parameters (the activities as one JSON array); only the schema name, validated
 * and quoted, is part of the SQL text.
 */
export async function seedTenantSchema(tx: EntityManager, schema: string, tenant: TenantSchemaInput): Promise<boolean> {
  const table = (name: string) => qualifiedName(schema, name);
  const rows = await tx.execute<{ seeded: boolean }[]>(
    `with issuer as (
       insert into ${table('issuer')} (id, rut, razon_social, giro, address, commune, city, source_version, updated_at)
       values (1, ?, ?, ?, ?, ?, ?, ?, now())
       on conflict (id) do nothing
       returning id
     ), activities as (
       insert into ${table('economic_activities')} (code, name, category, taxable)
       select a.item ->> 'code', a.item ->> 'name', a.item ->> 'category', (a.item -> 'taxable')::boolean
         from jsonb_array_elements(?::jsonb) with ordinality as a(item, n)
        where exists (select 1 from issuer)
        order by a.n
     ), config as (
       insert into ${table('dte_config')} (id, environment, updated_at)
       select 1, 'certification', now()
        where exists (select 1 from issuer) and not exists (select 1 from ${table('dte_config')})
     ), main_location as (
       insert into ${table('locations')} (name, address, commune, city, is_main, created_at, updated_at)
       select ?, ?, ?, ?, true, now(), now()
        where exists (select 1 from issuer) and not exists (select 1 from ${table('locations')} where is_main)
     )
     select exists (select 1 from issuer) as seeded`,
    [
      tenant.rut,
      tenant.name,
      tenant.giro,
      tenant.address,
      tenant.commune,
      tenant.city,
      tenant.version,
      JSON.stringify(tenant.economic_activities.map(activityRow)),
      MAIN_LOCATION_NAME,
      tenant.address,
      tenant.commune,
      tenant.city,
    ],
  );
  return rows[0]?.seeded === true;
}

export function activityRow(activity: TenantSchemaInput['economic_activities'][number]) {
  return { code: activity.code, name: activity.name, category: activity.category, taxable: activity.taxable };
}
