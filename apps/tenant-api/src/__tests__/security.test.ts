import { createHmac, generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { loadConfig } from '@tenantry/config';
import { createControlOrm, createUser, ensureSuperuser, migrateControlSchema, type ControlOrm } from '@tenantry/control-db';
import { hashPassword } from '@tenantry/auth';
import { createLogger } from '@tenantry/logger';
import { createTenantSchemaOrm, provisionTenantSchema, roleNameFor, schemaNameFor } from '@tenantry/tenant-schema';
import { createTestDatabase, type TestDatabase } from '@tenantry/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';

// Security properties of issue 5: JWT handling, login behaviour, secrets kept out of logs, and
// tenant isolation enforced by PostgreSQL itself.
const b64 = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function hsToken(payload: object, secret: string, header: object = { alg: 'HS256', typ: 'JWT' }) {
  const unsigned = `${b64(header)}.${b64(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

let db: TestDatabase;
let orm: ControlOrm;
let app: FastifyInstance;
const logLines: string[] = [];
const SECRET = 'security-test-secret-0123456789abcdef';
let rootId: string;

beforeAll(async () => {
  db = await createTestDatabase('tenantry_sec');
  const config = loadConfig({ DATABASE_URL: db.url, JWT_SECRET: SECRET, RATE_LIMIT_MAX: '0', LOGIN_RATE_LIMIT_MAX: '5', LOG_LEVEL: 'trace' });
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ name: 'security-test', level: 'trace', destination });
  orm = await createControlOrm({ databaseUrl: db.url, controlSchema: config.controlSchema });
  await migrateControlSchema(orm, config.controlSchema);
  await ensureSuperuser(orm, 'root@sec.test', await hashPassword('root-password-123'));
  rootId = (await orm.em.fork().execute<{ id: string }[]>(`select id::text as id from users where email = 'root@sec.test'`))[0].id;
  app = await buildApp({ config, orm, logger });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await orm?.close(true);
  await db?.drop();
});

const get = (token: string, url = '/v1/users/me') => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

describe('JWT', () => {
  const claims = () => ({ sub: rootId, email: 'root@sec.test', superuser: true, permissions: [], exp: now() + 600 });

  it('accepts a well-formed token signed with the secret', async () => {
    expect((await get(hsToken(claims(), SECRET))).statusCode).toBe(200);
  });

  it.each([
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
    ['a bad signature', () => hsToken(claims(), 'another-secret-0123456789abcdef-xx')],
    ['an expired token', () => hsToken({ ...claims(), exp: now() - 10 }, SECRET)],
    ['a token without exp', () => hsToken({ sub: rootId, email: 'root@sec.test', superuser: true, permissions: [] }, SECRET)],
    ['a token with alg HS512', () => {
      const header = { alg: 'HS512', typ: 'JWT' };
      const unsigned = `${b64(header)}.${b64(claims())}`;
      return `${unsigned}.${createHmac('sha512', SECRET).update(unsigned).digest('base64url')}`;
    }],
    ['a token of an unknown user', () => hsToken({ ...claims(), sub: '0190b6b0-0000-7000-8000-000000000000' }, SECRET)],
    ['garbage', () => 'not.a.jwt'],
  ])('rejects %s with 401', async (_label, make) => {
    const response = await get(make());
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('rejects an HS256 token signed with the RS256 public key (algorithm confusion)', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const rsConfig = loadConfig({ DATABASE_URL: db.url, JWT_PUBLIC_KEY: publicPem, JWT_PRIVATE_KEY: privatePem, LOG_LEVEL: 'silent' });
    const rsApp = await buildApp({ config: rsConfig, orm, logger: createLogger({ name: 'rs', level: 'silent' }) });
    try {
      const login = await rsApp.inject({ method: 'POST', url: '/v1/auth/token', payload: { email: 'root@sec.test', password: 'root-password-123' } });
      expect(login.statusCode).toBe(200);
      const good = login.json().access_token as string;
      expect(JSON.parse(Buffer.from(good.split('.')[0], 'base64url').toString()).alg).toBe('RS256');
      expect((await rsApp.inject({ method: 'GET', url: '/v1/users/me', headers: { authorization: `Bearer ${good}` } })).statusCode).toBe(200);
      const forged = hsToken(claims(), publicPem);
      expect((await rsApp.inject({ method: 'GET', url: '/v1/users/me', headers: { authorization: `Bearer ${forged}` } })).statusCode).toBe(401);
    } finally {
      await rsApp.close();
    }
  });

  it('rejects the token of a deleted user and of a disabled user', async () => {
    const gone = await createUser(orm, { email: 'gone@sec.test' });
    const disabled = await createUser(orm, { email: 'disabled@sec.test' });
    const goneToken = hsToken({ ...claims(), sub: gone.id, superuser: false }, SECRET);
    const disabledToken = hsToken({ ...claims(), sub: disabled.id, superuser: false }, SECRET);
    expect((await get(goneToken)).statusCode).toBe(200);
    await orm.em.fork().execute(`delete from users where id = ?`, [gone.id]);
    await orm.em.fork().execute(`update users set status = 'disabled' where id = ?`, [disabled.id]);
    expect((await get(goneToken)).statusCode).toBe(401);
    expect((await get(disabledToken)).statusCode).toBe(401);
  });

  it('does not let a token claim superuser powers its user lacks', async () => {
    const plain = await createUser(orm, { email: 'plain@sec.test' });
    const lying = hsToken({ ...claims(), sub: plain.id, superuser: true, permissions: ['CREATE_TENANT'] }, SECRET);
    const response = await app.inject({ method: 'POST', url: '/v1/tenant-groups', headers: { authorization: `Bearer ${lying}` }, payload: { name: 'nope' } });
    expect(response.statusCode).toBe(403);
  });

  it('refuses a switched token (tid) after its user left the tenant', async () => {
    const root = hsToken(claims(), SECRET);
    const member = await createUser(orm, { email: 'leaver@sec.test', passwordHash: await hashPassword('leaver-password') });
    const tenant = await app.inject({ method: 'POST', url: '/v1/tenants', headers: { authorization: `Bearer ${root}` }, payload: { name: 'Switch Tenant SA' } });
    const tenantId = tenant.json().id as string;
    const added = await app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenantId}/members`,
      headers: { authorization: `Bearer ${root}` },
      payload: { email: 'leaver@sec.test', role: 'developer' },
    });
    expect(added.statusCode).toBe(201);
    const login = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { email: 'leaver@sec.test', password: 'leaver-password' } });
    const switched = await app.inject({ method: 'POST', url: `/v1/tenants/${tenantId}/switch`, headers: { authorization: `Bearer ${login.json().access_token}` } });
    expect(switched.statusCode).toBe(200);
    const tidToken = switched.json().access_token as string;
    expect((await get(tidToken)).statusCode).toBe(200);
    await app.inject({ method: 'DELETE', url: `/v1/tenants/${tenantId}/members/${member.id}`, headers: { authorization: `Bearer ${root}` } });
    expect((await get(tidToken)).statusCode).toBe(401);
  });
});

