import { createTenantSchemaOrm, dropTenantSchema } from '@tenantry/tenant-schema';
import pg from 'pg';

/**
 * TEST ONLY — stands in for the purge (issue 15, item 3) until it exists: drops the tenant's schema
 * and role on its database and deletes every control row about it (tenant, memberships, event log,
 * moves). Unlike a purge it leaves no tombstone, as if the tenant had never been in this
 * installation. Switch the round-trip test to the purge once it is merged.
 */
export async function removeTenantForTest(
  { controlUrl, controlSchema, tenantDatabaseUrl }: { controlUrl: string; controlSchema: string; tenantDatabaseUrl: string },
  tenantId: string,
): Promise<void> {
  const orm = await createTenantSchemaOrm({ databaseUrl: tenantDatabaseUrl, poolMax: 1 });
  try {
    await dropTenantSchema(orm, tenantId);
  } finally {
    await orm.close(true);
  }
  const client = new pg.Client({ connectionString: controlUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`set local search_path to "${controlSchema.replaceAll('"', '""')}"`);
    for (const table of ['memberships', 'tenant_events', 'tenant_moves', 'tenants']) {
      await client.query(`delete from ${table} where ${table === 'tenants' ? 'id' : 'tenant_id'} = $1`, [tenantId]);
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
