import { recordProvisioningOutcome } from '@tenantry/control-db';
import { createTenantSchemaOrm, provisionTenantSchema, quoteIdentifier, type TenantSchemaOrm } from '@tenantry/tenant-schema';
import { bearer, expectProblem, rowCounts } from '../testing/http-helpers.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { openedEventLog } from '../testing/event-log.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function call(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = {}, token = t.superToken) {
  return t.app.inject({ method, url, headers: { ...bearer(token), ...headers }, ...(payload ? { payload } : {}) });
}

async function newTenant(payload: object = {}) {
  const response = await call('POST', '/v1/tenants', { name: `Operations Tenant ${Math.random().toString(36).slice(2, 8)}`, ...payload });
  expect(response.statusCode).toBe(201);
  return response.json();
}

/** The tenant's events from the log, opened as a subscriber reads them (contract v2 seals personal fields there). */
const eventsOf = (tenantId: string) => openedEventLog<{ data: Record<string, unknown> }>(t.orm, tenantId);

describe('PATCH /v1/tenants/{id}', () => {
  it('a PATCH that changes nothing (also after normalization) answers 200 and emits nothing', async () => {
    const tenant = await newTenant({ name: 'Quiet Tenant SpA', rut: '76.086.428-5', country_code: 'CL', settings: { timezone: 'UTC' } });
    const before = await rowCounts(t.orm);
    const sameValues = [
      { name: '  Quiet Tenant SpA  ' },
      { rut: '76086428-5' },
      { rut: '76.086.428-5' },
      { country_code: 'cl' },
      { settings: { timezone: 'UTC' } },
      { settings: {} },
      {},
      { address: null, description: null },
    ];
    for (const patch of sameValues) {
      for (const method of ['PATCH', 'PUT'] as const) {
        const response = await call(method, `/v1/tenants/${tenant.id}`, patch);
        expect({ patch, status: response.statusCode, version: response.json().version }).toEqual({ patch, status: 200, version: 1 });
        expect(response.headers.etag).toBe('W/"1"');
      }
    }
    expect(await rowCounts(t.orm)).toEqual(before);
    expect((await eventsOf(tenant.id)).map((e) => e.type)).toEqual(['TenantCreated']);
  });

  it('a real change bumps the version by one and emits TenantUpdated with exactly the changed fields', async () => {
    const tenant = await newTenant({ settings: { timezone: 'UTC' } });
    const response = await call('PATCH', `/v1/tenants/${tenant.id}`, { city: 'Talca', settings: { default_currency: 'USD' }, billing_day: 1 });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ version: 2, city: 'Talca', settings: { default_currency: 'USD', timezone: 'UTC' }, billing_day: 1 });
    expect(response.headers.etag).toBe('W/"2"');
    const events = await eventsOf(tenant.id);
    expect(events.map((e) => [e.type, e.tenant_version])).toEqual([
      ['TenantCreated', 1],
      ['TenantUpdated', 2],
    ]);
    expect(events[1].event.data.changed_fields).toEqual(['city', 'settings']);
  });

  it('If-Match: a stale version is a 412 that writes nothing; the current one (weak, strong, in a list, or *) passes', async () => {
    const tenant = await newTenant();
    expect((await call('PATCH', `/v1/tenants/${tenant.id}`, { city: 'Arica' })).json().version).toBe(2);
    const before = await rowCounts(t.orm);
    const stale = await call('PATCH', `/v1/tenants/${tenant.id}`, { city: 'Iquique' }, { 'if-match': 'W/"1"' });
    expect(expectProblem(stale, 412).code).toBe('TNT_ERR_VERSION_MISMATCH');
    expect(await rowCounts(t.orm)).toEqual(before);
    expect((await call('GET', `/v1/tenants/${tenant.id}`)).json().city).toBe('Arica');

    const matches = [['W/"2"', 3], ['"3"', 4], ['W/"1", W/"4"', 5], ['*', 6]] as const;
    for (const [ifMatch, version] of matches) {
      const response = await call('PATCH', `/v1/tenants/${tenant.id}`, { city: `City ${version}` }, { 'if-match': ifMatch });
      expect({ ifMatch, status: response.statusCode, version: response.json().version }).toEqual({ ifMatch, status: 200, version });
    }
  });

  it('If-Match is read by the RFC 9110 grammar: `*` only on its own, a malformed list matches nothing (412, nothing written)', async () => {
    const tenant = await newTenant();
    const before = await rowCounts(t.orm);
    for (const ifMatch of ['W/"9", *', '*, W/"1"', 'W/"1" W/"1"', 'W/"1", garbage', 'w/"1"']) {
      const response = await call('PATCH', `/v1/tenants/${tenant.id}`, { city: 'Putre' }, { 'if-match': ifMatch });
      expect({ ifMatch, status: response.statusCode }).toEqual({ ifMatch, status: 412 });
    }
    expect(await rowCounts(t.orm)).toEqual(before);
    const listed = await call('PATCH', `/v1/tenants/${tenant.id}`, { city: 'Putre' }, { 'if-match': '"a,b",\tW/"1" ,' });
    expect(listed.statusCode).toBe(200);
  });

  it('a user_limit or plan below the members the limit counts is a 409 that writes nothing; at the count it passes', async () => {
    const tenant = await newTenant({ plan_id: 'enterprise' });
    for (const email of ['limit-a@operations.test', 'limit-b@operations.test', 'limit-c@operations.test']) {
      expect((await call('POST', `/v1/tenants/${tenant.id}/members`, { email, role: 'readonly' })).statusCode).toBe(201);
    }
    // The caller (admin) and three members: four.
    const before = await rowCounts(t.orm);
    for (const patch of [{ user_limit: 3 }, { plan_id: 'free' }, { plan_id: 'business', user_limit: 1 }]) {
      const refused = expectProblem(await call('PATCH', `/v1/tenants/${tenant.id}`, patch), 409);
      expect(refused.code).toBe('TNT_ERR_USER_LIMIT_TOO_LOW');
      expect(refused.detail).toMatch(/allow \d+ users, but the tenant has 4 members/);
    }
    expect(await rowCounts(t.orm)).toEqual(before);
    const atCount = await call('PATCH', `/v1/tenants/${tenant.id}`, { user_limit: 4 });
    expect(atCount.json()).toMatchObject({ user_limit: 4, max_users: 4 });
  });

  it('GET answers the ETag of the current version, with the members', async () => {
    const tenant = await newTenant({ admin: { email: 'etag-owner@operations.test' } });
    await call('PATCH', `/v1/tenants/${tenant.id}`, { giro: 'Servicios' });
    const response = await call('GET', `/v1/tenants/${tenant.id}`);
    expect(response.headers.etag).toBe('W/"2"');
    expect(response.json().members).toEqual([expect.objectContaining({ email: 'etag-owner@operations.test', role: 'admin' })]);
  });

  it('a slug or RUT taken by another tenant is a 409 that writes nothing', async () => {
    const taken = await newTenant({ slug: 'taken-by-other', rut: '96.790.240-3' });
    const tenant = await newTenant();
    const before = await rowCounts(t.orm);
    expect(expectProblem(await call('PATCH', `/v1/tenants/${tenant.id}`, { slug: taken.slug }), 409).code).toBe('TNT_ERR_SLUG_TAKEN');
    expect(expectProblem(await call('PATCH', `/v1/tenants/${tenant.id}`, { rut: '96790240-3' }), 409).code).toBe('TNT_ERR_RUT_TAKEN');
    expect(await rowCounts(t.orm)).toEqual(before);
  });
});

