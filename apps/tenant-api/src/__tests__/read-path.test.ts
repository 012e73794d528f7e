import { loadConfig } from '@tenantry/config';
import { listMembers, Plan, Tenant, toTenantSnapshot } from '@tenantry/control-db';
import { createLogger } from '@tenantry/logger';
import { buildApp } from '../app.ts';
import { bearer, expectProblem } from '../testing/http-helpers.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

// GET /v1/tenants/{id} and GET /v1/tenants read the caller's user row in the same statement as the
// data (one round trip, no cache). These tests pin what that must keep: the exact response, and
// that a change to a user or membership made in the database takes effect on the very next request.

let t: TestApp;
let tenantId: string;
let otherTenantId: string;

const sql = (text: string, params: unknown[] = []) => t.orm.em.fork().execute(text, params);
const get = (url: string, token: string) => t.app.inject({ method: 'GET', url, headers: bearer(token) });

async function createTenant(name: string): Promise<string> {
  const response = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: bearer(t.superToken), payload: { name, plan_id: 'starter' } });
  expect(response.statusCode).toBe(201);
  return response.json().id;
}

async function addMember(id: string, email: string, role: string) {
  const response = await t.app.inject({ method: 'POST', url: `/v1/tenants/${id}/members`, headers: bearer(t.superToken), payload: { email, role } });
  expect(response.statusCode).toBe(201);
}

/** What the ORM reads for a tenant: the entity, its plan, the members query (the former implementation). */
async function viaOrm(id: string) {
  const em = t.orm.em.fork();
  const row = await em.findOneOrFail(Tenant, id);
  const plan = await em.findOneOrFail(Plan, row.plan_id);
  return { snapshot: toTenantSnapshot(row, plan.user_limit ?? null, null), members: await listMembers(t.orm, id) };
}

beforeAll(async () => {
  t = await createTestApp();
  tenantId = await createTenant('Lectura Rapida SpA');
  otherTenantId = await createTenant('Otra Empresa Ltda');
});

afterAll(async () => {
  await t?.close();
});

describe('the response', () => {
  it('GET /v1/tenants/{id} is exactly the snapshot and members the ORM reads (microsecond timestamps, nulls, member order)', async () => {
    const a = await t.tokenFor('ana@read.test');
    const b = await t.tokenFor('bruno@read.test');
    await addMember(tenantId, 'ana@read.test', 'developer');
    await addMember(tenantId, 'bruno@read.test', 'readonly');
    // Equal joined_at: the email breaks the tie. Microseconds must be cut to milliseconds as Date does.
    await sql(`update memberships set joined_at = '2026-03-04 05:06:07.891999+00', last_login_at = '2026-03-04 05:06:08.000001+00' where user_id in (?, ?)`, [a.userId, b.userId]);
    await sql(`update users set first_name = 'Ana', last_name = null where id = ?`, [a.userId]);
    await sql(`update tenants set created_at = '2026-01-02 03:04:05.999999+00', description = null, user_limit = 7 where id = ?`, [tenantId]);

    const response = await get(`/v1/tenants/${tenantId}`, t.superToken);
    expect(response.statusCode).toBe(200);
    const { snapshot, members } = await viaOrm(tenantId);
    expect(response.json()).toEqual({ ...snapshot, members });
    expect(response.headers.etag).toBe(`W/"${snapshot.version}"`);
    expect(response.json().members.map((m: { email: string }) => m.email)).toEqual(['ana@read.test', 'bruno@read.test', 'root@tenantry.test']);
    expect(response.json().created_at).toBe('2026-01-02T03:04:05.999Z');
    expect(response.json().max_users).toBe(7);
    // Fields in the order of the schema, nothing beyond it.
    expect(Object.keys(response.json())).toEqual([...Object.keys(snapshot), 'members']);
  });

  it('GET /v1/tenants lists the same snapshots, with user_role only for members', async () => {
    const superPage = (await get('/v1/tenants?limit=10', t.superToken)).json();
    for (const item of superPage.data) expect(item).toEqual((await viaOrm(item.id)).snapshot);
    expect(superPage.data.map((item: { id: string }) => item.id)).toEqual([otherTenantId, tenantId].filter((id) => superPage.data.some((i: { id: string }) => i.id === id)));

    const member = await t.tokenFor('lista@read.test');
    await addMember(otherTenantId, 'lista@read.test', 'auditor');
    const memberPage = (await get('/v1/tenants?limit=10', member.token)).json();
    expect(memberPage.data).toEqual([{ ...(await viaOrm(otherTenantId)).snapshot, user_role: 'auditor' }]);
    expect(memberPage.pagination).toEqual({ limit: 10, has_more: false, next_cursor: null });
  });
});

