import type { FastifyInstance } from 'fastify';
import { loadConfig } from '@tenantry/config';
import { createControlOrm, migrateControlSchema, ensureSuperuser, createUser, type ControlOrm } from '@tenantry/control-db';
import { hashPassword } from '@tenantry/auth';
import { createLogger } from '@tenantry/logger';
import { bounded, createTestDatabase, type TestDatabase } from '@tenantry/testing';
import { buildApp } from '../app.ts';
import type { ReadinessCheck } from '../routes/health/index.ts';

export interface TestApp {
  app: FastifyInstance;
  orm: ControlOrm;
  db: TestDatabase;
  superToken: string;
  tokenFor(email: string, options?: { permissions?: string[]; superuser?: boolean }): Promise<{ token: string; userId: string }>;
  /** Another tenant-api on the same database with its own ORM, as after a restart; close it yourself. */
  restartedApp(env?: Record<string, string>): Promise<{ app: FastifyInstance; close(): Promise<void> }>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  readiness?: Record<string, ReadinessCheck>;
}

/** tenant-api on a fresh database, with a superuser token; requests go through `app.inject()`. */
export async function createTestApp(env: Record<string, string> = {}, { readiness }: TestAppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase('tenantry_api');
  const configFor = (overrides: Record<string, string>) =>
    loadConfig({ DATABASE_URL: db.url, RATE_LIMIT_MAX: '0', LOGIN_RATE_LIMIT_MAX: '0', LOGIN_ACCOUNT_RATE_LIMIT_MAX: '0', LOG_LEVEL: 'silent', ...env, ...overrides });
  const config = configFor({});
  const logger = createLogger({ name: 'tenant-api-test', level: config.logLevel });
  const orm = await createControlOrm({ databaseUrl: config.databaseUrl, controlSchema: config.controlSchema, logger });
  await migrateControlSchema(orm, config.controlSchema);
  const app = await buildApp({ config, orm, logger, readiness });
  await app.ready();

  async function login(email: string, password: string): Promise<string> {
    const response = await app.inject({ method: 'POST', url: '/v1/auth/token', payload: { email, password } });
    if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
    return response.json().access_token;
  }

  await ensureSuperuser(orm, 'root@tenantry.test', await hashPassword('root-password'));
  const superToken = await login('root@tenantry.test', 'root-password');

  return {
    app,
    orm,
    db,
    superToken,
    async tokenFor(email, { permissions = [], superuser = false } = {}) {
      const user = await createUser(orm, { email, passwordHash: await hashPassword('user-password'), permissions, superuser });
      return { token: await login(email, 'user-password'), userId: user.id };
    },
    async restartedApp(overrides = {}) {
      const second = configFor(overrides);
      const secondOrm = await createControlOrm({ databaseUrl: second.databaseUrl, controlSchema: second.controlSchema, logger });
      const secondApp = await buildApp({ config: second, orm: secondOrm, logger });
      await secondApp.ready();
      return {
        app: secondApp,
        async close() {
          await secondApp.close();
          await secondOrm.close(true);
        },
      };
    },
    async close() {
      // Bounded like the drop: a slow shutdown on a loaded machine must not fail a run that passed.
      await bounded('closing the test tenant-api and its pool', 15_000, app.close().then(() => orm.close(true)));
      await db.drop();
    },
  };
}
