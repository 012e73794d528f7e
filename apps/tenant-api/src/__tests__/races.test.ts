import type { InjectOptions } from 'fastify';
import { bearer, expectProblem, rowCounts } from '../testing/http-helpers.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** Fires all requests at once (as superuser unless a token is given) and tallies the statuses. */
async function together(requests: InjectOptions[], token = t.superToken) {
  const responses = await Promise.all(requests.map((options) => t.app.inject({ ...options, headers: bearer(token) })));
  const statuses: Record<number, number> = {};
  for (const response of responses) statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
  return { responses, statuses };
}

async function createTenant(payload: object) {
  const response = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: bearer(t.superToken), payload });
  expect(response.statusCode).toBe(201);
  return response.json();
}

async function eventsOf(tenantId: string) {
  return t.orm.em
    .fork()
    .execute<{ type: string; tenant_version: number }[]>('select type, tenant_version from tenant_events where tenant_id = ? order by tenant_version', [tenantId]);
}

async function memberCount(tenantId: string) {
  const [row] = await t.orm.em.fork().execute<{ n: string }[]>('select count(*)::text as n from memberships where tenant_id = ?', [tenantId]);
  return Number(row.n);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('concurrent creates', () => {
  it('50 creates with the same slug: exactly one 201, 49 × 409, one tenant and one event', async () => {
    const before = await rowCounts(t.orm);
    const { responses, statuses } = await together(
      range(50).map((i) => ({ method: 'POST', url: '/v1/tenants', payload: { name: `Racing Tenant ${i}`, slug: 'contested-slug' } })),
    );
    expect(statuses).toEqual({ 201: 1, 409: 49 });
    for (const response of responses.filter((r) => r.statusCode === 409)) expect(expectProblem(response, 409).code).toBe('TNT_ERR_SLUG_TAKEN');
    const winner = responses.find((r) => r.statusCode === 201)!.json();
    const after = await rowCounts(t.orm);
    expect(after).toEqual({ ...before, tenants: before.tenants + 1, tenant_events: before.tenant_events + 1, memberships: before.memberships + 1 });
    expect(await eventsOf(winner.id)).toEqual([{ type: 'TenantCreated', tenant_version: 1 }]);
  });

  it('50 creates with the same RUT (spelled differently): exactly one 201, 49 × 409', async () => {
    const spellings = ['76.086.428-5', '76086428-5', '760864285', '76.086.428-5 '.trim()];
    const { responses, statuses } = await together(
      range(50).map((i) => ({ method: 'POST', url: '/v1/tenants', payload: { name: `Rut Racer ${i}`, slug: `rut-racer-${i}`, rut: spellings[i % 4] } })),
    );
    expect(statuses).toEqual({ 201: 1, 409: 49 });
    for (const response of responses.filter((r) => r.statusCode === 409)) expect(expectProblem(response, 409).code).toBe('TNT_ERR_RUT_TAKEN');
  });

  it('50 creates from the same name: all 201 with distinct derived slugs', async () => {
    const { responses, statuses } = await together(range(50).map(() => ({ method: 'POST', url: '/v1/tenants', payload: { name: 'Popular Name SpA' } })));
    expect(statuses).toEqual({ 201: 50 });
    expect(new Set(responses.map((r) => r.json().slug)).size).toBe(50);
  });

  it('20 creates naming the same new admin: all 201, one user', async () => {
    const before = await rowCounts(t.orm);
    const { statuses } = await together(
      range(20).map((i) => ({ method: 'POST', url: '/v1/tenants', payload: { name: `Shared Admin ${i}`, admin: { email: 'Shared.Admin@Example.com' } } })),
    );
    expect(statuses).toEqual({ 201: 20 });
    expect((await rowCounts(t.orm)).users).toBe(before.users + 1);
  });
});

describe('concurrent member adds at the plan limit', () => {
  it('20 adds to a free tenant (3 users, 1 taken): 2 × 201, 18 × 409 TNT_ERR_USER_LIMIT, never more than max_users', async () => {
    const tenant = await createTenant({ name: 'Free Plan Crowd', plan_id: 'free', admin: { email: 'crowd-owner@races.test' } });
    expect(tenant.max_users).toBe(3);
    const before = await rowCounts(t.orm);
    const { responses, statuses } = await together(
      range(20).map((i) => ({ method: 'POST', url: `/v1/tenants/${tenant.id}/members`, payload: { email: `crowd-${i}@races.test`, role: 'developer' } })),
    );
    expect(statuses).toEqual({ 201: 2, 409: 18 });
    for (const response of responses.filter((r) => r.statusCode === 409)) expect(expectProblem(response, 409).code).toBe('TNT_ERR_USER_LIMIT');
    expect(await memberCount(tenant.id)).toBe(3);
    // Refused adds leave no invited user behind.
    expect((await rowCounts(t.orm)).users).toBe(before.users + 2);
    expect((await eventsOf(tenant.id)).map((e) => [e.type, e.tenant_version])).toEqual([
      ['TenantCreated', 1],
      ['TenantMemberAdded', 2],
      ['TenantMemberAdded', 3],
    ]);
  });

  it('a user_limit override is the limit: 20 adds with user_limit 5 → 4 × 201', async () => {
    const tenant = await createTenant({ name: 'Override Crowd', plan_id: 'business', user_limit: 5 });
    expect(tenant.max_users).toBe(5);
    const { statuses } = await together(
      range(20).map((i) => ({ method: 'POST', url: `/v1/tenants/${tenant.id}/members`, payload: { email: `override-${i}@races.test`, role: 'readonly' } })),
    );
    expect(statuses).toEqual({ 201: 4, 409: 16 });
    expect(await memberCount(tenant.id)).toBe(5);
  });

  it('20 adds of the same email: one 201, 19 × 409 TNT_ERR_ALREADY_MEMBER', async () => {
    const tenant = await createTenant({ name: 'Same Email Crowd', plan_id: 'enterprise' });
    const { responses, statuses } = await together(
      range(20).map(() => ({ method: 'POST', url: `/v1/tenants/${tenant.id}/members`, payload: { email: 'twin@races.test', role: 'auditor' } })),
    );
    expect(statuses).toEqual({ 201: 1, 409: 19 });
    for (const response of responses.filter((r) => r.statusCode === 409)) expect(expectProblem(response, 409).code).toBe('TNT_ERR_ALREADY_MEMBER');
    expect(await memberCount(tenant.id)).toBe(2);
  });
});

describe('other races on one tenant', () => {
  it('two admins demoting each other at once: one 200, one 409 TNT_ERR_LAST_ADMIN, an admin remains', async () => {
    const tenant = await createTenant({ name: 'Two Admins Co', plan_id: 'enterprise', admin: { email: 'first-admin@races.test' } });
    const second = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.id}/members`,
      headers: bearer(t.superToken),
      payload: { email: 'second-admin@races.test', role: 'admin' },
    });
    // An invited user's membership is invited; make it active so both count as active admins.
    const secondId = second.json().user_id;
    await t.app.inject({ method: 'PATCH', url: `/v1/tenants/${tenant.id}/members/${secondId}`, headers: bearer(t.superToken), payload: { status: 'active' } });
    const members = (await t.app.inject({ method: 'GET', url: `/v1/tenants/${tenant.id}/members`, headers: bearer(t.superToken) })).json().data;
    expect(members.map((m: { role: string; status: string }) => [m.role, m.status])).toEqual([
      ['admin', 'active'],
      ['admin', 'active'],
    ]);
    const { statuses } = await together(
      members.map((m: { user_id: string }) => ({ method: 'PATCH', url: `/v1/tenants/${tenant.id}/members/${m.user_id}`, payload: { role: 'readonly' } })),
    );
    expect(statuses).toEqual({ 200: 1, 409: 1 });
    const after = (await t.app.inject({ method: 'GET', url: `/v1/tenants/${tenant.id}/members`, headers: bearer(t.superToken) })).json().data;
    expect(after.filter((m: { role: string; status: string }) => m.role === 'admin' && m.status === 'active')).toHaveLength(1);
  });

  it('20 concurrent PATCHes: 20 versions, 20 events, no version twice', async () => {
    const tenant = await createTenant({ name: 'Busy Tenant SpA' });
    const { responses, statuses } = await together(
      range(20).map((i) => ({ method: 'PATCH', url: `/v1/tenants/${tenant.id}`, payload: { city: `City ${i}` } })),
    );
    expect(statuses).toEqual({ 200: 20 });
    expect(responses.map((r) => r.json().version).sort((a, b) => a - b)).toEqual(range(20).map((i) => i + 2));
    expect((await eventsOf(tenant.id)).map((e) => e.tenant_version)).toEqual(range(21).map((i) => i + 1));
  });
});
