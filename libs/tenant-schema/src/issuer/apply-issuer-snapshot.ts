import { LockMode } from '@mikro-orm/core';
import { tableExists } from '../schema/index.ts';
import { EconomicActivity, Issuer, Location } from '../entities/index.ts';
import { activityRow } from '../provision/index.ts';
import { lockTenantSchema } from '../schema/index.ts';
import { schemaNameFor } from '../schema/index.ts';
import type { TenantSchemaInput } from '../provision/index.ts';
import type { TenantSchemaOrm } from '../schema/index.ts';
import { assertTenantInput, assertVersion } from '../provision/index.ts';

/** `applied`: the schema now holds this version; `stale`: it already held this or a newer one; `no-schema`: not provisioned yet. */
export type IssuerSnapshotOutcome = 'applied' | 'stale' | 'no-schema';

/**
 * Copies the tenant's DTE fields into its schema when `tenantversion` is newer than the version
 * the issuer row was last copied from: issuer fields, the full list of economic activities, and
 * the main location's address. Events may arrive late, twice or out of order; only a newer version
 * changes anything. A schema that does not exist yet is reported, never an error: the later
 * `TenantProvisioned` event carries the current snapshot.
 */
export async function applyIssuerSnapshot(
  orm: TenantSchemaOrm,
  tenant: TenantSchemaInput,
  tenantversion: number,
): Promise<IssuerSnapshotOutcome> {
  assertTenantInput(tenant);
  assertVersion(tenantversion, 'tenantversion');
  const schema = schemaNameFor(tenant.id);

  return orm.em.fork().transactional(async (tx) => {
    // Waits for an in-flight provisioning of this tenant, then sees its committed result.
    await lockTenantSchema(tx, schema);
    if (!(await tableExists(tx, schema, 'issuer'))) {
      return 'no-schema';
    }
    const issuer = await tx.findOne(Issuer, { id: 1 }, { schema, lockMode: LockMode.PESSIMISTIC_WRITE });
    if (issuer && tenantversion <= issuer.source_version) {
      return 'stale';
    }
    const fields = {
      rut: tenant.rut,
      razon_social: tenant.name!, // assertTenantInput refused a null name
      giro: tenant.giro,
      address: tenant.address,
      commune: tenant.commune,
      city: tenant.city,
      source_version: tenantversion,
      updated_at: new Date(),
    };
    if (issuer) {
      await tx.nativeUpdate(Issuer, { id: 1 }, fields, { schema });
    } else {
      // Only reachable if someone deleted the row: recreate it rather than drop the update.
      await tx.insert(Issuer, { id: 1, ...fields }, { schema });
    }
    await tx.nativeDelete(EconomicActivity, {}, { schema });
    if (tenant.economic_activities.length > 0) {
      await tx.insertMany(EconomicActivity, tenant.economic_activities.map(activityRow), { schema });
    }
    await tx.nativeUpdate(
      Location,
      { is_main: true },
      { address: tenant.address, commune: tenant.commune, city: tenant.city, updated_at: new Date() },
      { schema },
    );
    return 'applied';
  });
}
