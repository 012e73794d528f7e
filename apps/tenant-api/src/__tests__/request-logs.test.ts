import { Writable } from 'node:stream';
import { loadConfig } from '@tenantry/config';
import { createLogger } from '@tenantry/logger';
import { buildApp } from '../app.ts';
import { bearer } from '../testing/http-helpers.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

// Request logs: successful reads at debug, writes and refusals at info (plugins/request-logging.ts).

let t: TestApp;
let tenantId: string;

beforeAll(async () => {
  t = await createTestApp();
  const created = await t.app.inject({ method: 'POST', url: '/v1/tenants', headers: bearer(t.superToken), payload: { name: 'Registro Logs SpA' } });
  expect(created.statusCode).toBe(201);
  tenantId = created.json().id;
});

afterAll(async () => {
  await t?.close();
});

describe('request logs', () => {
  async function logsOf(level: 'info' | 'debug', requests: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<void>) {
    const lines: { level: number; msg: string; req?: { url: string }; res?: { statusCode: number }; trace_id?: string; tenant_id?: string; user_id?: string }[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const config = loadConfig({ DATABASE_URL: t.db.url, RATE_LIMIT_MAX: '0', LOGIN_RATE_LIMIT_MAX: '0', LOG_LEVEL: level });
    const app = await buildApp({ config, orm: t.orm, logger: createLogger({ name: 'logs', level: config.logLevel, destination }) });
    await app.ready();
    try {
      await requests(app);
    } finally {
      await app.close();
    }
    return lines.filter((line) => line.msg === 'incoming request' || line.msg === 'request completed');
  }

  it('at info: nothing for a successful read; a refused read and a write are logged', async () => {
    const lines = await logsOf('info', async (app) => {
      expect((await app.inject({ method: 'GET', url: `/v1/tenants/${tenantId}`, headers: bearer(t.superToken) })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/v1/tenants?limit=5', headers: bearer(t.superToken) })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/v1/tenants/0190b6b0-0000-7000-8000-000000000000', headers: bearer(t.superToken) })).statusCode).toBe(404);
      const patch = await app.inject({ method: 'PATCH', url: `/v1/tenants/${tenantId}`, headers: bearer(t.superToken), payload: { giro: 'Servicios' } });
      expect(patch.statusCode).toBe(200);
    });
    expect(lines.map((line) => [line.level, line.msg, line.req?.url, line.res?.statusCode])).toEqual([
      [30, 'request completed', '/v1/tenants/0190b6b0-0000-7000-8000-000000000000', 404],
      [30, 'incoming request', `/v1/tenants/${tenantId}`, undefined],
      [30, 'request completed', undefined, 200],
    ]);
  });

  it('at debug (LOG_LEVEL=debug): successful reads get both lines', async () => {
    const lines = await logsOf('debug', async (app) => {
      expect((await app.inject({ method: 'GET', url: `/v1/tenants/${tenantId}`, headers: bearer(t.superToken) })).statusCode).toBe(200);
    });
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [20, 'incoming request'],
      [20, 'request completed'],
    ]);
  });

  it('carry the trace id of the caller\'s traceparent, the tenant id of the route and, once authenticated, the user id', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const lines = await logsOf('info', async (app) => {
      const patch = await app.inject({
        method: 'PATCH',
        url: `/v1/tenants/${tenantId}`,
        headers: { ...bearer(t.superToken), traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
        payload: { giro: 'Comercio' },
      });
      expect(patch.statusCode).toBe(200);
      expect((await app.inject({ method: 'POST', url: '/v1/tenants', headers: bearer(t.superToken), payload: { name: 'Sin Traza SpA' } })).statusCode).toBe(201);
    });
    const superuserId = (JSON.parse(Buffer.from(t.superToken.split('.')[1], 'base64url').toString()) as { sub: string }).sub;
    expect(lines.map((line) => [line.msg, line.trace_id, line.tenant_id, line.user_id])).toEqual([
      ['incoming request', traceId, tenantId, undefined],
      ['request completed', traceId, tenantId, superuserId],
      // No traceparent and no SDK in this process: no trace id; a list route names no tenant.
      ['incoming request', undefined, undefined, undefined],
      ['request completed', undefined, undefined, superuserId],
    ]);
  });
});
