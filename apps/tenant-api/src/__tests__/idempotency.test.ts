import type { FastifyInstance, InjectOptions } from 'fastify';
import { idempotently, sweepExpiredIdempotencyKeys } from '@tenantry/control-db';
import { bearer, expectProblem, rowCounts } from '../testing/http-helpers.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

function post(url: string, key: string, payload: unknown, { token = t.superToken, app = t.app }: { token?: string; app?: FastifyInstance } = {}) {
  const options: InjectOptions = { method: 'POST', url, headers: { ...bearer(token), 'idempotency-key': key, 'content-type': 'application/json' }, payload: JSON.stringify(payload) };
  return app.inject(options);
}

const sameAnswer = (a: { statusCode: number; body: string; headers: Record<string, unknown> }, b: typeof a) => {
  expect(b.statusCode).toBe(a.statusCode);
  expect(JSON.parse(b.body)).toEqual(JSON.parse(a.body));
  for (const header of ['location', 'etag', 'content-type']) expect(b.headers[header]).toBe(a.headers[header]);
};

describe('POST /v1/tenants with Idempotency-Key', () => {
  it('a retry with the same key and body gets the first answer and creates nothing', async () => {
    const body = { name: 'Idempotent Andes SpA', rut: '76.086.428-5', settings: { timezone: 'UTC', default_currency: 'CLP' } };
    const first = await post('/v1/tenants', 'create-1', body);
    expect(first.statusCode).toBe(201);
    const before = await rowCounts(t.orm);
    const retry = await post('/v1/tenants', 'create-1', body);
    sameAnswer(first, retry);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    // The same body with its keys in another order is the same request.
    const reordered = await post('/v1/tenants', 'create-1', { settings: { default_currency: 'CLP', timezone: 'UTC' }, rut: '76.086.428-5', name: 'Idempotent Andes SpA' });
    sameAnswer(first, reordered);
    expect(await rowCounts(t.orm)).toEqual(before);
  });

  it('the same key with another body is a 409 and creates nothing', async () => {
    expect((await post('/v1/tenants', 'create-2', { name: 'Original Body Co' })).statusCode).toBe(201);
    const before = await rowCounts(t.orm);
    const other = await post('/v1/tenants', 'create-2', { name: 'Different Body Co' });
    expect(expectProblem(other, 409).code).toBe('TNT_ERR_IDEMPOTENCY_KEY_REUSED');
    expect(await rowCounts(t.orm)).toEqual(before);
  });

  it('another key, or another caller with the same key, is a new request', async () => {
    const body = { name: 'Twice Created Co' };
    const a = await post('/v1/tenants', 'create-3', body);
    const b = await post('/v1/tenants', 'create-3b', body);
    const creator = await t.tokenFor('creator@idempotency.test', { permissions: ['CREATE_TENANT'] });
    const c = await post('/v1/tenants', 'create-3', body, { token: creator.token });
    expect([a.statusCode, b.statusCode, c.statusCode]).toEqual([201, 201, 201]);
    expect(new Set([a.json().id, b.json().id, c.json().id]).size).toBe(3);
    expect(c.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a refusal (409 slug taken) is the first answer too, replayed with its problem+json', async () => {
    expect((await post('/v1/tenants', 'slug-owner', { name: 'Slug Owner Co', slug: 'owned-slug' })).statusCode).toBe(201);
    const refused = await post('/v1/tenants', 'slug-thief', { name: 'Slug Thief Co', slug: 'owned-slug' });
    expectProblem(refused, 409);
    const replay = await post('/v1/tenants', 'slug-thief', { name: 'Slug Thief Co', slug: 'owned-slug' });
    sameAnswer(refused, replay);
    expectProblem(replay, 409);
  });

  it('concurrent retries with one key create one tenant and all get its answer', async () => {
    const before = await rowCounts(t.orm);
    const responses = await Promise.all(Array.from({ length: 10 }, () => post('/v1/tenants', 'create-concurrent', { name: 'Concurrent Retry Co' })));
    // The retries wait on the key's row while the first runs, then replay its committed answer.
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    expect((await rowCounts(t.orm)).tenants).toBe(before.tenants + 1);
  });

  it('concurrent requests with one key and different bodies: one creates, the others get 409 KEY_REUSED', async () => {
    const before = await rowCounts(t.orm);
    const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => post('/v1/tenants', 'create-concurrent-bodies', { name: `Racing Body ${i} Co` })));
    const created = responses.filter((r) => r.statusCode === 201);
    expect(created).toHaveLength(1);
    for (const response of responses.filter((r) => r.statusCode !== 201)) {
      expect(expectProblem(response, 409).code).toBe('TNT_ERR_IDEMPOTENCY_KEY_REUSED');
    }
    expect((await rowCounts(t.orm)).tenants).toBe(before.tenants + 1);
  });

  it('the answer commits with the tenant: a create whose transaction died leaves the key free and nothing created', async () => {
    const body = { name: 'Died Before Commit Co' };
    const principal = (await t.app.jwt.decode<{ sub: string }>(t.superToken))!.sub;
    const scope = { principal, route: 'POST /v1/tenants', key: 'create-died', requestHash: 'whatever' };
    const before = await rowCounts(t.orm);
    // What a kill -9 in the middle of the create's transaction leaves: PostgreSQL rolls it back.
    await expect(
      t.orm.em.fork().transactional((em) =>
        idempotently(em, { scope, answer: () => ({ statusCode: 201, headers: {}, body: null }) }, async () => {
          await em.execute(`insert into tenant_groups (id, name) values (gen_random_uuid(), 'never committed')`);
          throw new Error('killed mid-transaction');
        }),
      ),
    ).rejects.toThrow('killed mid-transaction');
    expect(await rowCounts(t.orm)).toEqual(before);
    expect(await t.orm.em.fork().execute(`select 1 from idempotency_keys where key = 'create-died'`)).toEqual([]);
    const retry = await post('/v1/tenants', 'create-died', body);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    const [row] = await t.orm.em.fork().execute<{ status_code: number; response: { id: string } }[]>(
      `select status_code, response from idempotency_keys where key = 'create-died'`,
    );
    expect(row).toMatchObject({ status_code: 201, response: { id: retry.json().id } });
  });

  it('a key left pending by an earlier version (claim without answer) does not block its retry', async () => {
    const principal = (await t.app.jwt.decode<{ sub: string }>(t.superToken))!.sub;
    await t.orm.em
      .fork()
      .execute(`insert into idempotency_keys (principal, route, key, request_hash) values (?, 'POST /v1/tenants', 'create-legacy-pending', 'old-hash')`, [principal]);
    const first = await post('/v1/tenants', 'create-legacy-pending', { name: 'Legacy Pending Co' });
    expect(first.statusCode).toBe(201);
    sameAnswer(first, await post('/v1/tenants', 'create-legacy-pending', { name: 'Legacy Pending Co' }));
  });

  it('keys survive a restart: a second app on the same database replays the answer and refuses another body', async () => {
    const body = { name: 'Survives Restart Co' };
    const first = await post('/v1/tenants', 'create-restart', body);
    expect(first.statusCode).toBe(201);
    const restarted = await t.restartedApp();
    try {
      const before = await rowCounts(t.orm);
      sameAnswer(first, await post('/v1/tenants', 'create-restart', body, { app: restarted.app }));
      expectProblem(await post('/v1/tenants', 'create-restart', { name: 'Another Body Co' }, { app: restarted.app }), 409);
      expect(await rowCounts(t.orm)).toEqual(before);
    } finally {
      await restarted.close();
    }
  });

  it('a key older than 24 hours has expired: the request runs again', async () => {
    const first = await post('/v1/tenants', 'create-expired', { name: 'Expired Key Co' });
    expect(first.statusCode).toBe(201);
    await t.orm.em.fork().execute(`update idempotency_keys set created_at = now() - interval '25 hours' where key = 'create-expired'`);
    const again = await post('/v1/tenants', 'create-expired', { name: 'Fresh After Expiry Co' });
    expect(again.statusCode).toBe(201);
    expect(again.json().id).not.toBe(first.json().id);
  });

  it('the sweep deletes keys past 24 hours and keeps fresh ones', async () => {
    expect((await post('/v1/tenants', 'create-swept', { name: 'Swept Key Co' })).statusCode).toBe(201);
    expect((await post('/v1/tenants', 'create-kept', { name: 'Kept Key Co' })).statusCode).toBe(201);
    await t.orm.em.fork().execute(`update idempotency_keys set created_at = now() - interval '25 hours' where key = 'create-swept'`);
    expect(await sweepExpiredIdempotencyKeys(t.orm)).toBeGreaterThanOrEqual(1);
    const keys = (await t.orm.em.fork().execute<{ key: string }[]>(`select key from idempotency_keys where key in ('create-swept', 'create-kept')`)).map((r) => r.key);
    expect(keys).toEqual(['create-kept']);
  });
});

