import { recordProvisioningOutcome } from '@tenantry/control-db';
import { createTenantSchemaOrm, provisionTenantSchema, roleNameFor, schemaNameFor, type TenantSchemaOrm } from '@tenantry/tenant-schema';
import { waitFor } from '@tenantry/testing';
import { bearer, expectProblem } from '../testing/http-helpers.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let schemaOrm: TenantSchemaOrm;

beforeAll(async () => {
  t = await createTestApp();
  schemaOrm = await createTenantSchemaOrm({ databaseUrl: t.db.url });
});
afterAll(async () => {
  await schemaOrm?.close(true);
  await t?.close();
});

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, token = t.superToken) {
  return t.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
}

const sql = <R extends object>(text: string, params: unknown[] = []) => t.orm.em.fork().execute<R[]>(text, params);

/** An active tenant with its schema and role built, as the provisioner leaves it. */
async function activeTenant(fields: Record<string, unknown> = {}) {
  const created = await call('POST', '/v1/tenants', { name: `Purge Tenant ${Math.random().toString(36).slice(2, 8)}`, ...fields });
  expect(created.statusCode).toBe(201);
  const tenant = created.json();
  const built = await provisionTenantSchema(schemaOrm, tenant, { roleLogin: true });
  await recordProvisioningOutcome(t.orm, tenant.id, { ok: true, schemaVersion: built.schemaVersion });
  return tenant as { id: string; slug: string };
}

async function deactivatedTenant(fields: Record<string, unknown> = {}) {
  const tenant = await activeTenant(fields);
  expect((await call('POST', `/v1/tenants/${tenant.id}/deactivate`, {})).statusCode).toBe(200);
  return tenant;
}

const schemaExists = async (tenantId: string) =>
  (await sql(`select 1 from pg_namespace where nspname = ?`, [schemaNameFor(tenantId)])).length === 1;
const roleExists = async (tenantId: string) => (await sql(`select 1 from pg_roles where rolname = ?`, [roleNameFor(tenantId)])).length === 1;
const statusOf = async (tenantId: string) => (await sql<{ status: string }>(`select status from tenants where id = ?`, [tenantId]))[0].status;

describe('POST /v1/tenants/{id}/purge: who and when', () => {
  it('refuses a tenant that is not deactivated: 409 TNT_ERR_TENANT_NOT_DEACTIVATED, nothing changes', async () => {
    const tenant = await activeTenant();
    const problem = expectProblem(await call('POST', `/v1/tenants/${tenant.id}/purge`, { force: true }), 409);
    expect(problem.code).toBe('TNT_ERR_TENANT_NOT_DEACTIVATED');
    expect(await schemaExists(tenant.id)).toBe(true);
    expect(await sql(`select 1 from tenant_purges where tenant_id = ?`, [tenant.id])).toEqual([]);
  });

  it('refuses a tenant deactivated for less than PURGE_AFTER_DAYS without force: 409 TNT_ERR_PURGE_TOO_EARLY', async () => {
    const tenant = await deactivatedTenant();
    const problem = expectProblem(await call('POST', `/v1/tenants/${tenant.id}/purge`, {}), 409);
    expect(problem.code).toBe('TNT_ERR_PURGE_TOO_EARLY');
    expect(problem.detail).toMatch(/force/);
    expect(await schemaExists(tenant.id)).toBe(true);
  });

  it('accepts a tenant deactivated longer ago than PURGE_AFTER_DAYS without force', async () => {
    const tenant = await deactivatedTenant();
    await sql(`update tenants set deactivated_at = now() - interval '31 days' where id = ?`, [tenant.id]);
    const response = await call('POST', `/v1/tenants/${tenant.id}/purge`, {});
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual(expect.objectContaining({ tenant_id: tenant.id, forced: false, database: 'main' }));
    await waitFor('purge done', async () => (await statusOf(tenant.id)) === 'purged');
  });

  it('answers 404 TNT_ERR_TENANT_NOT_FOUND for an unknown tenant', async () => {
    const problem = expectProblem(await call('POST', '/v1/tenants/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/purge', { force: true }), 404);
    expect(problem.code).toBe('TNT_ERR_TENANT_NOT_FOUND');
  });

  it('refuses anyone but a superuser: a tenant admin gets 403, an outsider 404', async () => {
    const admin = await t.tokenFor(`purge-admin-${Date.now()}@example.com`, { permissions: ['CREATE_TENANT'] });
    const created = await call('POST', '/v1/tenants', { name: 'Admin Owned Tenant' }, admin.token);
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect((await call('POST', `/v1/tenants/${id}/deactivate`, {})).statusCode).toBe(200);
    expect(expectProblem(await call('POST', `/v1/tenants/${id}/purge`, { force: true }, admin.token), 403).code).toBe('TNT_ERR_FORBIDDEN');
    const outsider = await t.tokenFor(`purge-outsider-${Date.now()}@example.com`);
    expect(expectProblem(await call('POST', `/v1/tenants/${id}/purge`, { force: true }, outsider.token), 404).code).toBe('TNT_ERR_TENANT_NOT_FOUND');
    expect(await statusOf(id)).toBe('deactivated');
  });

  it('while a purge is open the tenant cannot be activated again: 409 TNT_ERR_INVALID_STATE', async () => {
    const tenant = await deactivatedTenant();
    // A journal left open (as a crash would leave it): the runner owes the rest, nobody may revive the tenant.
    await sql(`insert into tenant_purges (tenant_id, state, forced) values (?, 'requested', true)`, [tenant.id]);
    expect(expectProblem(await call('POST', `/v1/tenants/${tenant.id}/activate`, {}), 409).code).toBe('TNT_ERR_INVALID_STATE');
    await waitFor('the runner finishes the open purge', async () => (await statusOf(tenant.id)) === 'purged', { timeoutMs: 30_000 });
  });

  it('refuses an unknown body field: 422', async () => {
    const tenant = await deactivatedTenant();
    expectProblem(await call('POST', `/v1/tenants/${tenant.id}/purge`, { force: true, now: true }), 422);
  });
});

