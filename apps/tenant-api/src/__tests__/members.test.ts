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

interface Member {
  user_id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: string;
  status: string;
  joined_at: string;
  last_login_at: string | null;
}

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, token = t.superToken) {
  return t.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
}

async function newTenant(payload: object = {}) {
  const response = await call('POST', '/v1/tenants', { name: `Members Tenant ${Math.random().toString(36).slice(2, 8)}`, plan_id: 'enterprise', ...payload });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; version: number; max_users: number | null };
}

async function membersOf(tenantId: string, token = t.superToken): Promise<Member[]> {
  const response = await call('GET', `/v1/tenants/${tenantId}/members`, undefined, token);
  expect(response.statusCode).toBe(200);
  return response.json().data;
}

/** The tenant's events from the log, opened as a subscriber reads them (contract v2 seals member fields there). */
const eventsOf = (tenantId: string) => openedEventLog<{ data: { member?: Member; tenant: { version: number } } }>(t.orm, tenantId);

describe('adding members', () => {
  it('adds an existing user as an active member, with Location and a TenantMemberAdded event carrying the member', async () => {
    const tenant = await newTenant();
    const { userId } = await t.tokenFor('existing@members.test');
    const response = await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'Existing@Members.test', role: 'developer' });
    expect(response.statusCode).toBe(201);
    const member = response.json();
    expect(member).toEqual({
      user_id: userId,
      email: 'existing@members.test',
      first_name: null,
      last_name: null,
      role: 'developer',
      status: 'active',
      joined_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
      last_login_at: null,
    });
    expect(response.headers.location).toBe(`/v1/tenants/${tenant.id}/members/${userId}`);
    const events = await eventsOf(tenant.id);
    expect(events.map((e) => [e.type, e.tenant_version])).toEqual([
      ['TenantCreated', 1],
      ['TenantMemberAdded', 2],
    ]);
    expect(events[1].event.data.member).toEqual(member);
    expect(events[1].event.data.tenant.version).toBe(2);
    // As stored (and relayed to Kafka): the e-mail sealed with the user's key, never readable.
    const [stored] = await t.orm.em.fork().execute<{ email: unknown; text: string }[]>(
      `select event #> '{data,member,email}' as email, event::text as text from tenant_events where tenant_id = ? and type = 'TenantMemberAdded'`,
      [tenant.id],
    );
    expect(stored.email).toEqual(expect.objectContaining({ alg: 'A256GCM', kid: `user:${userId}` }));
    expect(stored.text).not.toContain(member.email);
  });

  it('an unknown email becomes an invited user and an active member', async () => {
    const tenant = await newTenant();
    const before = await rowCounts(t.orm);
    const response = await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'newcomer@members.test', role: 'readonly', first_name: 'Nueva', last_name: 'Persona' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ email: 'newcomer@members.test', first_name: 'Nueva', last_name: 'Persona', role: 'readonly', status: 'active' });
    expect((await rowCounts(t.orm)).users).toBe(before.users + 1);
    // The user exists now (a second user with that email is a conflict) but cannot log in yet.
    expect(expectProblem(await call('POST', '/v1/users', { email: 'NEWCOMER@members.test' }), 409).code).toBe('TNT_ERR_EMAIL_TAKEN');
    expectProblem(await t.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { email: 'newcomer@members.test', password: 'anything-at-all' } }), 401);
  });

  it("tells an admin nothing about the account behind an email: the answer is the same for an active, invited, disabled or unknown one, and holds no names it was not given", async () => {
    const { token: adminToken } = await t.tokenFor('curious-admin@members.test');
    const tenant = await newTenant({ admin: { email: 'curious-admin@members.test' } });
    await t.orm.em.fork().execute(`update users set first_name = 'Root', last_name = 'Person' where email = 'root@tenantry.test'`);
    await call('POST', '/v1/users', { email: 'only-invited@members.test', first_name: 'Ivo' });
    await call('POST', '/v1/users', { email: 'disabled@members.test', password: 'a-long-password', first_name: 'Dora' });
    await t.orm.em.fork().execute(`update users set status = 'disabled' where email = 'disabled@members.test'`);
    const shapes = [];
    for (const email of ['root@tenantry.test', 'only-invited@members.test', 'disabled@members.test', 'never-seen@members.test']) {
      const response = await call('POST', `/v1/tenants/${tenant.id}/members`, { email, role: 'readonly' }, adminToken);
      expect(response.statusCode).toBe(201);
      const { user_id: userId, email: answeredEmail, joined_at: joinedAt, ...rest } = response.json();
      expect({ userId, answeredEmail, joinedAt }).toEqual({ userId: expect.any(String), answeredEmail: email, joinedAt: expect.any(String) });
      shapes.push(rest);
    }
    expect(shapes).toEqual(Array(4).fill({ first_name: null, last_name: null, role: 'readonly', status: 'active', last_login_at: null }));
  });

  it('a second add of the same email (any case) is a 409 and writes nothing', async () => {
    const tenant = await newTenant();
    expect((await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'twice@members.test', role: 'auditor' })).statusCode).toBe(201);
    const before = await rowCounts(t.orm);
    const again = await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'TWICE@members.test', role: 'admin' });
    expect(expectProblem(again, 409).code).toBe('TNT_ERR_ALREADY_MEMBER');
    expect(await rowCounts(t.orm)).toEqual(before);
  });

  it('409 TNT_ERR_USER_LIMIT at max_users; banned members do not count; raising user_limit makes room', async () => {
    const tenant = await newTenant({ plan_id: 'free' });
    expect(tenant.max_users).toBe(3);
    for (const email of ['two@limit.test', 'three@limit.test']) {
      expect((await call('POST', `/v1/tenants/${tenant.id}/members`, { email, role: 'developer' })).statusCode).toBe(201);
    }
    const before = await rowCounts(t.orm);
    const full = await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'four@limit.test', role: 'developer' });
    expect(expectProblem(full, 409).code).toBe('TNT_ERR_USER_LIMIT');
    expect(await rowCounts(t.orm)).toEqual(before);

    const three = (await membersOf(tenant.id)).find((m) => m.email === 'three@limit.test')!;
    expect((await call('PATCH', `/v1/tenants/${tenant.id}/members/${three.user_id}`, { status: 'banned' })).statusCode).toBe(200);
    expect((await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'four@limit.test', role: 'developer' })).statusCode).toBe(201);
    expectProblem(await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'five@limit.test', role: 'developer' }), 409);

    const raised = await call('PATCH', `/v1/tenants/${tenant.id}`, { user_limit: 10 });
    expect(raised.json()).toMatchObject({ user_limit: 10, max_users: 10 });
    expect((await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'five@limit.test', role: 'developer' })).statusCode).toBe(201);
  });

  it('a tenant admin (not a superuser) may add members; the new member sees the tenant', async () => {
    const admin = await t.tokenFor('tenant-admin@members.test');
    const tenant = await newTenant({ admin: { email: 'tenant-admin@members.test' } });
    const added = await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'added-by-admin@members.test', role: 'developer' }, admin.token);
    expect(added.statusCode).toBe(201);
    const colleague = await t.tokenFor('colleague@members.test');
    expect((await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'colleague@members.test', role: 'readonly' }, admin.token)).statusCode).toBe(201);
    expect((await call('GET', `/v1/tenants/${tenant.id}`, undefined, colleague.token)).statusCode).toBe(200);
    const me = await call('GET', '/v1/users/me', undefined, colleague.token);
    expect(me.json().memberships).toEqual([expect.objectContaining({ tenant_id: tenant.id, role: 'readonly', status: 'active' })]);
  });
});

