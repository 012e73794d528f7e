import { readFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import {
  AUTHORIZATION_MATRIX,
  CALLERS,
  CALLER_LABELS,
  expectedStatus,
  type Caller,
  type MatrixRow,
} from '../testing/authorization-matrix.ts';
import { AUTHORIZATION_DOC, withCurrentTable } from '../testing/write-authorization-doc.ts';
import { bearer, expectProblem } from '../testing/http-helpers.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

const MEMBER_ROLES = ['admin', 'developer', 'readonly', 'auditor'] as const;
type MemberRole = (typeof MEMBER_ROLES)[number];
const isMemberRole = (caller: Caller): caller is MemberRole => (MEMBER_ROLES as readonly string[]).includes(caller);

interface CallerIdentity {
  token?: string;
  userId?: string;
  email: string;
  password: string;
}

/** What one case runs against: a fresh tenant (or an unknown id) and the member it may act on. */
interface Fixture {
  tenantId: string;
  targetUserId: string;
}

let t: TestApp;
const identities = {} as Record<Caller, CallerIdentity>;
let sequence = 0;
const unique = () => `${Date.now().toString(36)}-${++sequence}`;

/** The request each row of the table stands for, made by `caller` on `fixture`. */
const REQUESTS: Record<string, (fixture: Fixture, caller: CallerIdentity) => InjectOptions> = {
  'POST /v1/auth/token': (_f, c) => ({ method: 'POST', url: '/v1/auth/token', payload: { email: c.email, password: c.password } }),
  'GET /v1/users/me': () => ({ method: 'GET', url: '/v1/users/me' }),
  'POST /v1/users': () => ({ method: 'POST', url: '/v1/users', payload: { email: `new-${unique()}@matrix.test` } }),
  'DELETE /v1/users/{id}': (f) => ({ method: 'DELETE', url: `/v1/users/${f.targetUserId}?erase=true` }),
  'GET /v1/plans': () => ({ method: 'GET', url: '/v1/plans' }),
  'POST /v1/tenants': () => ({ method: 'POST', url: '/v1/tenants', payload: { name: `Created In Matrix ${unique()}` } }),
  'POST /v1/tenants (plan_id, user_limit)': () => ({
    method: 'POST',
    url: '/v1/tenants',
    payload: { name: `Billed In Matrix ${unique()}`, plan_id: 'business', user_limit: 40 },
  }),
  'POST /v1/tenants (naming its database)': () => ({ method: 'POST', url: '/v1/tenants', payload: { name: `Placed In Matrix ${unique()}`, database: 'main' } }),
  'GET /v1/tenants': () => ({ method: 'GET', url: '/v1/tenants' }),
  'GET /v1/tenants/count': () => ({ method: 'GET', url: '/v1/tenants/count' }),
  'GET /v1/tenants/{id}': (f) => ({ method: 'GET', url: `/v1/tenants/${f.tenantId}` }),
  'PATCH /v1/tenants/{id}': (f) => ({ method: 'PATCH', url: `/v1/tenants/${f.tenantId}`, payload: { city: 'Valparaíso' } }),
  'PATCH /v1/tenants/{id} (plan_id, user_limit)': (f) => ({
    method: 'PATCH',
    url: `/v1/tenants/${f.tenantId}`,
    payload: { plan_id: 'business', user_limit: 1_000_000 },
  }),
  'PUT /v1/tenants/{id}': (f) => ({ method: 'PUT', url: `/v1/tenants/${f.tenantId}`, payload: { city: 'Temuco' } }),
  'DELETE /v1/tenants/{id}': (f) => ({ method: 'DELETE', url: `/v1/tenants/${f.tenantId}` }),
  'POST /v1/tenants/{id}/deactivate': (f) => ({ method: 'POST', url: `/v1/tenants/${f.tenantId}/deactivate`, payload: { user_status: 'passive' } }),
  'POST /v1/tenants/{id}/activate': (f) => ({ method: 'POST', url: `/v1/tenants/${f.tenantId}/activate` }),
  'POST /v1/tenants/{id}/suspend': (f) => ({ method: 'POST', url: `/v1/tenants/${f.tenantId}/suspend` }),
  'POST /v1/tenants/{id}/provision': (f) => ({ method: 'POST', url: `/v1/tenants/${f.tenantId}/provision` }),
  'POST /v1/tenants/{id}/move': (f) => ({ method: 'POST', url: `/v1/tenants/${f.tenantId}/move`, payload: { database: 'main' } }),
  'POST /v1/tenants/{id}/export': (f) => ({ method: 'POST', url: `/v1/tenants/${f.tenantId}/export` }),
  'GET /v1/tenants/{id}/exports/{export_id}': (f) => ({ method: 'GET', url: `/v1/tenants/${f.tenantId}/exports/0193a000-0000-7000-8000-000000000000` }),
  'POST /v1/tenants/{id}/purge': (f) => ({ method: 'POST', url: `/v1/tenants/${f.tenantId}/purge`, payload: { force: true } }),
  'POST /v1/tenants/{id}/switch': (f) => ({ method: 'POST', url: `/v1/tenants/${f.tenantId}/switch` }),
  'GET /v1/tenants/{id}/statistics': (f) => ({ method: 'GET', url: `/v1/tenants/${f.tenantId}/statistics` }),
  'GET /v1/tenants/{id}/events': (f) => ({ method: 'GET', url: `/v1/tenants/${f.tenantId}/events` }),
  'GET /v1/tenants/{id}/members': (f) => ({ method: 'GET', url: `/v1/tenants/${f.tenantId}/members` }),
  'POST /v1/tenants/{id}/members': (f) => ({
    method: 'POST',
    url: `/v1/tenants/${f.tenantId}/members`,
    payload: { email: `member-${unique()}@matrix.test`, role: 'readonly' },
  }),
  'PATCH /v1/tenants/{id}/members/{user_id}': (f) => ({
    method: 'PATCH',
    url: `/v1/tenants/${f.tenantId}/members/${f.targetUserId}`,
    payload: { role: 'auditor' },
  }),
  'DELETE /v1/tenants/{id}/members/{user_id}': (f) => ({ method: 'DELETE', url: `/v1/tenants/${f.tenantId}/members/${f.targetUserId}` }),
  'DELETE /v1/tenants/{id}/members/{user_id} (self)': (f, c) => ({
    method: 'DELETE',
    url: `/v1/tenants/${f.tenantId}/members/${c.userId ?? f.targetUserId}`,
  }),
  'POST /v1/tenant-groups': () => ({ method: 'POST', url: '/v1/tenant-groups', payload: { name: `Group ${unique()}` } }),
  'GET /v1/tenant-groups': () => ({ method: 'GET', url: '/v1/tenant-groups' }),
  'GET /v1/usage': () => ({ method: 'GET', url: '/v1/usage?order=calls&limit=5' }),
};

const tenantScoped = (row: MatrixRow) => row.route.includes('{id}');

async function asSuperuser(options: InjectOptions) {
  const response = await t.app.inject({ ...options, headers: bearer(t.superToken) });
  if (response.statusCode >= 300) throw new Error(`fixture ${options.method} ${options.url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** A fresh tenant owned by `owner`, with a developer `target` and, for member callers, the caller in its role. */
async function freshTenant(caller: Caller): Promise<Fixture> {
  const tenant = await asSuperuser({
    method: 'POST',
    url: '/v1/tenants',
    payload: { name: `Matrix Tenant ${unique()}`, plan_id: 'enterprise', admin: { email: 'owner@matrix.test' } },
  });
  if (isMemberRole(caller)) {
    await asSuperuser({ method: 'POST', url: `/v1/tenants/${tenant.id}/members`, payload: { email: identities[caller].email, role: caller } });
  }
  const target = await asSuperuser({
    method: 'POST',
    url: `/v1/tenants/${tenant.id}/members`,
    payload: { email: 'target@matrix.test', role: 'developer' },
  });
  return { tenantId: tenant.id, targetUserId: target.user_id };
}

async function send(options: InjectOptions, caller: Caller) {
  const token = identities[caller].token;
  return t.app.inject({ ...options, headers: { ...(options.headers ?? {}), ...(token ? bearer(token) : {}) } });
}

beforeAll(async () => {
  t = await createTestApp();
  identities.anonymous = { email: 'plain@matrix.test', password: 'user-password' };
  identities.superuser = { token: t.superToken, email: 'root@tenantry.test', password: 'root-password' };
  for (const caller of CALLERS) {
    if (caller === 'anonymous' || caller === 'superuser') continue;
    const email = `${caller}@matrix.test`;
    const { token, userId } = await t.tokenFor(email, { permissions: caller === 'creator' ? ['CREATE_TENANT'] : [] });
    identities[caller] = { token, userId, email, password: 'user-password' };
  }
  const me = await t.app.inject({ method: 'GET', url: '/v1/users/me', headers: bearer(t.superToken) });
  identities.superuser.userId = me.json().id;
});
afterAll(async () => {
  await t?.close();
});

describe('the authorization matrix', () => {
  it('has a request for every row and a status for every caller', () => {
    expect(Object.keys(REQUESTS).sort()).toEqual(AUTHORIZATION_MATRIX.map((row) => row.route).sort());
    for (const row of AUTHORIZATION_MATRIX) expect(row.statuses).toHaveLength(CALLERS.length);
  });

  it('is published unchanged in docs/authorization.md', () => {
    const document = readFileSync(AUTHORIZATION_DOC, 'utf8');
    expect(document).toBe(withCurrentTable(document));
  });
});

const cells = AUTHORIZATION_MATRIX.flatMap((row) =>
  CALLERS.map((caller) => ({ row, caller, status: expectedStatus(row, caller), label: CALLER_LABELS[caller] })),
);

describe.each(AUTHORIZATION_MATRIX.map((row) => [row.route, row] as const))('%s', (_route, row) => {
  it.each(cells.filter((cell) => cell.row === row).map((cell) => [cell.label, cell.status, cell.caller] as const))(
    'as %s → %i',
    async (_label, status, caller) => {
      const fixture = tenantScoped(row) ? await freshTenant(caller) : { tenantId: '', targetUserId: '' };
      const response = await send(REQUESTS[row.route](fixture, identities[caller]), caller);
      if (status >= 400) expectProblem(response, status);
      else expect({ status: response.statusCode, body: response.body.slice(0, 300) }).toEqual({ status, body: expect.any(String) });
    },
  );
});

describe('a tenant id that does not exist', () => {
  const unknown: Fixture = { tenantId: '0190b6b0-0000-7000-8000-00000000dead', targetUserId: '0190b6b0-0000-7000-8000-00000000beef' };
  // Routes with a tenant in the path (DELETE /v1/users/{id} has a user there: it is not about tenants).
  const rows = AUTHORIZATION_MATRIX.filter((row) => row.route.includes('/tenants/{id}')).map((row) => [row.route, row] as const);

  it.each(rows)('%s → 404 for the superuser too', async (_route, row) => {
    expectProblem(await send(REQUESTS[row.route](unknown, identities.superuser), 'superuser'), 404);
  });

  it.each(rows)('%s → 404 for an admin of another tenant', async (_route, row) => {
    await freshTenant('admin');
    expectProblem(await send(REQUESTS[row.route](unknown, identities.admin), 'admin'), 404);
  });
});