describe('a change in the database takes effect on the next request (no cache)', () => {
  it('disabling, re-enabling and deleting the user', async () => {
    const user = await t.tokenFor('changes@read.test');
    await addMember(tenantId, 'changes@read.test', 'admin');
    const reads = async () => [(await get(`/v1/tenants/${tenantId}`, user.token)).statusCode, (await get('/v1/tenants', user.token)).statusCode];
    expect(await reads()).toEqual([200, 200]);
    await sql(`update users set status = 'disabled' where id = ?`, [user.userId]);
    expect(await reads()).toEqual([401, 401]);
    expectProblem(await get(`/v1/tenants/${tenantId}`, user.token), 401);
    await sql(`update users set status = 'active' where id = ?`, [user.userId]);
    expect(await reads()).toEqual([200, 200]);
    await sql(`delete from memberships where user_id = ?`, [user.userId]);
    await sql(`delete from users where id = ?`, [user.userId]);
    expect(await reads()).toEqual([401, 401]);
    // 401 comes first: before 404 for an unknown tenant and before 400 for a bad cursor.
    expect((await get('/v1/tenants/0190b6b0-0000-7000-8000-000000000000', user.token)).statusCode).toBe(401);
    expect((await get('/v1/tenants?cursor=not-a-cursor', user.token)).statusCode).toBe(401);
    expect((await get('/v1/tenants?cursor=abc&offset=1', user.token)).statusCode).toBe(401);
  });

  it('banning, unbanning and removing the member behind a switched (tid) token', async () => {
    const user = await t.tokenFor('switcher@read.test', { superuser: false });
    await addMember(tenantId, 'switcher@read.test', 'developer');
    const switched = await t.app.inject({ method: 'POST', url: `/v1/tenants/${tenantId}/switch`, headers: bearer(user.token) });
    expect(switched.statusCode).toBe(200);
    const tidToken = switched.json().access_token as string;
    const reads = async () => [(await get(`/v1/tenants/${tenantId}`, tidToken)).statusCode, (await get('/v1/tenants', tidToken)).statusCode];
    expect(await reads()).toEqual([200, 200]);
    await sql(`update memberships set status = 'banned' where user_id = ? and tenant_id = ?`, [user.userId, tenantId]);
    expect(await reads()).toEqual([401, 401]);
    await sql(`update memberships set status = 'active' where user_id = ? and tenant_id = ?`, [user.userId, tenantId]);
    expect(await reads()).toEqual([200, 200]);
    await sql(`delete from memberships where user_id = ? and tenant_id = ?`, [user.userId, tenantId]);
    expect(await reads()).toEqual([401, 401]);
    // The token without tid still works, and no longer sees the tenant.
    expect((await get(`/v1/tenants/${tenantId}`, user.token)).statusCode).toBe(404);
  });

  it('demoting a superuser narrows the list and hides tenants at once; promoting widens it', async () => {
    const boss = await t.tokenFor('boss@read.test', { superuser: true });
    const all = (await get('/v1/tenants?limit=100', t.superToken)).json().data.map((item: { id: string }) => item.id);
    expect((await get('/v1/tenants?limit=100', boss.token)).json().data.map((item: { id: string }) => item.id)).toEqual(all);
    await sql(`update users set superuser = false where id = ?`, [boss.userId]);
    // The token still claims superuser; the user row decides.
    expect((await get('/v1/tenants?limit=100', boss.token)).json().data).toEqual([]);
    expect((await get(`/v1/tenants/${tenantId}`, boss.token)).statusCode).toBe(404);
    await sql(`update users set superuser = true where id = ?`, [boss.userId]);
    expect((await get(`/v1/tenants/${tenantId}`, boss.token)).statusCode).toBe(200);

    const plain = await t.tokenFor('plain@read.test');
    expect((await get('/v1/tenants?limit=100', plain.token)).json().data).toEqual([]);
    await sql(`update users set superuser = true where id = ?`, [plain.userId]);
    const widened = (await get('/v1/tenants?limit=100', plain.token)).json().data;
    expect(widened.map((item: { id: string }) => item.id)).toEqual(all);
    expect(widened.every((item: object) => !('user_role' in item))).toBe(true);
  });
});

describe('a route that reads its caller itself', () => {
  it('cannot answer 2xx without checking the caller', async () => {
    const config = loadConfig({ DATABASE_URL: t.db.url, RATE_LIMIT_MAX: '0', LOGIN_RATE_LIMIT_MAX: '0', LOG_LEVEL: 'silent' });
    const app = await buildApp({ config, orm: t.orm, logger: createLogger({ name: 'guard', level: 'silent' }) });
    app.get('/v1/forgetful', { config: { callerCheck: 'in-handler' }, preHandler: app.authenticate }, async () => ({ ok: true }));
    try {
      const response = await app.inject({ method: 'GET', url: '/v1/forgetful', headers: bearer(t.superToken) });
      expect(response.statusCode).toBe(500);
      expect(response.body).not.toContain('"ok"');
    } finally {
      await app.close();
    }
  });
});