describe('lifecycle: suspend, deactivate, activate, provision', () => {
  it('suspend makes the tenant inactive; repeating it emits nothing; a deactivated tenant cannot be suspended (409)', async () => {
    const tenant = await newTenant();
    const suspended = await call('POST', `/v1/tenants/${tenant.id}/suspend`);
    expect(suspended.statusCode).toBe(200);
    expect(suspended.json()).toMatchObject({ status: 'suspended', is_active: false, version: 2 });
    expect((await call('POST', `/v1/tenants/${tenant.id}/suspend`)).json().version).toBe(2);
    expect((await call('POST', `/v1/tenants/${tenant.id}/deactivate`)).json()).toMatchObject({ status: 'deactivated', is_active: false, version: 3 });
    expect(expectProblem(await call('POST', `/v1/tenants/${tenant.id}/suspend`), 409).code).toBe('TNT_ERR_INVALID_STATE');
    expect((await eventsOf(tenant.id)).map((e) => e.type)).toEqual(['TenantCreated', 'TenantSuspended', 'TenantDeactivated']);
  });

  it('provision answers 202 and emits TenantProvisionRequested; after setup_failed it goes back to pending_setup', async () => {
    const tenant = await newTenant();
    const requested = await call('POST', `/v1/tenants/${tenant.id}/provision`);
    expect(requested.statusCode).toBe(202);
    expect(requested.json()).toMatchObject({ status: 'pending_setup', version: 2 });
    // What the provisioning-results consumer records when the provisioner reports a failure.
    await recordProvisioningOutcome(t.orm, tenant.id, { ok: false, error: 'migration 3 failed' });
    expect((await call('GET', `/v1/tenants/${tenant.id}`)).json().status).toBe('setup_failed');
    const again = await call('POST', `/v1/tenants/${tenant.id}/provision`);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ status: 'pending_setup', version: 4 });
    expect((await eventsOf(tenant.id)).map((e) => e.type)).toEqual(['TenantCreated', 'TenantProvisionRequested', 'TenantProvisioningFailed', 'TenantProvisionRequested']);
  });

  it('a provisioning report makes the tenant active once: the event carries what GET shows, a redelivery changes nothing', async () => {
    const tenant = await newTenant();
    const first = await recordProvisioningOutcome(t.orm, tenant.id, { ok: true, schemaVersion: 'Migration20261122000000_initial' }, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    expect(first.changed).toBe(true);
    expect(await recordProvisioningOutcome(t.orm, tenant.id, { ok: true, schemaVersion: 'Migration20261122000000_initial' })).toEqual({ changed: false });

    const { members: _members, ...shown } = (await call('GET', `/v1/tenants/${tenant.id}`)).json();
    expect(shown).toMatchObject({ status: 'active', is_active: true, schema_version: 'Migration20261122000000_initial', version: 2 });
    const events = await eventsOf(tenant.id);
    expect(events.map((e) => [e.type, e.tenant_version])).toEqual([['TenantCreated', 1], ['TenantProvisioned', 2]]);
    const provisioned = events[1].event as { data: { tenant: unknown }; traceparent?: string; tenantversion: number };
    expect(provisioned.data.tenant).toEqual(shown);
    expect(first.tenant).toEqual(shown);
    expect(provisioned).toMatchObject({ tenantversion: 2, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
  });

  it('a failure report after the tenant is active changes nothing; one for an unknown tenant is ignored', async () => {
    const tenant = await newTenant();
    await recordProvisioningOutcome(t.orm, tenant.id, { ok: true, schemaVersion: 'Migration20261122000000_initial' });
    expect(await recordProvisioningOutcome(t.orm, tenant.id, { ok: false, error: 'late' })).toEqual({ changed: false });
    expect(await recordProvisioningOutcome(t.orm, '01a2070b-9dd6-700a-97fd-ef2ee43c65f1', { ok: true, schemaVersion: 'x' })).toEqual({ changed: false });
    expect((await eventsOf(tenant.id)).map((e) => e.type)).toEqual(['TenantCreated', 'TenantProvisioned']);
  });

  it('activate brings a provisioned tenant back to active', async () => {
    const tenant = await newTenant();
    await recordProvisioningOutcome(t.orm, tenant.id, { ok: true, schemaVersion: 'Migration20261122000000_initial' });
    expect((await call('POST', `/v1/tenants/${tenant.id}/deactivate`)).json().status).toBe('deactivated');
    expect((await call('POST', `/v1/tenants/${tenant.id}/activate`)).json()).toMatchObject({ status: 'active', is_active: true });
  });
});

describe('GET /v1/tenants/{id}/statistics', () => {
  let schemaOrm: TenantSchemaOrm;
  beforeAll(async () => {
    schemaOrm = await createTenantSchemaOrm({ databaseUrl: t.db.url });
  });
  afterAll(async () => {
    await schemaOrm?.close(true);
  });

  it('before provisioning: member counts, and zeros from the schema that does not exist yet', async () => {
    const tenant = await newTenant({ plan_id: 'starter' });
    const added = await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'stats-invited@operations.test', role: 'readonly' });
    await call('PATCH', `/v1/tenants/${tenant.id}/members/${added.json().user_id}`, { status: 'passive' });
    const response = await call('GET', `/v1/tenants/${tenant.id}/statistics`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      member_count: 2,
      active_member_count: 1,
      document_count: 0,
      storage_used_bytes: 0,
      schema_version: null,
      // available or not depends on the server (tenant-usage.test covers both); no schema, no bytes.
      usage: expect.objectContaining({ table_bytes: 0, index_bytes: 0 }),
    });
  });

  it('after provisioning: documents, storage and schema version read from the tenant schema', async () => {
    const tenant = await newTenant({ rut: '77.777.777-7', address: 'Calle 1', commune: 'Santiago', city: 'Santiago' });
    const provisioned = await provisionTenantSchema(schemaOrm, tenant);
    await schemaOrm.em
      .fork()
      .execute(`insert into ${quoteIdentifier(provisioned.schemaName)}.invoices (document_type, folio) values (33, 1), (33, 2), (39, 1)`);
    const stats = (await call('GET', `/v1/tenants/${tenant.id}/statistics`)).json();
    expect(stats).toEqual({
      member_count: 1,
      active_member_count: 1,
      document_count: 3,
      storage_used_bytes: expect.any(Number),
      schema_version: provisioned.schemaVersion,
      usage: expect.objectContaining({ available: expect.any(Boolean), table_bytes: expect.any(Number), index_bytes: expect.any(Number) }),
    });
    expect(stats.storage_used_bytes).toBeGreaterThan(0);
    expect(stats.usage.table_bytes + stats.usage.index_bytes).toBe(stats.storage_used_bytes); // the same relations, split
  });
});