describe('a forced purge', () => {
  it('drops schema and role, removes members and idempotency records, keeps a tombstone, frees slug and rut, emits TenantPurged', async () => {
    const tenant = await deactivatedTenant({ name: 'Comercial Purga SpA', rut: '76.086.428-5', address: 'Av. Olvido 123', slug: 'comercial-purga' });
    await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.id}/members`,
      headers: { ...bearer(t.superToken), 'idempotency-key': 'purge-member-1' },
      payload: { email: 'purga.member@example.com', role: 'developer' },
    });
    expect((await sql(`select 1 from idempotency_keys where route like ?`, [`%${tenant.id}%`])).length).toBe(1);

    const response = await call('POST', `/v1/tenants/${tenant.id}/purge`, { force: true });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual(expect.objectContaining({ tenant_id: tenant.id, forced: true }));
    await waitFor('purge done', async () => (await statusOf(tenant.id)) === 'purged');

    expect(await schemaExists(tenant.id)).toBe(false);
    expect(await roleExists(tenant.id)).toBe(false);
    const [row] = await sql<Record<string, unknown>>(`select * from tenants where id = ?`, [tenant.id]);
    expect(row).toEqual(
      expect.objectContaining({ status: 'purged', name: null, slug: null, rut: null, address: null, description: null, purged_at: expect.anything() }),
    );
    expect(await sql(`select 1 from memberships where tenant_id = ?`, [tenant.id])).toEqual([]);
    expect(await sql(`select 1 from idempotency_keys where route like ?`, [`%${tenant.id}%`])).toEqual([]);
    expect(await sql(`select state from tenant_purges where tenant_id = ?`, [tenant.id])).toEqual([{ state: 'done' }]);
    expect(await sql(`select key from subject_keys where subject = ?`, [`tenant:${tenant.id}`])).toEqual([{ key: null }]);

    const [purged] = await sql<{ event: { data: { tenant: Record<string, unknown>; purged_at: string } } }>(
      `select event from tenant_events where tenant_id = ? and type = 'TenantPurged'`,
      [tenant.id],
    );
    expect(purged.event.data.tenant).toEqual(expect.objectContaining({ id: tenant.id, status: 'purged', name: null, rut: null, address: null, is_active: false }));
    expect(purged.event.data.purged_at).toEqual(expect.any(String));

    // The same slug and rut are free again.
    const again = await call('POST', '/v1/tenants', { name: 'Comercial Purga Dos SpA', slug: 'comercial-purga', rut: '76086428-5' });
    expect(again.statusCode).toBe(201);

    // A repeated request answers with the finished purge and changes nothing.
    const repeated = await call('POST', `/v1/tenants/${tenant.id}/purge`, { force: true });
    expect(repeated.statusCode).toBe(202);
    expect(repeated.json().state).toBe('done');
    const tombstone = await call('GET', `/v1/tenants/${tenant.id}`);
    expect(tombstone.statusCode).toBe(200);
    expect(tombstone.json()).toEqual(expect.objectContaining({ status: 'purged', name: null, slug: null }));
    // Reads of a tombstone never fail: its schema is gone, its history stays (personal fields null).
    expect((await call('GET', `/v1/tenants/${tenant.id}/statistics`)).statusCode).toBeLessThan(500);
    const history = await call('GET', `/v1/tenants/${tenant.id}/events`);
    expect(history.statusCode).toBe(200);
    expect(history.json().data[0]).toEqual(expect.objectContaining({ type: 'TenantPurged' }));
    for (const event of history.json().data) expect([event.data.tenant.name, event.data.tenant.rut, event.data.tenant.address]).toEqual([null, null, null]);
    // A tombstone changes no more: activating, patching or adding a member is a 409.
    for (const [method, url, payload] of [
      ['POST', `/v1/tenants/${tenant.id}/activate`, {}],
      ['POST', `/v1/tenants/${tenant.id}/members`, { email: 'late.member@example.com', role: 'readonly' }],
    ] as const) {
      expect(expectProblem(await call(method, url, payload), 409).code).toBe('TNT_ERR_INVALID_STATE');
    }
    const patched = await t.app.inject({ method: 'PATCH', url: `/v1/tenants/${tenant.id}`, headers: bearer(t.superToken), payload: { city: 'Talca' } });
    expect(expectProblem(patched, 409).code).toBe('TNT_ERR_INVALID_STATE');
  });
});
