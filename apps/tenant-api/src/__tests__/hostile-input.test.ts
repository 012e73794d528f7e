import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { loadConfig } from '@tenantry/config';
import { bearer, expectProblem, rowCounts } from '../testing/http-helpers.ts';
import { AUTHORIZATION_MATRIX } from '../testing/authorization-matrix.ts';
import { PROTOTYPE_NAMES, adminField, tenantBody, tenantFields } from '../testing/tenant-body-arbitraries.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let tenantId: string;
let userId: string;

const DEEP = 20_000;
const deepArray = `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`;
const deepObject = `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`;
const MB = 1024 * 1024;

beforeAll(async () => {
  t = await createTestApp();
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/tenants',
    headers: bearer(t.superToken),
    payload: { name: 'Hostile Target SpA', slug: 'hostile-target' },
  });
  tenantId = created.json().id;
  userId = (await t.app.inject({ method: 'GET', url: '/v1/users/me', headers: bearer(t.superToken) })).json().id;
});
afterAll(async () => {
  await t?.close();
});

/** Sends a request that must be refused: a 4xx problem+json, and not one row written anywhere. */
async function expectRefused(options: InjectOptions, status?: number) {
  const before = await rowCounts(t.orm);
  const response = await t.app.inject({ ...options, headers: { ...bearer(t.superToken), ...(options.headers ?? {}) } });
  const problem = expectProblem(response, status);
  expect(await rowCounts(t.orm)).toEqual(before);
  return problem;
}

const json = (url: string, body: string, method: 'POST' | 'PATCH' = 'POST'): InjectOptions => ({
  method,
  url,
  headers: { 'content-type': 'application/json' },
  payload: body,
});

const writeRoutes = () => [
  ['POST /v1/tenants', '/v1/tenants', 'POST'],
  ['PATCH /v1/tenants/{id}', `/v1/tenants/${tenantId}`, 'PATCH'],
  ['POST /v1/tenants/{id}/members', `/v1/tenants/${tenantId}/members`, 'POST'],
  ['POST /v1/users', '/v1/users', 'POST'],
  ['POST /v1/tenant-groups', '/v1/tenant-groups', 'POST'],
  ['POST /v1/auth/token', '/v1/auth/token', 'POST'],
] as const;