describe('POST /v1/tenants/{id}/switch', () => {
  it('returns a token whose decoded payload carries tid, and the token works', async () => {
    const member = await t.tokenFor('switcher@operations.test');
    const tenant = await newTenant({ admin: { email: 'switcher@operations.test' } });
    const response = await call('POST', `/v1/tenants/${tenant.id}/switch`, undefined, {}, member.token);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number), tenant_id: tenant.id, role: 'admin' });
    const [header, payload] = body.access_token.split('.').slice(0, 2).map((part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header.alg).toBe('HS256');
    expect(payload).toMatchObject({ tid: tenant.id, sub: member.userId, email: 'switcher@operations.test', superuser: false });
    expect(payload.exp - payload.iat).toBe(body.expires_in);
    expect((await call('GET', '/v1/users/me', undefined, {}, body.access_token)).statusCode).toBe(200);
  });
});

describe('GET /v1/tenants/{id}/events', () => {
  it("pages the tenant's history newest first by cursor and by offset; each item is the CloudEvent", async () => {
    const tenant = await newTenant();
    for (let i = 1; i <= 7; i++) await call('PATCH', `/v1/tenants/${tenant.id}`, { city: `Stop ${i}` });
    const versions: number[][] = [];
    let cursor = '';
    for (;;) {
      const page = (await call('GET', `/v1/tenants/${tenant.id}/events?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json();
      versions.push(page.data.map((event: { tenantversion: number }) => event.tenantversion));
      for (const event of page.data) {
        expect(event).toMatchObject({ specversion: '1.0', source: 'tenant-api', subject: tenant.id, id: expect.any(String), time: expect.any(String) });
        expect(event.data.tenant.version).toBe(event.tenantversion);
      }
      if (!page.pagination.has_more) {
        expect(page.pagination.next_cursor).toBeNull();
        break;
      }
      cursor = page.pagination.next_cursor;
    }
    expect(versions).toEqual([[8, 7, 6], [5, 4, 3], [2, 1]]);
    const byOffset = (await call('GET', `/v1/tenants/${tenant.id}/events?limit=3&offset=3`)).json();
    expect(byOffset.data.map((event: { type: string; tenantversion: number }) => [event.type, event.tenantversion])).toEqual([
      ['TenantUpdated', 5],
      ['TenantUpdated', 4],
      ['TenantUpdated', 3],
    ]);
    const all = (await call('GET', `/v1/tenants/${tenant.id}/events`)).json();
    expect(all.pagination).toEqual({ limit: 50, has_more: false, next_cursor: null });
    expect(all.data.at(-1).type).toBe('TenantCreated');
  });
});

describe('plans and tenant groups', () => {
  it('GET /v1/plans lists the seeded plans and their user limits', async () => {
    const plans = (await call('GET', '/v1/plans')).json().data;
    expect(plans.map((p: { id: string; user_limit: number | null }) => [p.id, p.user_limit])).toEqual([
      ['free', 3],
      ['starter', 10],
      ['business', 50],
      ['enterprise', null],
    ]);
  });

  it('creates and lists groups; a duplicate name is a 409; a group can be given to a tenant', async () => {
    const created = await call('POST', '/v1/tenant-groups', { name: '  Retail Chile  ' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ id: expect.any(String), name: 'Retail Chile', created_at: expect.any(String) });
    expect(expectProblem(await call('POST', '/v1/tenant-groups', { name: 'Retail Chile' }), 409).code).toBe('TNT_ERR_GROUP_NAME_TAKEN');
    expect((await call('GET', '/v1/tenant-groups')).json().data).toContainEqual(created.json());
    const tenant = await newTenant({ group_id: created.json().id });
    expect(tenant.group_id).toBe(created.json().id);
  });
});