describe('listing members', () => {
  it('lists every member with the §3 fields, oldest first', async () => {
    const tenant = await newTenant({ admin: { email: 'lister-owner@members.test', first_name: 'Olga' } });
    await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'lister-dev@members.test', role: 'developer' });
    const members = await membersOf(tenant.id);
    expect(members.map((m) => [m.email, m.role])).toEqual([
      ['lister-owner@members.test', 'admin'],
      ['lister-dev@members.test', 'developer'],
    ]);
    for (const member of members) {
      expect(Object.keys(member).sort()).toEqual(['email', 'first_name', 'joined_at', 'last_login_at', 'last_name', 'role', 'status', 'user_id']);
    }
    expect(members[0].first_name).toBe('Olga');
  });
});

describe('changing members', () => {
  it('changes role and status, emitting TenantMemberUpdated; a change to the same values emits nothing', async () => {
    const tenant = await newTenant();
    const member = (await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'changer@members.test', role: 'developer' })).json();
    const changed = await call('PATCH', `/v1/tenants/${tenant.id}/members/${member.user_id}`, { role: 'auditor', status: 'passive' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ user_id: member.user_id, role: 'auditor', status: 'passive' });
    const same = await call('PATCH', `/v1/tenants/${tenant.id}/members/${member.user_id}`, { role: 'auditor' });
    expect(same.statusCode).toBe(200);
    const events = await eventsOf(tenant.id);
    expect(events.map((e) => e.type)).toEqual(['TenantCreated', 'TenantMemberAdded', 'TenantMemberUpdated']);
    expect(events[2].event.data.member).toMatchObject({ role: 'auditor', status: 'passive' });
  });

  it('an empty change is a 422, an unknown member a 404', async () => {
    const tenant = await newTenant();
    const member = (await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'empty-change@members.test', role: 'developer' })).json();
    expectProblem(await call('PATCH', `/v1/tenants/${tenant.id}/members/${member.user_id}`, {}), 422);
    const unknown = await call('PATCH', `/v1/tenants/${tenant.id}/members/0190b6b0-0000-7000-8000-000000000042`, { role: 'admin' });
    expect(expectProblem(unknown, 404).code).toBe('TNT_ERR_MEMBER_NOT_FOUND');
  });

  it.each([
    ['demoting', { role: 'developer' }],
    ['making passive', { status: 'passive' }],
    ['banning', { status: 'banned' }],
    ['marking invited', { status: 'invited' }],
  ])('409 TNT_ERR_LAST_ADMIN for %s the last active admin; nothing written', async (_label, change) => {
    const tenant = await newTenant({ admin: { email: 'lonely-admin@members.test' } });
    await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'bystander@members.test', role: 'developer' });
    const admin = (await membersOf(tenant.id)).find((m) => m.role === 'admin')!;
    const before = await rowCounts(t.orm);
    const response = await call('PATCH', `/v1/tenants/${tenant.id}/members/${admin.user_id}`, change);
    expect(expectProblem(response, 409).code).toBe('TNT_ERR_LAST_ADMIN');
    expect(await rowCounts(t.orm)).toEqual(before);
  });

  it('an admin may step down once another admin is active', async () => {
    const tenant = await newTenant({ admin: { email: 'stepping-down@members.test' } });
    const successor = await t.tokenFor('successor@members.test');
    await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'successor@members.test', role: 'admin' });
    const first = (await membersOf(tenant.id)).find((m) => m.email === 'stepping-down@members.test')!;
    const response = await call('PATCH', `/v1/tenants/${tenant.id}/members/${first.user_id}`, { role: 'readonly' }, successor.token);
    expect(response.statusCode).toBe(200);
  });
});