describe('malformed bodies', () => {
  const malformed = [
    ['a cut-off document', '{"name": "Broken'],
    ['JavaScript, not JSON', "{name: 'Comercial'}"],
    ['a trailing comma', '{"name": "Comercial Uno",}'],
    ['NaN', '{"billing_day": NaN}'],
    ['an empty body', ''],
    ['a bare word', 'undefined'],
    ['a prototype-poisoning key', '{"name": "Comercial Uno", "__proto__": {"superuser": true}}'],
    ['a constructor.prototype key', '{"name": "Comercial Uno", "constructor": {"prototype": {"superuser": true}}}'],
  ] as const;

  it.each(writeRoutes())('%s: every malformed document is a 400', async (_name, url, method) => {
    for (const [, body] of malformed) await expectRefused(json(url, body, method), 400);
  });

  it.each(writeRoutes())('%s: invalid UTF-8 is refused', async (_name, url, method) => {
    const body = Buffer.concat([Buffer.from('{"name": "Comercial '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('", "email": 1}')]);
    await expectRefused({ method, url, headers: { 'content-type': 'application/json' }, payload: body });
  });

  it.each(writeRoutes())('%s: 20,000-deep arrays and objects are refused', async (_name, url, method) => {
    await expectRefused(json(url, deepArray, method));
    await expectRefused(json(url, deepObject, method));
    await expectRefused(json(url, `{"name": ${deepArray}}`, method));
    await expectRefused(json(url, `{"settings": ${deepObject}}`, method));
    await expectRefused(json(url, `{"email": ${deepObject}, "password": ${deepArray}}`, method));
  });

  it.each(writeRoutes())('%s: a body over the limit is a 413', async (_name, url, method) => {
    const problem = await expectRefused(json(url, JSON.stringify({ name: 'x'.repeat(MB + 10) }), method), 413);
    expect(problem.code).toBe('TNT_ERR_BODY_TOO_LARGE');
  });

  it.each([
    ['text/plain', 'name=Comercial'],
    ['application/x-www-form-urlencoded', 'name=Comercial+Uno'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nComercial Uno\r\n--x--'],
    ['application/xml', '<tenant><name>Comercial Uno</name></tenant>'],
    ['application/octet-stream', '{"name": "Comercial Uno"}'],
    ['image/png', '{"name": "Comercial Uno"}'],
  ])('a %s body is a 400', async (contentType, body) => {
    for (const [, url, method] of writeRoutes()) {
      await expectRefused({ method, url, headers: { 'content-type': contentType }, payload: body }, 400);
    }
  });
});

describe('well-formed JSON with bad values', () => {
  const base = { name: 'Valid Name Ltda' };
  const bodies: [string, unknown][] = [
    ['an array body', [base]],
    ['a string body', 'Comercial Uno'],
    ['a number body', 42],
    ['a null body', null],
    ['name as number', { name: 12345 }],
    ['name as boolean', { name: true }],
    ['name as null', { name: null }],
    ['name as object', { name: { first: 'Comercial' } }],
    ['name as array', { name: ['Comercial', 'Uno'] }],
    ['billing_day as string', { ...base, billing_day: '5' }],
    ['billing_day as float', { ...base, billing_day: 1.5 }],
    ['billing_day huge', { ...base, billing_day: 1e308 }],
    ['user_limit as string', { ...base, user_limit: '10' }],
    ['user_limit zero', { ...base, user_limit: 0 }],
    ['user_limit negative', { ...base, user_limit: -1 }],
    ['economic_activities as object', { ...base, economic_activities: { code: '479100' } }],
    ['economic_activities with nulls', { ...base, economic_activities: [null] }],
    ['economic_activities item missing fields', { ...base, economic_activities: [{ code: '479100' }] }],
    ['settings as string', { ...base, settings: 'CLP' }],
    ['settings as array', { ...base, settings: ['CLP'] }],
    ['plan_id unknown', { ...base, plan_id: 'platinum' }],
    ['plan_id as number', { ...base, plan_id: 3 }],
    ['group_id not a uuid', { ...base, group_id: 'group-1' }],
    ['group_id unknown', { ...base, group_id: '0190b6b0-0000-7000-8000-000000000001' }],
    ['rut as number', { ...base, rut: 760864285 }],
    ['country_code three letters', { ...base, country_code: 'CHL' }],
    ['country_code as number', { ...base, country_code: 56 }],
    ['unknown top-level field', { ...base, superuser: true }],
    ['unknown field in settings', { ...base, settings: { default_currency: 'CLP', color: 'red' } }],
    ['unknown field in an activity', { ...base, economic_activities: [{ code: '479100', name: 'x', category: '1ra', taxable: true, vat: 19 }] }],
    ['unknown field in admin', { ...base, admin: { email: 'a@b.cl', superuser: true } }],
    ['admin email invalid', { ...base, admin: { email: 'not an email' } }],
    ['id given', { ...base, id: '0190b6b0-0000-7000-8000-000000000001' }],
    ['version given', { ...base, version: 99 }],
    ['status given', { ...base, status: 'active' }],
    ['1 MB name', { name: 'N'.repeat(1_000_000) }],
    ['1 MB description', { ...base, description: 'D'.repeat(1_000_000) }],
    ['1 MB slug', { ...base, slug: 's'.repeat(1_000_000) }],
    ['SQL in the slug', { ...base, slug: "x'; drop table tenants; --" }],
    ['SQL comment in the slug', { ...base, slug: 'abc--' }],
    ['upper-case slug', { ...base, slug: 'Comercial-Uno' }],
    ['name of emoji only (no slug derivable)', { name: '🚀🚀🚀🚀🚀' }],
    ['RTL name with no slug derivable', { name: 'شركة الأنديز للتجارة' }],
  ];

  it.each(bodies)('POST /v1/tenants with %s → 4xx, nothing written', async (_label, body) => {
    await expectRefused({ method: 'POST', url: '/v1/tenants', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  });

  it.each(bodies.filter(([label]) => !label.startsWith('name of') && !label.startsWith('RTL')))(
    'PATCH /v1/tenants/{id} with %s → 4xx, nothing written',
    async (_label, body) => {
      await expectRefused({ method: 'PATCH', url: `/v1/tenants/${tenantId}`, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    },
  );

  it.each([
    ['email missing', { role: 'admin' }],
    ['role unknown', { email: 'x@y.cl', role: 'owner' }],
    ['email as number', { email: 5, role: 'admin' }],
    ['email invalid', { email: 'nobody', role: 'admin' }],
    ['unknown field', { email: 'x@y.cl', role: 'admin', superuser: true }],
    ['1 MB first_name', { email: 'x@y.cl', role: 'admin', first_name: 'F'.repeat(1_000_000) }],
  ])('POST members with %s → 4xx, nothing written', async (_label, body) => {
    await expectRefused({ method: 'POST', url: `/v1/tenants/${tenantId}/members`, payload: body as object });
  });
});

describe('unicode', () => {
  const NUL = '\u0000';
  const LONE_SURROGATE = '\ud800';
  const withNul = (s: string) => `${s}${NUL}`;

  const tenantBodies: [string, object][] = [
    ['NUL in name', { name: withNul('Comercial Nul') }],
    ['NUL in slug', { name: 'Comercial Nul', slug: withNul('nul') }],
    ['NUL in description', { name: 'Comercial Nul', description: withNul('desc') }],
    ['NUL in address', { name: 'Comercial Nul', address: withNul('Calle 1') }],
    ['NUL in giro', { name: 'Comercial Nul', giro: NUL }],
    ['NUL in rut', { name: 'Comercial Nul', rut: withNul('76086428-5') }],
    ['NUL in an activity name', { name: 'Comercial Nul', economic_activities: [{ code: '479100', name: withNul('x'), category: '1ra', taxable: true }] }],
    ['NUL in settings.timezone', { name: 'Comercial Nul', settings: { timezone: withNul('UTC') } }],
    ['NUL in a field name', { name: 'Comercial Nul', [withNul('city')]: 'x' }],
    ['NUL in admin.email', { name: 'Comercial Nul', admin: { email: withNul('boss@example.com') } }],
    ['NUL in admin.first_name', { name: 'Comercial Nul', admin: { email: 'boss-nul@example.com', first_name: withNul('Ana') } }],
    ['a lone surrogate in name', { name: `Comercial ${LONE_SURROGATE} Uno` }],
    ['a lone surrogate in description', { name: 'Comercial Surrogate', description: LONE_SURROGATE }],
    ['a lone surrogate in an activity name', { name: 'Comercial Surrogate', economic_activities: [{ code: '479100', name: LONE_SURROGATE, category: '1ra', taxable: true }] }],
  ];

  it.each(tenantBodies)('POST /v1/tenants with %s → 4xx, nothing written', async (_label, body) => {
    const problem = await expectRefused({ method: 'POST', url: '/v1/tenants', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(problem.status).toBe(problem.errors ? 422 : 400);
  });

  it.each(tenantBodies.filter(([label]) => !label.includes('admin')))('PATCH /v1/tenants/{id} with %s → 4xx, nothing written', async (_label, body) => {
    const { name: _name, ...patch } = body as Record<string, unknown>;
    const payload = Object.keys(patch).length ? patch : body;
    await expectRefused({ method: 'PATCH', url: `/v1/tenants/${tenantId}`, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
  });

  it.each([
    ['POST members email', 'POST', (): string => `/v1/tenants/${tenantId}/members`, { email: withNul('nul@example.com'), role: 'admin' }],
    ['POST members first_name', 'POST', (): string => `/v1/tenants/${tenantId}/members`, { email: 'nul2@example.com', role: 'admin', first_name: withNul('Ana') }],
    ['POST users email', 'POST', (): string => '/v1/users', { email: withNul('nul3@example.com') }],
    ['POST users last_name', 'POST', (): string => '/v1/users', { email: 'nul4@example.com', last_name: withNul('Soto') }],
    ['POST users password', 'POST', (): string => '/v1/users', { email: 'nul5@example.com', password: withNul('long-password') }],
    ['POST tenant-groups name', 'POST', (): string => '/v1/tenant-groups', { name: withNul('group') }],
    ['POST tenant-groups lone surrogate', 'POST', (): string => '/v1/tenant-groups', { name: LONE_SURROGATE }],
    ['POST auth/token email', 'POST', (): string => '/v1/auth/token', { email: withNul('root@tenantry.test'), password: 'root-password' }],
    ['POST auth/token password', 'POST', (): string => '/v1/auth/token', { email: 'root@tenantry.test', password: withNul('root-password') }],
  ] as const)('%s with a NUL → 4xx, nothing written', async (_label, method, url, body) => {
    await expectRefused({ method, url: url(), payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  });

  it.each([
    ['q', 'q=%00'],
    ['q, mid-text', 'q=abc%00def'],
    ['name', 'name=Hostile%00'],
  ])('GET /v1/tenants with a NUL in %s → 400', async (_label, query) => {
    await expectRefused({ method: 'GET', url: `/v1/tenants?${query}` }, 400);
    await expectRefused({ method: 'GET', url: `/v1/tenants/count?${query}` }, 400);
  });

  it('GET /v1/tenants with a UTF-8-encoded surrogate (invalid UTF-8) in q finds nothing and does not fail', async () => {
    for (const url of ['/v1/tenants?q=%ED%A0%80', '/v1/tenants?name=%ED%A0%80', '/v1/tenants?q=%FF%FE']) {
      const response = await t.app.inject({ method: 'GET', url, headers: bearer(t.superToken) });
      expect(response.statusCode).toBe(200);
      expect(response.json().data).toEqual([]);
    }
  });

  it.each([
    ['emoji', { name: '🚀 Cohete Andino 🇨🇱', slug: 'cohete-andino' }, 'cohete-andino'],
    ['RTL text', { name: 'شركة الأنديز للتجارة', slug: 'andes-rtl' }, 'andes-rtl'],
    ['accents', { name: 'Ñandú Comercial Ltda' }, 'nandu-comercial-ltda'],
    ['CJK', { name: '安第斯贸易有限公司', slug: 'andes-cjk', description: '说明 — ünïcödé ✓' }, 'andes-cjk'],
  ])('accepts %s and returns it exactly', async (_label, body, slug) => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: bearer(t.superToken), payload: body });
    expect(response.statusCode).toBe(201);
    const read = await t.app.inject({ method: 'GET', url: `/v1/tenants/${response.json().id}`, headers: bearer(t.superToken) });
    expect(read.json()).toMatchObject({ ...body, slug });
  });
});

describe('query strings and cursors', () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const cursors = [
    ['garbage', 'garbage'],
    ['not base64', '!!!$$$'],
    ['base64 of text', Buffer.from('hello').toString('base64url')],
    ['an empty array', b64([])],
    ['a date that PostgreSQL cannot read', b64(['1', '0190b6b0-0000-7000-8000-000000000001'])],
    ['year zero', b64(['0000-01-01T00:00:00.000Z', '0190b6b0-0000-7000-8000-000000000001'])],
    ['an impossible day', b64(['2026-02-30T00:00:00.000Z', '0190b6b0-0000-7000-8000-000000000001'])],
    ['a far-future date', b64(['+275760-09-13T00:00:00.000Z', '0190b6b0-0000-7000-8000-000000000001'])],
    ['an id of dashes', b64(['2026-01-01T00:00:00.000Z', '-'.repeat(36)])],
    ['an id with extra dashes', b64(['2026-01-01T00:00:00.000Z', '0190b6b0-0000-7000-8000-00000000-001'])],
    ['an object', b64({ created_at: '2026-01-01T00:00:00.000Z' })],
    ['SQL', b64(["2026-01-01'; drop table tenants; --", '0190b6b0-0000-7000-8000-000000000001'])],
    ['too long', 'a'.repeat(5000)],
  ];

  it.each(cursors)('GET /v1/tenants with a cursor that is %s → 400', async (_label, cursor) => {
    await expectRefused({ method: 'GET', url: `/v1/tenants?cursor=${encodeURIComponent(cursor)}` }, 400);
  });

  it.each([['abc'], ['-1'], ['1.5'], ['99999999999'], ['%00'], ['1e3']])('GET events with cursor=%s → 400', async (cursor) => {
    await expectRefused({ method: 'GET', url: `/v1/tenants/${tenantId}/events?cursor=${cursor}` }, 400);
  });

  const badQueries = [
    'limit=0', 'limit=101', 'limit=-1', 'limit=abc', 'limit=1.5', 'limit=', 'limit=1&limit=2', 'limit=1e400',
    'offset=-1', 'offset=abc', 'offset=99999999999',
    'cursor=x&offset=1', 'status=bogus', 'business_type=bank', 'group_id=not-a-uuid', 'unknown=1',
    `q=${'q'.repeat(1_000_000)}`, `name=${'n'.repeat(201)}`, 'q=',
  ];
  it.each(badQueries.map((q) => [q.length > 60 ? `${q.slice(0, 20)}…(${q.length} chars)` : q, q]))(
    'GET /v1/tenants?%s → 400',
    async (_label, query) => {
      await expectRefused({ method: 'GET', url: `/v1/tenants?${query}` }, 400);
    },
  );

  it.each([
    ['GET', '/v1/tenants/{id}?expand=all'],
    ['GET', '/v1/users/me?debug=1'],
    ['GET', '/v1/plans?x='],
    ['GET', '/v1/tenants/{id}/members?limit=5'],
    ['POST', '/v1/tenants?dry_run=true'],
    ['PATCH', '/v1/tenants/{id}?force=1'],
    ['DELETE', '/v1/tenants/{id}?hard=true'],
  ] as const)('%s %s: an unknown query parameter → 400, nothing written', async (method, url) => {
    const payload = method === 'POST' ? { name: 'Query Param Co' } : method === 'PATCH' ? { city: 'Linares' } : undefined;
    await expectRefused({ method, url: url.replace('{id}', tenantId), ...(payload ? { payload } : {}) }, 400);
  });

  it.each(['limit=0', 'limit=101', 'limit=-1', 'limit=abc', 'offset=-1', 'unknown=1'])('GET events?%s → 400', async (query) => {
    await expectRefused({ method: 'GET', url: `/v1/tenants/${tenantId}/events?${query}` }, 400);
  });

  it.each(["' or 1=1 --", '%', '_', '\\', "'); drop table tenants; --", '%_%', '\\%'])(
    'search strings that look like SQL or patterns (%s) match literally',
    async (needle) => {
      for (const key of ['q', 'name']) {
        const list = await t.app.inject({ method: 'GET', url: `/v1/tenants?${key}=${encodeURIComponent(needle)}`, headers: bearer(t.superToken) });
        expect(list.statusCode).toBe(200);
        expect(list.json().data).toEqual([]);
        const count = await t.app.inject({ method: 'GET', url: `/v1/tenants/count?${key}=${encodeURIComponent(needle)}`, headers: bearer(t.superToken) });
        expect(count.json()).toEqual({ count: 0 });
      }
      expect((await rowCounts(t.orm)).tenants).toBeGreaterThan(0);
    },
  );
});

describe('paths and headers', () => {
  it.each([
    ['/v1/tenants/not-a-uuid'],
    ['/v1/tenants/aaa… (5,000 characters)', `/v1/tenants/${'a'.repeat(5000)}`],
    ['/v1/tenants/%00'],
    ['/v1/tenants/%E0%A4%A'],
    ["/v1/tenants/1'%20or%20'1'='1"],
    ['/v1/tenants/0190b6b0-0000-7000-8000-000000000000/members/not-a-uuid'],
    ['/v1/tenants/0190b6b0-0000-7000-8000-000000000000/members/%ff'],
  ])('GET %s → 4xx', async (label, url = label) => {
    const problem = await expectRefused({ method: 'GET', url });
    expect(problem.status).not.toBe(500);
  });

  /** Raw bytes to the listening server (what Node's parser refuses never reaches `inject`): the status line, headers and body it answers. */
  async function rawExchange(request: string) {
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('the app is not listening');
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(address.port, '127.0.0.1', () => socket.end(request));
      let received = '';
      socket.on('data', (chunk) => (received += chunk));
      socket.on('end', () => resolve(received));
      // The server closes as soon as it has answered, possibly before reading all we sent (a reset).
      socket.on('error', (error) => (received ? resolve(received) : reject(error)));
    });
    const [head, body] = text.split('\r\n\r\n');
    const [statusLine, ...headerLines] = head.split('\r\n');
    const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) };
  }

  it("headers larger than Node accepts (431) and bytes that are not HTTP (400) get problem+json with a request id", async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const tooLarge = await rawExchange(`GET /v1/plans HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    expect(tooLarge).toMatchObject({ status: 431, headers: { 'content-type': 'application/problem+json' } });
    expect(tooLarge.body).toMatchObject({ status: 431, code: 'TNT_ERR_HEADERS_TOO_LARGE', title: expect.any(String), type: 'urn:tenantry:error:TNT_ERR_HEADERS_TOO_LARGE' });
    expect(tooLarge.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const notHttp = await rawExchange('HELLO THERE\r\n\r\n');
    expect(notHttp).toMatchObject({ status: 400, headers: { 'content-type': 'application/problem+json' }, body: { status: 400, code: 'TNT_ERR_MALFORMED_REQUEST' } });
  });

  it('a garbage If-Match is a 412, not a 500', async () => {
    for (const ifMatch of ['garbage', 'W/"abc"', '"-1"', 'W/"99999999999999999999"', 'W/"x", ,,', '""']) {
      await expectRefused({ method: 'PATCH', url: `/v1/tenants/${tenantId}`, headers: { 'if-match': ifMatch }, payload: { city: 'Osorno' } }, 412);
    }
  });

  it('a bad Idempotency-Key is a 400', async () => {
    for (const key of ['', 'a'.repeat(256), 'with space', 'ñandú']) {
      await expectRefused({ method: 'POST', url: '/v1/tenants', headers: { 'idempotency-key': key }, payload: { name: 'Idempotent Hostile' } }, 400);
    }
  });

  /** An HS256 token made by hand, so its secret and claims can be anything. */
  function hs256(claims: object, secret: string): string {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
    return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
  }

  it('bad, forged and expired tokens are a 401', async () => {
    const config = loadConfig({});
    const secret = config.jwt.algorithm === 'HS256' ? config.jwt.secret : '';
    const now = Math.floor(Date.now() / 1000);
    const tokens = [
      'Bearer',
      'Bearer ',
      'Bearer garbage',
      'Basic cm9vdDpyb290',
      `Bearer ${hs256({ sub: userId, superuser: true, exp: now + 600 }, 'another-secret-another-secret-another-secret')}`,
      `Bearer ${hs256({ sub: userId, superuser: true, exp: now - 600 }, secret)}`,
      `Bearer ${hs256({ sub: userId, superuser: true }, secret)}`,
      `Bearer ${hs256({ sub: 'not-a-user', exp: now + 600 }, secret)}`,
      `Bearer ${hs256({ sub: '0190b6b0-0000-7000-8000-000000000000', exp: now + 600 }, secret)}`,
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwic3VwZXJ1c2VyIjp0cnVlfQ.',
      `Bearer ${'a'.repeat(10_000)}`,
    ];
    // The hand-made token is accepted when nothing is wrong with it, so the refusals above are real.
    const good = await t.app.inject({ method: 'GET', url: '/v1/users/me', headers: { authorization: `Bearer ${hs256({ sub: userId, exp: now + 600 }, secret)}` } });
    expect(good.statusCode).toBe(200);
    for (const authorization of tokens) {
      const before = await rowCounts(t.orm);
      const response = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: { authorization }, payload: { name: 'Token Hostile Co' } });
      expectProblem(response, 401);
      expect(await rowCounts(t.orm)).toEqual(before);
    }
  });
});

describe('field names of Object.prototype members (constructor, toString, __proto__, …) on every /v1 route', () => {
  let target: { tenantId: string; userId: string };
  // Every route of the authorization matrix (the matrix test keeps it complete), without its qualified duplicates.
  const routes = AUTHORIZATION_MATRIX.filter((row) => !row.route.includes('(')).map((row) => row.route.split(' ') as [string, string]);
  const withBody = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

  beforeAll(async () => {
    const created = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: bearer(t.superToken), payload: { name: 'Prototype Names SpA' } });
    const member = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${created.json().id}/members`,
      headers: bearer(t.superToken),
      payload: { email: 'prototype-member@example.com', role: 'developer' },
    });
    target = { tenantId: created.json().id, userId: member.json().user_id };
  });

  const placements = (name: string) => ({
    query: { query: `${encodeURIComponent(name)}=1` },
    body: { body: `{${JSON.stringify(name)}: 1}` },
    nested: { body: `{"settings": {${JSON.stringify(name)}: "x"}, "admin": {"email": "a@b.cl", ${JSON.stringify(name)}: [1]}}` },
  });

  it('names the field in `errors`, as data', async () => {
    for (const name of PROTOTYPE_NAMES) {
      const problem = expectProblem(await t.app.inject({ method: 'GET', url: `/v1/plans?${encodeURIComponent(name)}=1`, headers: bearer(t.superToken) }), 400);
      expect(Object.entries(problem.errors as object)).toEqual([[name, ['is not a known field']]]);
    }
  });

  it.each(routes)('%s %s: never a 5xx, and a refusal is problem+json, with and without a token', async (method, template) => {
    const path = template.replace('{id}', target.tenantId).replace('{user_id}', target.userId);
    const seen: string[] = [];
    for (const name of PROTOTYPE_NAMES) {
      for (const [placement, { query, body }] of Object.entries(placements(name)) as [string, { query?: string; body?: string }][]) {
        for (const headers of [{}, bearer(t.superToken)]) {
          const response = await t.app.inject({
            method: method as InjectOptions['method'],
            url: query ? `${path}?${query}` : path,
            headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
            ...(body && withBody.has(method) ? { payload: body } : {}),
          });
          const context = `${placement} ${name} ${Object.keys(headers).length ? 'with' : 'without'} token`;
          expect({ context, status: response.statusCode < 500 }).toEqual({ context, status: true });
          // An unknown query parameter is always refused; so is an unknown body field where a body is read.
          if (query || response.statusCode >= 400) expectProblem(response);
          seen.push(`${response.statusCode}`);
        }
      }
    }
    expect(seen).toHaveLength(PROTOTYPE_NAMES.length * 3 * 2);
  });
});

describe('property: generated bodies never cause a 5xx or a partial write', () => {
  const RUNS = 1000;
  let groupId: string;
  let patchTarget: string;
  const outcomes = { post: new Map<number, number>(), patch: new Map<number, number>() };
  const tally = (map: Map<number, number>, status: number) => map.set(status, (map.get(status) ?? 0) + 1);
  /** Not vacuous: a fair share of the bodies got through, and their writes were checked exactly. */
  function expectFairShare(tallies: Map<number, number>, success: number) {
    const statuses = Object.fromEntries(tallies);
    expect({ enough: (tallies.get(success) ?? 0) >= RUNS / 10, statuses }).toEqual({ enough: true, statuses });
  }

  beforeAll(async () => {
    const group = await t.app.inject({ method: 'POST', url: '/v1/tenant-groups', headers: bearer(t.superToken), payload: { name: 'Property Group' } });
    groupId = group.json().id;
    const tenant = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: bearer(t.superToken),
      payload: { name: 'Property Patch Target', slug: 'property-patch-target', plan_id: 'enterprise' },
    });
    patchTarget = tenant.json().id;
  });

  async function eventsOf(id: string) {
    return t.orm.em
      .fork()
      .execute<{ type: string; tenant_version: number }[]>(`select type, tenant_version from tenant_events where tenant_id = ? order by tenant_version`, [id]);
  }

  async function send(method: 'POST' | 'PATCH', url: string, body: unknown) {
    return t.app.inject({ method, url, headers: { ...bearer(t.superToken), 'content-type': 'application/json' }, payload: JSON.stringify(body) ?? 'null' });
  }

  it(`POST /v1/tenants: ${RUNS} bodies`, async () => {
    const body = tenantBody({ ...tenantFields(groupId), admin: adminField }, ['name']);
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const before = await rowCounts(t.orm);
        const response = await send('POST', '/v1/tenants', payload);
        tally(outcomes.post, response.statusCode);
        const after = await rowCounts(t.orm);
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode >= 400) {
          expectProblem(response);
          expect(after).toEqual(before);
          return;
        }
        expect(response.statusCode).toBe(201);
        const tenant = response.json();
        expect(after.tenants).toBe(before.tenants + 1);
        expect(after.tenant_events).toBe(before.tenant_events + 1);
        expect(after.memberships).toBe(before.memberships + 1);
        // A new user only when the body names an admin that did not exist yet.
        const admin = (payload as { admin?: { email: string } }).admin;
        expect(after.users - before.users).toBeLessThanOrEqual(admin ? 1 : 0);
        expect(await eventsOf(tenant.id)).toEqual([{ type: 'TenantCreated', tenant_version: 1 }]);
      }),
      { numRuns: RUNS },
    );
    // Not vacuous: a fair share of the bodies got through and were checked for exact writes.
    expectFairShare(outcomes.post, 201);
  });

  it(`PATCH /v1/tenants/{id}: ${RUNS} bodies`, async () => {
    const body = tenantBody(tenantFields(groupId));
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const before = await rowCounts(t.orm);
        const [{ version }] = await t.orm.em.fork().execute<{ version: number }[]>('select version from tenants where id = ?', [patchTarget]);
        const response = await send('PATCH', `/v1/tenants/${patchTarget}`, payload);
        tally(outcomes.patch, response.statusCode);
        const after = await rowCounts(t.orm);
        expect(response.statusCode).toBeLessThan(500);
        const [row] = await t.orm.em.fork().execute<{ version: number }[]>('select version from tenants where id = ?', [patchTarget]);
        if (response.statusCode >= 400) {
          expectProblem(response);
          expect(after).toEqual(before);
          expect(row.version).toBe(version);
          return;
        }
        expect(response.statusCode).toBe(200);
        const tenant = response.json();
        expect(row.version).toBe(tenant.version);
        expect(after.tenants).toBe(before.tenants);
        if (tenant.version === version) {
          expect(after).toEqual(before);
        } else {
          expect(tenant.version).toBe(version + 1);
          expect(after.tenant_events).toBe(before.tenant_events + 1);
          expect((await eventsOf(patchTarget)).at(-1)).toEqual({ type: 'TenantUpdated', tenant_version: tenant.version });
        }
      }),
      { numRuns: RUNS },
    );
    expectFairShare(outcomes.patch, 200);
  });
});
