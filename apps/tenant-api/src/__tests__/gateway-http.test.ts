import { bearer, expectProblem } from '../testing/http-helpers.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/** The HTTP details a REST gateway relies on (issue 13): challenges, 405, conditional GET, merge patch, CORS. */
let t: TestApp;
let tenantId: string;

beforeAll(async () => {
  t = await createTestApp();
  const created = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: bearer(t.superToken), payload: { name: 'Gateway Tenant SpA' } });
  expect(created.statusCode).toBe(201);
  tenantId = created.json().id;
});
afterAll(async () => {
  await t?.close();
});

describe('401 carries a Bearer challenge (RFC 6750)', () => {
  it('without a token: Bearer with no error code', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/tenants' });
    expectProblem(response, 401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="tenantry"');
  });

  it('with a token that is not valid: error="invalid_token"', async () => {
    for (const token of ['not-a-jwt', `${t.superToken.slice(0, -4)}AAAA`]) {
      const response = await t.app.inject({ method: 'GET', url: `/v1/tenants/${tenantId}`, headers: bearer(token) });
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="tenantry", error="invalid_token"');
    }
  });

  it('wrong credentials at the token endpoint: the scheme, no token error', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/auth/token', payload: { email: 'root@tenantry.test', password: 'wrong-password' } });
    expectProblem(response, 401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="tenantry"');
  });
});

describe('405 with Allow for a known path and a method it does not take', () => {
  it.each([
    ['DELETE', '/v1/tenants', 'GET, HEAD, POST'],
    ['POST', `/v1/tenants/TENANT`, 'DELETE, GET, HEAD, PATCH, PUT'],
    ['GET', '/v1/auth/token', 'POST'],
    ['PUT', '/v1/tenants/TENANT/members/00000000-0000-4000-8000-000000000000', 'DELETE, PATCH'],
  ])('%s %s', async (method, url, allow) => {
    const response = await t.app.inject({ method: method as 'GET', url: url.replace('TENANT', tenantId), headers: bearer(t.superToken) });
    expect(expectProblem(response, 405).code).toBe('TNT_ERR_METHOD_NOT_ALLOWED');
    expect(response.headers.allow).toBe(allow);
  });

  it('a path nobody serves stays 404 without Allow', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/nowhere' });
    expectProblem(response, 404);
    expect(response.headers.allow).toBeUndefined();
  });

  it('OPTIONS is a 405 while CORS is off', async () => {
    const response = await t.app.inject({ method: 'OPTIONS', url: '/v1/tenants', headers: { origin: 'https://app.example.cl' } });
    expectProblem(response, 405);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('ETag on every single-tenant answer, 304 for a matching If-None-Match', () => {
  it('GET, PATCH, the status actions and provision carry W/"<version>"', async () => {
    const call = (method: string, url: string, payload?: object) =>
      t.app.inject({ method: method as 'GET', url: `/v1/tenants/${tenantId}${url}`, headers: bearer(t.superToken), payload });
    for (const [method, url, payload] of [
      ['GET', ''],
      ['PATCH', '', { city: 'Arica' }],
      ['PUT', '', { city: 'Iquique' }],
      ['POST', '/suspend'],
      ['POST', '/activate'],
      ['POST', '/deactivate', { user_status: 'passive' }],
      ['POST', '/provision'],
    ] as const) {
      const response = await call(method, url, payload);
      expect({ what: `${method} ${url}`, status: response.statusCode < 300 }).toEqual({ what: `${method} ${url}`, status: true });
      expect(response.headers.etag).toBe(`W/"${response.json().version}"`);
    }
  });

  it('answers 304 without a body for the current ETag, 200 for a stale one', async () => {
    const first = await t.app.inject({ method: 'GET', url: `/v1/tenants/${tenantId}`, headers: bearer(t.superToken) });
    const etag = first.headers.etag as string;
    const again = await t.app.inject({ method: 'GET', url: `/v1/tenants/${tenantId}`, headers: { ...bearer(t.superToken), 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    // Weak comparison: the strong form of the same tag, in a list, also matches.
    const listed = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenantId}`,
      headers: { ...bearer(t.superToken), 'if-none-match': `"other", ${etag.replace('W/', '')}` },
    });
    expect(listed.statusCode).toBe(304);
    const stale = await t.app.inject({ method: 'GET', url: `/v1/tenants/${tenantId}`, headers: { ...bearer(t.superToken), 'if-none-match': 'W/"0"' } });
    expect(stale.statusCode).toBe(200);
    expect(stale.json().id).toBe(tenantId);
  });

  it('a caller who may not see the tenant gets 404, not 304, whatever If-None-Match says', async () => {
    const { token } = await t.tokenFor('etag-outsider@tenantry.test');
    const first = await t.app.inject({ method: 'GET', url: `/v1/tenants/${tenantId}`, headers: bearer(t.superToken) });
    const response = await t.app.inject({ method: 'GET', url: `/v1/tenants/${tenantId}`, headers: { ...bearer(token), 'if-none-match': first.headers.etag as string } });
    expectProblem(response, 404);
  });
});

describe('PATCH takes application/merge-patch+json (RFC 7396)', () => {
  it('applies a merge patch, null clearing a field', async () => {
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/v1/tenants/${tenantId}`,
      headers: { ...bearer(t.superToken), 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({ commune: 'Centro', giro: null }),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ commune: 'Centro', giro: null });
  });

  it('refuses malformed merge-patch JSON (400) and the type on other methods (400)', async () => {
    const malformed = await t.app.inject({
      method: 'PATCH',
      url: `/v1/tenants/${tenantId}`,
      headers: { ...bearer(t.superToken), 'content-type': 'application/merge-patch+json' },
      payload: '{"commune":',
    });
    expectProblem(malformed, 400);
    const onPost = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: { ...bearer(t.superToken), 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({ name: 'Merge Post Tenant' }),
    });
    expectProblem(onPost, 400);
  });
});

describe('CORS_ORIGINS', () => {
  it('answers preflights and marks answers for a listed origin only', async () => {
    const second = await t.restartedApp({ CORS_ORIGINS: 'https://app.example.cl' });
    try {
      const preflight = await second.app.inject({
        method: 'OPTIONS',
        url: `/v1/tenants/${tenantId}`,
        headers: { origin: 'https://app.example.cl', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, if-match' },
      });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.cl');
      expect(String(preflight.headers['access-control-allow-methods'])).toContain('PATCH');
      expect(String(preflight.headers['access-control-allow-headers'])).toContain('if-match');

      const read = await second.app.inject({ method: 'GET', url: `/v1/tenants/${tenantId}`, headers: { ...bearer(t.superToken), origin: 'https://app.example.cl' } });
      expect(read.statusCode).toBe(200);
      expect(read.headers['access-control-allow-origin']).toBe('https://app.example.cl');
      expect(String(read.headers['access-control-expose-headers'])).toContain('etag');

      const foreign = await second.app.inject({ method: 'GET', url: `/v1/tenants/${tenantId}`, headers: { ...bearer(t.superToken), origin: 'https://evil.example' } });
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();

      // A wrong method on a known path still names OPTIONS among the allowed ones.
      const wrong = await second.app.inject({ method: 'DELETE', url: '/v1/tenants', headers: bearer(t.superToken) });
      expect(wrong.statusCode).toBe(405);
      expect(wrong.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
    } finally {
      await second.close();
    }
  });
});
