import { bearer, expectProblem } from '../testing/http-helpers.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

// What SPEC §3 leaves open, decided (docs/authorization.md): passive and banned members have no
// access, a suspended or deactivated tenant takes no writes from its members, and a switched token
// acts on its own tenant only.

let t: TestApp;
let sequence = 0;
const unique = () => `${Date.now().toString(36)}-${++sequence}`;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const call = (method: Method, url: string, token: string, payload?: object) =>
  t.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

async function tenantWith(members: Record<string, string>) {
  const tenant = (await call('POST', '/v1/tenants', t.superToken, { name: `Rules Tenant ${unique()}` })).json();
  for (const [email, role] of Object.entries(members)) {
    expect((await call('POST', `/v1/tenants/${tenant.id}/members`, t.superToken, { email, role })).statusCode).toBe(201);
  }
  return tenant.id as string;
}

async function user(label: string) {
  const email = `${label}-${unique()}@rules.test`;
  return { email, ...(await t.tokenFor(email)) };
}

describe('a passive or banned member', () => {
  it.each(['passive', 'banned'])('%s: cannot read, list, count or switch into the tenant, and a token switched before stops working', async (status) => {
    const member = await user(status);
    const tenantId = await tenantWith({ [member.email]: 'developer' });
    const switched = (await call('POST', `/v1/tenants/${tenantId}/switch`, member.token)).json().access_token as string;
    expect((await call('GET', `/v1/tenants/${tenantId}`, switched)).statusCode).toBe(200);

    expect((await call('PATCH', `/v1/tenants/${tenantId}/members/${member.userId}`, t.superToken, { status })).statusCode).toBe(200);

    for (const url of [`/v1/tenants/${tenantId}`, `/v1/tenants/${tenantId}/members`, `/v1/tenants/${tenantId}/statistics`]) {
      expectProblem(await call('GET', url, member.token), 404);
    }
    expectProblem(await call('POST', `/v1/tenants/${tenantId}/switch`, member.token), 404);
    expect((await call('GET', '/v1/tenants', member.token)).json().data).toEqual([]);
    expect((await call('GET', '/v1/tenants/count', member.token)).json()).toEqual({ count: 0 });
    expectProblem(await call('GET', `/v1/tenants/${tenantId}`, switched), 401);
    // Their own memberships still show the state of each, theirs to know.
    expect((await call('GET', '/v1/users/me', member.token)).json().memberships).toEqual([expect.objectContaining({ tenant_id: tenantId, status })]);

    // Made active again, they are back in.
    await call('PATCH', `/v1/tenants/${tenantId}/members/${member.userId}`, t.superToken, { status: 'active' });
    expect((await call('GET', `/v1/tenants/${tenantId}`, member.token)).statusCode).toBe(200);
  });
});

describe('a suspended tenant', () => {
  it("refuses its members' writes with 409, takes a superuser's, and still answers reads and switch", async () => {
    const admin = await user('suspended-admin');
    const tenantId = await tenantWith({ [admin.email]: 'admin', [`other-${unique()}@rules.test`]: 'readonly' });
    expect((await call('POST', `/v1/tenants/${tenantId}/suspend`, t.superToken)).json().status).toBe('suspended');

    const writes: [Method, string, object?][] = [
      ['PATCH', `/v1/tenants/${tenantId}`, { city: 'Calama' }],
      ['POST', `/v1/tenants/${tenantId}/members`, { email: `late-${unique()}@rules.test`, role: 'readonly' }],
      ['PATCH', `/v1/tenants/${tenantId}/members/${admin.userId}`, { role: 'developer' }],
      ['DELETE', `/v1/tenants/${tenantId}/members/${admin.userId}`],
    ];
    for (const [method, url, payload] of writes) {
      const problem = expectProblem(await call(method, url, admin.token, payload), 409);
      expect({ url, code: problem.code, detail: problem.detail }).toEqual({ url, code: 'TNT_ERR_INVALID_STATE', detail: expect.stringMatching(/suspended/) });
    }
    expect((await call('GET', `/v1/tenants/${tenantId}`, admin.token)).json()).toMatchObject({ status: 'suspended', city: null, version: 4 });
    expect((await call('GET', `/v1/tenants/${tenantId}/members`, admin.token)).statusCode).toBe(200);
    expect((await call('POST', `/v1/tenants/${tenantId}/switch`, admin.token)).statusCode).toBe(200);

    expect((await call('PATCH', `/v1/tenants/${tenantId}`, t.superToken, { city: 'Calama' })).json()).toMatchObject({ city: 'Calama', status: 'suspended' });
    await call('POST', `/v1/tenants/${tenantId}/activate`, t.superToken);
    expect((await call('PATCH', `/v1/tenants/${tenantId}`, admin.token, { city: 'Tocopilla' })).statusCode).toBe(200);
  });
});

describe('a token switched into tenant A', () => {
  it('cannot act on tenant B, even for an admin of both; the same user with an unswitched token can', async () => {
    const admin = await user('two-tenant-admin');
    const [tenantA, tenantB] = [await tenantWith({ [admin.email]: 'admin' }), await tenantWith({ [admin.email]: 'admin' })];
    const intoA = (await call('POST', `/v1/tenants/${tenantA}/switch`, admin.token)).json().access_token as string;

    const onB: [Method, string, object?][] = [
      ['GET', `/v1/tenants/${tenantB}`],
      ['GET', `/v1/tenants/${tenantB}/members`],
      ['PATCH', `/v1/tenants/${tenantB}`, { city: 'Arica' }],
      ['POST', `/v1/tenants/${tenantB}/members`, { email: `via-a-${unique()}@rules.test`, role: 'readonly' }],
      ['POST', `/v1/tenants/${tenantB}/switch`],
    ];
    for (const [method, url, payload] of onB) {
      const problem = expectProblem(await call(method, url, intoA, payload), 403);
      expect({ url, detail: problem.detail }).toEqual({ url, detail: expect.stringContaining(tenantA) });
    }
    expect((await call('PATCH', `/v1/tenants/${tenantA}`, intoA, { city: 'Arica' })).statusCode).toBe(200);
    expect((await call('PATCH', `/v1/tenants/${tenantB}`, admin.token, { city: 'Arica' })).statusCode).toBe(200);
  });
});
