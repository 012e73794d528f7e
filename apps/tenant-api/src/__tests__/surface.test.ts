import { AUTHORIZATION_MATRIX } from '../testing/authorization-matrix.ts';
import { bearer, expectProblem } from '../testing/http-helpers.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

interface Operation {
  responses: Record<string, unknown>;
  requestBody?: unknown;
  security?: unknown[];
}
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

let t: TestApp;
let kafkaDown = false;

beforeAll(async () => {
  // A readiness check standing in for Kafka that the tests can make fail.
  const kafka = async () => {
    if (kafkaDown) throw new Error('broker unreachable');
  };
  t = await createTestApp({}, { readiness: { kafka } });
});
afterAll(async () => {
  await t?.close();
});

describe('GET /openapi.json', () => {
  let doc: OpenApi;
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));

  beforeAll(async () => {
    const response = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    doc = response.json();
  });

  it('is OpenAPI 3 and lists exactly the SPEC §3 routes plus health, under their SPEC paths', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const listed = operations().map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort();
    const spec = [...new Set(AUTHORIZATION_MATRIX.map((row) => row.route.replace(/ \(.*\)$/, '')))];
    expect(listed).toEqual([...spec, 'GET /healthz', 'GET /readyz'].sort());
  });

  it.each(AUTHORIZATION_MATRIX.map((row) => [row.route, row] as const))('%s declares every status of its authorization row', (_route, row) => {
    const [method, path] = row.route.replace(/ \(.*\)$/, '').split(' ');
    const declared = Object.keys(doc.paths[path][method.toLowerCase()].responses).map(Number);
    expect(declared).toEqual(expect.arrayContaining([...new Set(row.statuses)]));
  });

  it('declares the statuses every route can answer with', () => {
    const missing: string[] = [];
    for (const { path, method, operation } of operations()) {
      const declared = Object.keys(operation.responses).map(Number);
      const expected = [
        ...(declared.some((status) => status >= 200 && status < 300) ? [] : [200]),
        ...(path.startsWith('/v1/') && path !== '/v1/auth/token' ? [401] : []),
        ...(path.includes('{id}') ? [400, 404] : []),
        // A JSON body can be malformed (400), too large (413) or invalid (422).
        ...(operation.requestBody ? [400, 413, 422] : []),
        // Writes are rate limited.
        ...(method !== 'get' ? [429] : []),
      ];
      for (const status of expected) if (!declared.includes(status)) missing.push(`${method.toUpperCase()} ${path} ${status}`);
    }
    expect(missing).toEqual([]);
  });

  it('gives request examples, names shared schemas, and declares errors as application/problem+json Problem', () => {
    const create = doc.paths['/v1/tenants'].post;
    // OpenAPI 3.1 schemas are JSON Schema 2020-12: `examples` is an array.
    expect(JSON.stringify(create.requestBody)).toContain('"examples":["Comercial Andes SpA"]');
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Problem', 'Tenant', 'User']));
    expect(create.responses['201']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Tenant' } } } });
    for (const { operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400 && Number(status) !== 503) {
          expect(response).toMatchObject({ content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
        }
      }
    }
  });

  it('is OpenAPI 3.1 with servers, and documents the response headers a gateway reads', () => {
    const full = doc as unknown as { openapi: string; servers?: unknown[] };
    expect(full.openapi).toBe('3.1.0');
    expect(full.servers).toEqual([expect.objectContaining({ url: '/' })]);
    const headersOf = (path: string, method: string, status: number) =>
      Object.keys((doc.paths[path][method].responses[status] as { headers?: object }).headers ?? {});
    for (const { operation, path, method } of operations()) {
      for (const status of Object.keys(operation.responses).filter((s) => s !== '431')) {
        expect({ at: `${method} ${path} ${status}`, headers: headersOf(path, method, Number(status)) }).toEqual({
          at: `${method} ${path} ${status}`,
          headers: expect.arrayContaining(['x-request-id']),
        });
      }
    }
    expect(headersOf('/v1/tenants/{id}', 'get', 200)).toContain('ETag');
    expect(headersOf('/v1/tenants/{id}', 'get', 304)).toContain('ETag');
    expect(headersOf('/v1/tenants/{id}/suspend', 'post', 200)).toContain('ETag');
    expect(headersOf('/v1/tenants', 'post', 201)).toEqual(expect.arrayContaining(['ETag', 'Location']));
    expect(headersOf('/v1/tenants', 'post', 429)).toContain('Retry-After');
    expect(headersOf('/v1/tenants', 'get', 401)).toContain('WWW-Authenticate');
  });

  it('marks bodies required only where they are, and takes merge patches on PATCH', () => {
    type Body = { required: boolean; content: Record<string, unknown> };
    const body = (path: string, method: string) => doc.paths[path][method].requestBody as Body;
    expect(body('/v1/tenants/{id}/suspend', 'post').required).toBe(false);
    expect(body('/v1/tenants/{id}/deactivate', 'post').required).toBe(false);
    expect(body('/v1/tenants', 'post').required).toBe(true);
    expect(body('/v1/tenants/{id}', 'patch').required).toBe(true);
    expect(Object.keys(body('/v1/tenants/{id}', 'patch').content).sort()).toEqual(['application/json', 'application/merge-patch+json']);
  });

  it('types the event history items and marks list envelopes required', () => {
    type Schema = { required?: string[]; $ref?: string; items?: Schema; properties: Record<string, Schema> };
    const events = doc.paths['/v1/tenants/{id}/events'].get.responses['200'] as { content: Record<string, { schema: Schema }> };
    const schema = events.content['application/json'].schema;
    expect(schema.required).toEqual(['data', 'pagination']);
    expect(schema.properties.data.items).toEqual({ $ref: '#/components/schemas/TenantEvent' });
    const event = doc.components.schemas.TenantEvent as Schema;
    expect(event.required).toEqual(expect.arrayContaining(['type', 'tenantversion', 'data']));
    expect(event.properties.data.properties.tenant).toEqual({ $ref: '#/components/schemas/Tenant' });
  });

  it('/docs answers 200 with the browsable page', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('x-request-id', () => {
  it('echoes the gateway id on success and on every kind of error', async () => {
    const requests = [
      { method: 'GET', url: '/healthz' },
      { method: 'GET', url: '/v1/tenants' },
      { method: 'GET', url: '/v1/nowhere' },
      { method: 'GET', url: '/v1/tenants/%E0%A4%A' },
      { method: 'POST', url: '/v1/tenants', payload: '{"name":' },
    ] as const;
    for (const [index, request] of requests.entries()) {
      const id = `gw-${index}.abc:DEF_1`;
      const response = await t.app.inject({ ...request, headers: { 'x-request-id': id, 'content-type': 'application/json', ...bearer(t.superToken) } });
      expect({ url: request.url, id: response.headers['x-request-id'] }).toEqual({ url: request.url, id });
    }
  });

  it('makes one when missing, and replaces one that is unsafe to log', async () => {
    const made = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    for (const unsafe of ['a b', 'x'.repeat(200), 'evil\u0007bell', '<script>']) {
      const response = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': unsafe } });
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('health', () => {
  it('/healthz answers 200', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 when every check passes and 503 naming the one that fails', async () => {
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', kafka: 'ok' } });
    kafkaDown = true;
    try {
      const notReady = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json()).toEqual({ status: 'not ready', checks: { database: 'ok', kafka: 'down: broker unreachable' } });
    } finally {
      kafkaDown = false;
    }
  });
});

describe('GET /metrics', () => {
  it('exposes request latency by route and status, and the outbox backlog as counted in the database', async () => {
    await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: bearer(t.superToken), payload: { name: 'Metered Tenant SpA' } });
    await t.app.inject({ method: 'GET', url: '/v1/tenants/0190b6b0-0000-7000-8000-000000000000', headers: bearer(t.superToken) });
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const text = response.body;
    expect(text).toMatch(/^# TYPE tenantry_http_request_duration_seconds histogram$/m);
    expect(text).toMatch(/^tenantry_http_request_duration_seconds_count\{method="POST",route="\/v1\/tenants",status="201"\} 1$/m);
    expect(text).toMatch(/^tenantry_http_request_duration_seconds_count\{method="GET",route="\/v1\/tenants\/:id",status="404"\} 1$/m);
    // Nothing relays in this test, so every event is pending.
    const [{ n }] = await t.orm.em.fork().execute<{ n: string }[]>('select count(*)::text as n from tenant_events where published_at is null');
    expect(Number(n)).toBeGreaterThan(0);
    expect(text).toMatch(new RegExp(`^tenantry_outbox_pending_events ${n}$`, 'm'));
    expect(text).toMatch(/^tenantry_outbox_oldest_pending_age_seconds \d/m);
    expect(text).toMatch(/^# TYPE tenantry_provisioning_outcomes_total counter$/m);
  });
});

describe('rate limit (RATE_LIMIT_MAX=3)', () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await createTestApp({ RATE_LIMIT_MAX: '3' });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('the 4th write in a minute is a 429 with Retry-After and problem+json; reads are not limited; other callers have their own budget', async () => {
    const write = (token: string, i: number) =>
      limited.app.inject({ method: 'POST', url: '/v1/tenant-groups', headers: bearer(token), payload: { name: `Limited ${token.slice(-6)} ${i}` } });
    for (let i = 0; i < 3; i++) expect((await write(limited.superToken, i)).statusCode).toBe(201);
    const refused = await write(limited.superToken, 3);
    expect(expectProblem(refused, 429).code).toBe('TNT_ERR_RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) {
      expect((await limited.app.inject({ method: 'GET', url: '/v1/tenant-groups', headers: bearer(limited.superToken) })).statusCode).toBe(200);
    }
    const other = await limited.tokenFor('other-root@limit.test', { superuser: true });
    expect((await write(other.token, 0)).statusCode).toBe(201);
  });
});