describe('removing members', () => {
  it('an admin removes a member (204, TenantMemberRemoved with the member); a second removal is a 404', async () => {
    const tenant = await newTenant();
    const member = (await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'removed@members.test', role: 'developer' })).json();
    const removed = await call('DELETE', `/v1/tenants/${tenant.id}/members/${member.user_id}`);
    expect(removed.statusCode).toBe(204);
    expect(removed.body).toBe('');
    const events = await eventsOf(tenant.id);
    expect(events.at(-1)).toMatchObject({ type: 'TenantMemberRemoved', tenant_version: 3, event: { data: { member: { user_id: member.user_id, email: 'removed@members.test' } } } });
    expect((await membersOf(tenant.id)).map((m) => m.email)).not.toContain('removed@members.test');
    expect(expectProblem(await call('DELETE', `/v1/tenants/${tenant.id}/members/${member.user_id}`), 404).code).toBe('TNT_ERR_MEMBER_NOT_FOUND');
  });

  it('a member removes itself, and then no longer sees the tenant', async () => {
    const tenant = await newTenant();
    const leaver = await t.tokenFor('leaver@members.test');
    await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'leaver@members.test', role: 'readonly' });
    expect((await call('GET', `/v1/tenants/${tenant.id}`, undefined, leaver.token)).statusCode).toBe(200);
    expect((await call('DELETE', `/v1/tenants/${tenant.id}/members/${leaver.userId}`, undefined, leaver.token)).statusCode).toBe(204);
    expectProblem(await call('GET', `/v1/tenants/${tenant.id}`, undefined, leaver.token), 404);
  });

  it('a non-admin member may not remove another member (403)', async () => {
    const tenant = await newTenant();
    const developer = await t.tokenFor('remover-dev@members.test');
    await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'remover-dev@members.test', role: 'developer' });
    const victim = (await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'victim@members.test', role: 'readonly' })).json();
    expectProblem(await call('DELETE', `/v1/tenants/${tenant.id}/members/${victim.user_id}`, undefined, developer.token), 403);
  });

  it('409 TNT_ERR_LAST_ADMIN for removing the last active admin, also by itself', async () => {
    const owner = await t.tokenFor('last-owner@members.test');
    const tenant = await newTenant({ admin: { email: 'last-owner@members.test' } });
    const before = await rowCounts(t.orm);
    expect(expectProblem(await call('DELETE', `/v1/tenants/${tenant.id}/members/${owner.userId}`), 409).code).toBe('TNT_ERR_LAST_ADMIN');
    expect(expectProblem(await call('DELETE', `/v1/tenants/${tenant.id}/members/${owner.userId}`, undefined, owner.token), 409).code).toBe('TNT_ERR_LAST_ADMIN');
    expect(await rowCounts(t.orm)).toEqual(before);
  });

  it('an admin may leave when another active admin remains', async () => {
    const owner = await t.tokenFor('leaving-owner@members.test');
    const tenant = await newTenant({ admin: { email: 'leaving-owner@members.test' } });
    await t.tokenFor('staying-admin@members.test');
    await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'staying-admin@members.test', role: 'admin' });
    expect((await call('DELETE', `/v1/tenants/${tenant.id}/members/${owner.userId}`, undefined, owner.token)).statusCode).toBe(204);
    expect((await membersOf(tenant.id)).map((m) => [m.email, m.role])).toEqual([['staying-admin@members.test', 'admin']]);
  });
});

