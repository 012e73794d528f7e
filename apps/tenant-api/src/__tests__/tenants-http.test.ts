import { createTestApp, type TestApp } from '../testing/test-app.ts';

const validTenant = {
  name: 'Comercial Andes SpA',
  rut: '76.086.428-5',
  address: 'Av. Providencia 1234',
  commune: 'Providencia',
  city: 'Santiago',
  giro: 'Venta al por menor',
  economic_activities: [{ code: '479100', name: 'Venta por internet', category: '1ra', taxable: true }],
};

let t: TestApp;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function eventRows(tenantId: string) {
  return t.orm.em
    .fork()
    .execute<{ type: string; tenant_version: number }[]>(
      'select type, tenant_version from tenant_events where tenant_id = ? order by tenant_version',
      [tenantId],
    );
}

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('POST /v1/tenants', () => {
  it('creates a pending tenant with defaults, Location, ETag and its TenantCreated event', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: auth(t.superToken), payload: validTenant });
    expect(response.statusCode).toBe(201);
    const tenant = response.json();
    expect(response.headers.location).toBe(`/v1/tenants/${tenant.id}`);
    expect(response.headers.etag).toBe('W/"1"');
    expect(tenant).toMatchObject({
      name: 'Comercial Andes SpA',
      slug: 'comercial-andes-spa',
      status: 'pending_setup',
      is_active: true,
      rut: '76086428-5',
      country_code: 'CL',
      country_name: 'Chile',
      business_type: 'other',
      billing_day: 1,
      plan_id: 'free',
      max_users: 3,
      user_limit: null,
      schema_version: null,
      settings: { default_currency: 'CLP', timezone: 'America/Santiago' },
      version: 1,
    });
    expect(tenant.schema_name).toBe(`tenant_${tenant.id.replaceAll('-', '')}`);
    expect(await eventRows(tenant.id)).toEqual([{ type: 'TenantCreated', tenant_version: 1 }]);
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('echoes the caller request id', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'gw-123' } });
    expect(response.headers['x-request-id']).toBe('gw-123');
  });

  it.each([
    ['name', { name: 'abc' }],
    ['rut', { rut: '12.345.678-9' }],
    ['country_code', { country_code: 'XX' }],
    ['billing_day', { billing_day: 32 }],
    ['billing_day', { billing_day: '5' }],
    ['economic_activities.0.code', { economic_activities: [{ code: '12', name: 'x', category: '1ra', taxable: true }] }],
    ['economic_activities.1.code', {
      economic_activities: [
        { code: '479100', name: 'a', category: '1ra', taxable: true },
        { code: '479100', name: 'b', category: '2da', taxable: false },
      ],
    }],
    ['business_type', { business_type: 'bank' }],
    ['slug', { slug: '-bad-' }],
    ['settings.default_currency', { settings: { default_currency: 'XYZ' } }],
    ['settings.timezone', { settings: { timezone: 'Mars/Olympus' } }],
    ['unknown_field', { unknown_field: 1 }],
  ])('answers 422 with errors.%s', async (field, override) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: auth(t.superToken),
      payload: { ...validTenant, rut: undefined, name: 'Valid Name Ltda', ...override },
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    const problem = response.json();
    expect(problem.status).toBe(422);
    expect(Object.keys(problem.errors)).toContain(field);
  });

  it('answers 400 to malformed JSON and to a wrong content type, writing nothing', async () => {
    const before = await t.orm.em.fork().execute<{ n: string }[]>('select count(*) as n from tenants');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: { ...auth(t.superToken), 'content-type': 'application/json' },
      payload: '{"name": "Broken',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().type).toBe('urn:tenantry:error:TNT_ERR_MALFORMED_REQUEST');
    const wrongType = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: { ...auth(t.superToken), 'content-type': 'text/plain' },
      payload: 'name=x',
    });
    expect(wrongType.statusCode).toBe(400);
    const after = await t.orm.em.fork().execute<{ n: string }[]>('select count(*) as n from tenants');
    expect(after[0].n).toBe(before[0].n);
  });

  it('answers 401 without a token and with a bad one', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/v1/tenants', payload: validTenant })).statusCode).toBe(401);
    const forged = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
      payload: validTenant,
    });
    expect(forged.statusCode).toBe(401);
  });

  it('answers 403 to a user without CREATE_TENANT and 201 to one with it', async () => {
    const plain = await t.tokenFor('plain@tenantry.test');
    const denied = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: auth(plain.token), payload: { name: 'Plain User Co' } });
    expect(denied.statusCode).toBe(403);
    const creator = await t.tokenFor('creator@tenantry.test', { permissions: ['CREATE_TENANT'] });
    const created = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: auth(creator.token), payload: { name: 'Creator Owned Co' } });
    expect(created.statusCode).toBe(201);
    const detail = await t.app.inject({ method: 'GET', url: `/v1/tenants/${created.json().id}`, headers: auth(creator.token) });
    expect(detail.json().members).toEqual([expect.objectContaining({ email: 'creator@tenantry.test', role: 'admin', status: 'active' })]);
  });

  it('answers 409 to a duplicate slug and a duplicate rut', async () => {
    const first = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: auth(t.superToken),
      payload: { name: 'Duplicate Slug One', slug: 'dup-slug', rut: '96.790.240-3' },
    });
    expect(first.statusCode).toBe(201);
    const slug = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: auth(t.superToken), payload: { name: 'Duplicate Slug Two', slug: 'dup-slug' } });
    expect(slug.statusCode).toBe(409);
    expect(slug.json().code).toBe('TNT_ERR_SLUG_TAKEN');
    const rut = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: auth(t.superToken), payload: { name: 'Duplicate Rut Two', rut: '96790240-3' } });
    expect(rut.statusCode).toBe(409);
    expect(rut.json().code).toBe('TNT_ERR_RUT_TAKEN');
  });

  it('gives a derived slug a suffix when the name repeats', async () => {
    const a = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: auth(t.superToken), payload: { name: 'Same Name Here' } });
    const b = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: auth(t.superToken), payload: { name: 'Same Name Here' } });
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.json().slug).toMatch(/^same-name-here-[0-9a-f]{6}$/);
  });

  it('makes the admin user given in the body (creating it as invited)', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: auth(t.superToken),
      payload: { name: 'Admin Given Co', admin: { email: 'Boss@Example.com', first_name: 'Ana' } },
    });
    expect(response.statusCode).toBe(201);
    const detail = await t.app.inject({ method: 'GET', url: `/v1/tenants/${response.json().id}`, headers: auth(t.superToken) });
    expect(detail.json().members).toEqual([expect.objectContaining({ email: 'boss@example.com', first_name: 'Ana', role: 'admin' })]);
  });
});

