import { roleNameFor, schemaNameFor } from '@tenantry/tenant-schema';
import { waitFor } from '@tenantry/testing';
import { startStack, type Stack } from '../stack.ts';

// A migration that fails halfway, injected at the database level: an event trigger refuses to
// create the `invoices` table in any tenant schema, after the earlier tables were already created
// in the same transaction. No test hook in the services themselves. Spare schemas are off: this
// is the path that builds a schema (a spare would skip the failing migration altogether).
let stack: Stack;
beforeAll(async () => {
  stack = await startStack(undefined, { env: { PROVISIONER_SPARE_SCHEMAS: '0' } });
  await stack.query(`create function e2e_refuse_invoices() returns event_trigger language plpgsql as $$
    begin
      if exists (select 1 from pg_event_trigger_ddl_commands()
                  where object_type = 'table' and object_identity like 'tenant\\_%.invoices') then
        raise exception 'e2e fault: invoices table refused';
      end if;
    end $$`);
  await stack.query(`create event trigger e2e_refuse_invoices on ddl_command_end when tag in ('CREATE TABLE')
    execute function e2e_refuse_invoices()`);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
}, 60_000);

it('leaves no schema and no role when a migration fails halfway, marks setup_failed, and provisions on re-request', async () => {
  const created = await stack.api.POST('/v1/tenants', { body: { name: 'Fallida Limitada', rut: '11.111.111-1' } });
  expect(created.response.status).toBe(201);
  const id = created.data!.id;
  const readTenant = async () => (await stack.api.GET('/v1/tenants/{id}', { params: { path: { id } } })).data!;

  const failed = await waitFor('tenant setup_failed', async () => {
    const tenant = await readTenant();
    return tenant.status === 'setup_failed' ? tenant : undefined;
  }, { timeoutMs: 60_000, intervalMs: 200 });
  expect(failed.schema_version).toBeNull();
  const schemas = await stack.query(`select 1 from pg_namespace where nspname = $1`, [schemaNameFor(id)]);
  expect(schemas).toHaveLength(0);
  const roles = await stack.query(`select 1 from pg_roles where rolname = $1`, [roleNameFor(id)]);
  expect(roles).toHaveLength(0);
  const history = await stack.query<{ type: string }>(
    `select type from control.tenant_events where tenant_id = $1 order by tenant_version`,
    [id],
  );
  expect(history.map((h) => h.type)).toEqual(['TenantCreated', 'TenantProvisioningFailed']);

  await stack.query(`drop event trigger e2e_refuse_invoices`);
  const again = await stack.api.POST('/v1/tenants/{id}/provision', { params: { path: { id } } });
  expect(again.response.status).toBe(202);
  const active = await waitFor('tenant active after re-request', async () => {
    const tenant = await readTenant();
    return tenant.status === 'active' ? tenant : undefined;
  }, { timeoutMs: 30_000, intervalMs: 100 });
  expect(active.schema_version).toBe('Migration20261122000000_initial');
  const tables = await stack.query(`select 1 from information_schema.tables where table_schema = $1 and table_name = 'invoices'`, [schemaNameFor(id)]);
  expect(tables).toHaveLength(1);
}, 150_000);