describe('deactivate / activate with user_status', () => {
  it("sets every member's status", async () => {
    const tenant = await newTenant({ admin: { email: 'status-owner@members.test' } });
    await call('POST', `/v1/tenants/${tenant.id}/members`, { email: 'status-dev@members.test', role: 'developer' });
    const deactivated = await call('POST', `/v1/tenants/${tenant.id}/deactivate`, { user_status: 'passive' });
    expect(deactivated.json()).toMatchObject({ status: 'deactivated', is_active: false });
    expect((await membersOf(tenant.id)).map((m) => m.status)).toEqual(['passive', 'passive']);
    const activated = await call('POST', `/v1/tenants/${tenant.id}/activate`, { user_status: 'active' });
    expect(activated.json()).toMatchObject({ status: 'pending_setup', is_active: true });
    expect((await membersOf(tenant.id)).map((m) => m.status)).toEqual(['active', 'active']);
    const events = await eventsOf(tenant.id);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['TenantDeactivated', 'TenantActivated']);
    expect((events.at(-2)!.event.data as { user_status?: string }).user_status).toBe('passive');
  });

  it('an unknown user_status is a 422', async () => {
    const tenant = await newTenant();
    expectProblem(await call('POST', `/v1/tenants/${tenant.id}/deactivate`, { user_status: 'invited' }), 422);
  });
});

describe('users and login', () => {
  it('POST /v1/users creates a user who can log in; a duplicate email is a 409', async () => {
    const created = await call('POST', '/v1/users', { email: 'Login.User@members.test', password: 'a-long-password', first_name: 'Lu', permissions: ['CREATE_TENANT'] });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      id: expect.any(String),
      email: 'login.user@members.test',
      first_name: 'Lu',
      last_name: null,
      superuser: false,
      permissions: ['CREATE_TENANT'],
      status: 'active',
    });
    expect(created.json()).not.toHaveProperty('password_hash');
    expect(expectProblem(await call('POST', '/v1/users', { email: 'login.user@MEMBERS.test' }), 409).code).toBe('TNT_ERR_EMAIL_TAKEN');
    const login = await t.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { email: 'login.user@members.test', password: 'a-long-password' } });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: expect.any(Number) });
    const me = await call('GET', '/v1/users/me', undefined, login.json().access_token);
    expect(me.json()).toMatchObject({ email: 'login.user@members.test', permissions: ['CREATE_TENANT'], memberships: [] });
  });

  it('a wrong password and an unknown email get the same 401', async () => {
    const wrong = await t.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { email: 'root@tenantry.test', password: 'wrong-password' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { email: 'nobody@members.test', password: 'wrong-password' } });
    expectProblem(wrong, 401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
  });
});