describe('POST /v1/tenants/{id}/members with Idempotency-Key', () => {
  let tenantId: string;
  beforeAll(async () => {
    tenantId = (await post('/v1/tenants', 'members-tenant', { name: 'Idempotent Members Co', plan_id: 'enterprise' })).json().id;
  });

  it('a retry with the same key and body returns the first member and emits one event', async () => {
    const body = { email: 'retry@idempotency.test', role: 'developer' };
    const first = await post(`/v1/tenants/${tenantId}/members`, 'member-1', body);
    expect(first.statusCode).toBe(201);
    const before = await rowCounts(t.orm);
    const retry = await post(`/v1/tenants/${tenantId}/members`, 'member-1', body);
    sameAnswer(first, retry);
    expect(await rowCounts(t.orm)).toEqual(before);
    // Without the key the same body is a real second request: already a member.
    const noKey = await t.app.inject({ method: 'POST', url: `/v1/tenants/${tenantId}/members`, headers: bearer(t.superToken), payload: body });
    expect(expectProblem(noKey, 409).code).toBe('TNT_ERR_ALREADY_MEMBER');
  });

  it('the same key with another body is a 409', async () => {
    expect((await post(`/v1/tenants/${tenantId}/members`, 'member-2', { email: 'first@idempotency.test', role: 'readonly' })).statusCode).toBe(201);
    const before = await rowCounts(t.orm);
    const other = await post(`/v1/tenants/${tenantId}/members`, 'member-2', { email: 'second@idempotency.test', role: 'readonly' });
    expect(expectProblem(other, 409).code).toBe('TNT_ERR_IDEMPOTENCY_KEY_REUSED');
    expect(await rowCounts(t.orm)).toEqual(before);
  });

  it('a key is scoped to its route: the same key on another tenant is a new request', async () => {
    const otherTenant = (await post('/v1/tenants', 'members-tenant-2', { name: 'Other Members Co', plan_id: 'enterprise' })).json().id;
    const body = { email: 'scoped@idempotency.test', role: 'auditor' };
    const a = await post(`/v1/tenants/${tenantId}/members`, 'member-3', body);
    const b = await post(`/v1/tenants/${otherTenant}/members`, 'member-3', body);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
  });

  it('keys survive a restart', async () => {
    const body = { email: 'restart@idempotency.test', role: 'developer' };
    const first = await post(`/v1/tenants/${tenantId}/members`, 'member-restart', body);
    const restarted = await t.restartedApp();
    try {
      sameAnswer(first, await post(`/v1/tenants/${tenantId}/members`, 'member-restart', body, { app: restarted.app }));
    } finally {
      await restarted.close();
    }
  });
});