describe('login', () => {
  it('answers an unknown email and a wrong password the same way', async () => {
    const unknown = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { email: 'nobody@sec.test', password: 'whatever-123' } });
    const wrong = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { email: 'root@sec.test', password: 'whatever-123' }, remoteAddress: '10.0.0.2' });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    const strip = (body: string) => ({ ...JSON.parse(body), instance: undefined });
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
  });

  it('spends comparable time on an unknown email and a wrong password (argon2 runs for both)', async () => {
    const time = async (email: string, address: string) => {
      const started = process.hrtime.bigint();
      await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { email, password: 'whatever-123' }, remoteAddress: address });
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 4; i++) {
      unknown.push(await time('nobody@sec.test', `10.1.0.${i}`));
      wrong.push(await time('root@sec.test', `10.2.0.${i}`));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    // Generous bounds: the point is that neither path skips the hash, which would differ ~100x.
    const ratio = median(unknown) / median(wrong);
    expect(ratio).toBeGreaterThan(0.25);
    expect(ratio).toBeLessThan(4);
  });

  it('limits login attempts per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { email: 'nobody@sec.test', password: 'x-123456' }, remoteAddress: '10.9.9.9' });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) expect(response.headers['retry-after']).toBeDefined();
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
  });

  it('stores passwords as argon2id hashes', async () => {
    const rows = await orm.em.fork().execute<{ password_hash: string }[]>(`select password_hash from users where password_hash is not null`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.password_hash.startsWith('$argon2id$')).toBe(true);
  });

  it('never writes passwords, tokens or Authorization headers to the log', async () => {
    const password = 'very-secret-password-42';
    await createUser(orm, { email: 'logged@sec.test', passwordHash: await hashPassword(password) });
    const login = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { email: 'logged@sec.test', password }, remoteAddress: '10.3.3.3' });
    const token = login.json().access_token as string;
    await get(token);
    await app.inject({ method: 'GET', url: '/v1/nope', headers: { authorization: `Bearer ${token}` } });
    const output = logLines.join('');
    expect(output.length).toBeGreaterThan(0);
    expect(output).not.toContain(password);
    expect(output).not.toContain(token);
    expect(output).not.toContain(token.split('.')[2]);
  });
});

describe('tenant isolation in PostgreSQL', () => {
  // Random ids: roles are cluster-wide, so concurrent runs must not share them.
  const A = uuidv7();
  const B = uuidv7();
  const input = (id: string) => ({ id, name: `Tenant ${id.slice(-1)}`, rut: null, giro: null, address: null, commune: null, city: null, economic_activities: [], version: 1 });

  async function connectAs(role: string) {
    const url = new URL(db.url);
    url.username = role;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    return client;
  }

  it("keeps tenant A's role inside A's schema", async () => {
    const tenantOrm = await createTenantSchemaOrm({ databaseUrl: db.url });
    try {
      await provisionTenantSchema(tenantOrm, input(A));
      await provisionTenantSchema(tenantOrm, input(B));
    } finally {
      await tenantOrm.close(true);
    }
    const client = await connectAs(roleNameFor(A));
    try {
      await expect(client.query(`select * from "${schemaNameFor(A)}".issuer`)).resolves.toBeDefined();
      await expect(client.query(`select * from "${schemaNameFor(B)}".issuer`)).rejects.toThrow(/permission denied/);
      await expect(client.query(`select * from control.tenants`)).rejects.toThrow(/permission denied/);
      await expect(client.query(`select * from control.users`)).rejects.toThrow(/permission denied/);
      await expect(client.query(`create table public.escape (id int)`)).rejects.toThrow(/permission denied/);
      await expect(client.query(`create schema escape`)).rejects.toThrow(/permission denied/);
    } finally {
      await client.end();
    }
  });
});