describe('reading, updating and deactivating', () => {
  let id: string;
  beforeAll(async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: auth(t.superToken), payload: { name: 'Lifecycle Tenant', slug: 'lifecycle' } });
    id = response.json().id;
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const unknown = await t.app.inject({ method: 'GET', url: '/v1/tenants/0190b6b0-0000-7000-8000-000000000000', headers: auth(t.superToken) });
    expect(unknown.statusCode).toBe(404);
    const malformed = await t.app.inject({ method: 'GET', url: '/v1/tenants/not-a-uuid', headers: auth(t.superToken) });
    expect(malformed.statusCode).toBe(400);
  });

  it('hides a tenant from a non-member (404) and forbids members who are not admins (403)', async () => {
    const outsider = await t.tokenFor('outsider@tenantry.test');
    const get = await t.app.inject({ method: 'GET', url: `/v1/tenants/${id}`, headers: auth(outsider.token) });
    expect(get.statusCode).toBe(404);
    const patch = await t.app.inject({ method: 'PATCH', url: `/v1/tenants/${id}`, headers: auth(outsider.token), payload: { city: 'Talca' } });
    expect(patch.statusCode).toBe(404);
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/tenants/${id}`, headers: auth(outsider.token) });
    expect(del.statusCode).toBe(404);
  });

  it('patches, reports changed fields, and emits nothing for a no-op', async () => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/v1/tenants/${id}`,
      headers: { ...auth(t.superToken), 'if-match': 'W/"1"' },
      payload: { address: 'Calle Nueva 99', settings: { timezone: 'UTC' } },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ version: 2, address: 'Calle Nueva 99', settings: { default_currency: 'CLP', timezone: 'UTC' } });
    const noop = await t.app.inject({ method: 'PUT', url: `/v1/tenants/${id}`, headers: auth(t.superToken), payload: { address: 'Calle Nueva 99' } });
    expect(noop.statusCode).toBe(200);
    expect(noop.json().version).toBe(2);
    const events = await t.orm.em
      .fork()
      .execute<{ type: string; event: { data: { changed_fields: string[] } } }[]>(
        `select type, event from tenant_events where tenant_id = ? order by tenant_version`,
        [id],
      );
    expect(events.map((e) => e.type)).toEqual(['TenantCreated', 'TenantUpdated']);
    expect(events[1].event.data.changed_fields).toEqual(['address', 'settings']);
  });

  it('answers 412 when If-Match is stale', async () => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/v1/tenants/${id}`,
      headers: { ...auth(t.superToken), 'if-match': 'W/"1"' },
      payload: { city: 'Valdivia' },
    });
    expect(response.statusCode).toBe(412);
  });

  it('deactivates with DELETE (204), keeps the row, and activates back to pending_setup', async () => {
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/tenants/${id}`, headers: auth(t.superToken) });
    expect(del.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: `/v1/tenants/${id}`, headers: auth(t.superToken) });
    expect(after.json()).toMatchObject({ status: 'deactivated', is_active: false, version: 3 });
    const activate = await t.app.inject({ method: 'POST', url: `/v1/tenants/${id}/activate`, headers: auth(t.superToken) });
    expect(activate.statusCode).toBe(200);
    expect(activate.json()).toMatchObject({ status: 'pending_setup', version: 4 });
    const deactivate = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${id}/deactivate`,
      headers: auth(t.superToken),
      payload: { user_status: 'passive' },
    });
    expect(deactivate.json()).toMatchObject({ status: 'deactivated', version: 5 });
    const detail = await t.app.inject({ method: 'GET', url: `/v1/tenants/${id}`, headers: auth(t.superToken) });
    expect(detail.json().members.every((m: { status: string }) => m.status === 'passive')).toBe(true);
    expect((await eventRows(id)).map((e) => e.tenant_version)).toEqual([1, 2, 3, 4, 5]);
  });

  it('lists tenants newest first with a working cursor', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/v1/tenants?limit=2', headers: auth(t.superToken) });
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.data).toHaveLength(2);
    expect(page1.pagination.has_more).toBe(true);
    const second = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants?limit=2&cursor=${page1.pagination.next_cursor}`,
      headers: auth(t.superToken),
    });
    const page2 = second.json();
    expect(page2.data[0].id).not.toBe(page1.data[1].id);
    expect(Date.parse(page2.data[0].created_at)).toBeLessThanOrEqual(Date.parse(page1.data[1].created_at));
    const badCursor = await t.app.inject({ method: 'GET', url: '/v1/tenants?cursor=garbage', headers: auth(t.superToken) });
    expect(badCursor.statusCode).toBe(400);
    for (const limit of ['0', '101', '-1', 'abc']) {
      const response = await t.app.inject({ method: 'GET', url: `/v1/tenants?limit=${limit}`, headers: auth(t.superToken) });
      expect(response.statusCode).toBe(400);
    }
  });
});
