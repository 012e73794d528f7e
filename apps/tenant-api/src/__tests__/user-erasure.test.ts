import { recordProvisioningOutcome } from '@tenantry/control-db';
import { createTenantSchemaOrm, provisionTenantSchema, schemaNameFor, type TenantSchemaOrm } from '@tenantry/tenant-schema';
import { openedEventLog } from '../testing/event-log.ts';
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

const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = {}, token = t.superToken) =>
  t.app.inject({ method, url, headers: { ...bearer(token), ...headers }, ...(payload ? { payload } : {}) });
const sql = <R extends object>(text: string, params: unknown[] = []) => t.orm.em.fork().execute<R[]>(text, params);

async function newTenant(name: string) {
  const response = await call('POST', '/v1/tenants', { name });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string };
}

describe('DELETE /v1/users/{id}?erase=true', () => {
  it("erases a user: memberships (with TenantMemberRemoved), profile copies, idempotency records, key; a tombstone stays and the e-mail is free", async () => {
    const email = 'erasable.person@erasure.test';
    const { token, userId } = await t.tokenFor(email);
    await sql(`update users set first_name = 'Erasmo', last_name = 'Borrado' where id = ?`, [userId]);
    const first = await newTenant('Erasure Tenant One');
    const second = await newTenant('Erasure Tenant Two');
    const built = await provisionTenantSchema(schemaOrm, { ...first, name: 'Erasure Tenant One' } as never, { roleLogin: true });
    await recordProvisioningOutcome(t.orm, first.id, { ok: true, schemaVersion: built.schemaVersion });
    const added = await call('POST', `/v1/tenants/${first.id}/members`, { email, role: 'developer' }, { 'idempotency-key': 'erase-1' });
    expect(added.statusCode).toBe(201);
    expect((await call('POST', `/v1/tenants/${second.id}/members`, { email, role: 'readonly' })).statusCode).toBe(201);
    // The tenant's application keeps a local profile of its members in its own schema.
    await sql(`insert into "${schemaNameFor(first.id)}".users (user_id, email, first_name, last_name, role) values (?, ?, 'Erasmo', 'Borrado', 'developer')`, [userId, email]);

    const erased = await call('DELETE', `/v1/users/${userId}?erase=true`);
    expect(erased.statusCode).toBe(204);

    const [user] = await sql<Record<string, unknown>>(`select * from users where id = ?`, [userId]);
    expect(user).toEqual(expect.objectContaining({ status: 'erased', email: null, first_name: null, last_name: null, password_hash: null, erased_at: expect.anything() }));
    expect(await sql(`select 1 from memberships where user_id = ?`, [userId])).toEqual([]);
    expect(await sql(`select 1 from "${schemaNameFor(first.id)}".users where user_id = ?`, [userId])).toEqual([]);
    expect(await sql(`select 1 from idempotency_keys where response::text like ?`, [`%${userId}%`])).toEqual([]);
    expect(await sql(`select key from subject_keys where subject = ?`, [`user:${userId}`])).toEqual([{ key: null }]);
    for (const tenant of [first, second]) {
      const events = await openedEventLog<{ type: string; data: { member?: Record<string, unknown> } }>(t.orm, tenant.id);
      const memberEvents = events.filter((e) => e.event.data.member?.user_id === userId);
      expect(memberEvents.map((e) => e.type)).toEqual(['TenantMemberAdded', 'TenantMemberRemoved']);
      // Opened with the keys as they are now: the user's fields are gone from every event, old ones too.
      for (const e of memberEvents) expect([e.event.data.member!.email, e.event.data.member!.first_name, e.event.data.member!.last_name]).toEqual([null, null, null]);
    }
    const logText = (await sql<{ text: string }>(`select string_agg(event::text, ' ') as text from tenant_events`))[0].text;
    for (const secret of [email, 'Erasmo', 'Borrado']) expect(logText).not.toContain(secret);

    // Their token and their password no longer work; the e-mail can be used by someone new.
    expectProblem(await call('GET', '/v1/users/me', undefined, {}, token), 401);
    expectProblem(await t.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { email, password: 'user-password' } }), 401);
    expect((await call('POST', '/v1/users', { email })).statusCode).toBe(201);
    // Erasing again is a no-op answered the same way.
    expect((await call('DELETE', `/v1/users/${userId}?erase=true`)).statusCode).toBe(204);
  });

  it('refuses without erase=true (400), for an unknown user (404 TNT_ERR_USER_NOT_FOUND), and for anyone but a superuser (403)', async () => {
    const { userId, token } = await t.tokenFor('not-erased@erasure.test');
    expectProblem(await call('DELETE', `/v1/users/${userId}`), 400);
    expectProblem(await call('DELETE', `/v1/users/${userId}?erase=false`), 400);
    expect(expectProblem(await call('DELETE', '/v1/users/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b?erase=true'), 404).code).toBe('TNT_ERR_USER_NOT_FOUND');
    expect(expectProblem(await call('DELETE', `/v1/users/${userId}?erase=true`, undefined, {}, token), 403).code).toBe('TNT_ERR_FORBIDDEN');
    expect((await sql<{ status: string }>(`select status from users where id = ?`, [userId]))[0].status).toBe('active');
  });
});
