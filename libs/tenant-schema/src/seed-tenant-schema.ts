import type { EntityManager } from '@mikro-orm/postgresql';
import { DteConfig, EconomicActivity, Issuer, Location } from './entities/index.ts';
import type { TenantSchemaInput } from './tenant-input.ts';

/** Name of the main location seeded from the tenant address. */
export const MAIN_LOCATION_NAME = 'Casa Matriz';

/**
 * Seeds a freshly migrated schema from the tenant: the issuer (razon social = tenant name),
 * its economic activities, DTE config in certification, and the "casa matriz" location. Does
 * nothing when the issuer row already exists, so a re-run never overwrites newer data (dte-sync
 * owns the issuer from then on). Returns whether it seeded.
 */
export async function seedTenantSchema(tx: EntityManager, schema: string, tenant: TenantSchemaInput): Promise<boolean> {
  const existing = await tx.count(Issuer, {}, { schema });
  if (existing > 0) {
    return false;
  }
  await tx.insert(
    Issuer,
    {
      id: 1,
      rut: tenant.rut,
      razon_social: tenant.name,
      giro: tenant.giro,
      address: tenant.address,
      commune: tenant.commune,
      city: tenant.city,
      source_version: tenant.version,
      updated_at: new Date(),
    },
    { schema },
  );
  if (tenant.economic_activities.length > 0) {
    await tx.insertMany(EconomicActivity, tenant.economic_activities.map(activityRow), { schema });
  }
  if ((await tx.count(DteConfig, {}, { schema })) === 0) {
    await tx.insert(DteConfig, { id: 1, environment: 'certification', updated_at: new Date() }, { schema });
  }
  if ((await tx.count(Location, { is_main: true }, { schema })) === 0) {
    const now = new Date();
    await tx.insert(
      Location,
      {
        name: MAIN_LOCATION_NAME,
        address: tenant.address,
        commune: tenant.commune,
        city: tenant.city,
        is_main: true,
        created_at: now,
        updated_at: now,
      },
      { schema },
    );
  }
  return true;
}

export function activityRow(activity: TenantSchemaInput['economic_activities'][number]) {
  return { code: activity.code, name: activity.name, category: activity.category, taxable: activity.taxable };
}
