import pg from 'pg';
import { createTenantApiClient, type TenantApiClient } from '@tenantry/client';
import { roleNameFor } from '@tenantry/tenant-schema';
import { createTestDatabase, uniqueName, waitFor } from '@tenantry/testing';
import { freePort } from '@tenantry/e2e/stack';
import { spawnService, type ServiceName, type ServiceProcess } from '@tenantry/launch/services';
import { ADMIN_URL, dropBenchDatabase } from './databases.ts';

export const BENCH_USER = { email: 'bench-root@tenantry.test', password: 'bench-root-password' };

export interface BenchStack {
  databaseName: string;
  databaseUrl: string;
  baseUrl: string;
  topicPrefix: string;
  topics: { events: string; provisioning: string };
  brokers: string[];
  services: Map<ServiceName, ServiceProcess>;
  pids(): Record<string, number | undefined>;
  pool: pg.Pool;
  token(): Promise<string>;
  /** tenant-api through the generated client, as the bench superuser. */
  api: TenantApiClient;
  /** Stops a service and starts it again with extra environment (e.g. NODE_OPTIONS=--cpu-prof); waits until it is ready. */
  restart(name: ServiceName, extraEnv?: NodeJS.ProcessEnv): Promise<void>;
  /** The last lines the services printed, for error messages. */
  tail(lines?: number): string;
  stop(): Promise<void>;
}

/**
 * The three services as separate processes (as `npm start` runs them) on a fresh database and a
 * fresh topic prefix, with the production defaults except: a bootstrap superuser to call the API
 * with, and no write rate limit (60 writes a minute would cap the burst at one tenant a second).
 * LOG_LEVEL stays `info`, the default: logging is part of what a deployment pays for.
 */
export async function startBenchStack(label: string, brokers: string[], env: NodeJS.ProcessEnv = {}): Promise<BenchStack> {
  const db = await createTestDatabase(`tenantry_bench_${label}`);
  const port = await freePort();
  const topicPrefix = `${uniqueName(`bench-${label}`)}.`;
  const serviceEnv: NodeJS.ProcessEnv = {
    DATABASE_URL: db.url,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    KAFKA_BROKERS: brokers.join(','),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    RATE_LIMIT_MAX: '0',
    // Free ports for the workers' metrics servers: stacks and replicas run side by side.
    PROVISIONER_METRICS_PORT: '0',
    DTE_SYNC_METRICS_PORT: '0',
    BOOTSTRAP_SUPERUSER_EMAIL: BENCH_USER.email,
    BOOTSTRAP_SUPERUSER_PASSWORD: BENCH_USER.password,
    ...env,
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const services = new Map<ServiceName, ServiceProcess>();
  const lines: string[] = [];
  const readyLines = new Set<string>();
  const start = (name: ServiceName, extraEnv: NodeJS.ProcessEnv = {}) => {
    const service = spawnService(name, {
      env: { ...serviceEnv, ...extraEnv },
      onLine: (line) => {
        if (line.includes(`"${name} ready"`)) readyLines.add(name);
        if (line.includes('"level":50') || line.includes('"level":60')) lines.push(`[${name}] ${line}`);
        else if (lines.length < 5000) lines.push(`[${name}] ${line.slice(0, 300)}`);
        if (lines.length > 4000) lines.splice(0, 1000);
      },
    });
    services.set(name, service);
  };
  const pool = new pg.Pool({ connectionString: db.url, max: 4, application_name: 'tenantry-bench' });
  let cachedToken: string | undefined;
  const tail = (n = 30) => lines.slice(-n).join('\n');

  const stack: BenchStack = {
    databaseName: db.name,
    databaseUrl: db.url,
    baseUrl,
    topicPrefix,
    topics: { events: `${topicPrefix}tenant.events`, provisioning: `${topicPrefix}tenant.provisioning` },
    brokers,
    services,
    pids: () => Object.fromEntries([...services].map(([name, s]) => [name, s.child.pid])),
    pool,
    tail,
    api: createTenantApiClient({ baseUrl, token: () => stack.token() }),
    async token() {
      if (cachedToken) return cachedToken;
      const { data, error, response } = await createTenantApiClient({ baseUrl }).POST('/v1/auth/token', { body: BENCH_USER });
      if (!data) throw new Error(`login failed: ${response.status} ${JSON.stringify(error)}`);
      cachedToken = data.access_token;
      return cachedToken;
    },
    async restart(name, extraEnv) {
      await services.get(name)?.stop();
      readyLines.delete(name);
      start(name, extraEnv);
      if (name === 'tenant-api') await waitForApi();
      else await waitFor(`${name} ready`, () => readyLines.has(name), { timeoutMs: 90_000, intervalMs: 100 });
    },
    async stop() {
      await Promise.all([...services.values()].map((service) => service.stop()));
      // Tenant roles are cluster-wide: drop exactly the ones this database's tenants got.
      const roles = await pool
        .query<{ id: string }>('select id from control.tenants')
        .then((r) => r.rows.map((row) => roleNameFor(row.id)))
        .catch(() => [] as string[]);
      await pool.end();
      await dropBenchDatabase(db.name, roles);
    },
  };

  const waitForApi = () =>
    waitFor('tenant-api /readyz', async () => (await fetch(`${baseUrl}/readyz`).then((r) => r.status).catch(() => 0)) === 200, {
      timeoutMs: 90_000,
      intervalMs: 200,
    });
  try {
    // tenant-api first: it applies the control migrations and creates the topics the workers need.
    start('tenant-api');
    await waitForApi();
    start('provisioner');
    start('dte-sync');
    await waitFor('provisioner and dte-sync ready', () => readyLines.has('provisioner') && readyLines.has('dte-sync'), { timeoutMs: 90_000, intervalMs: 100 });
  } catch (error) {
    const message = `${(error as Error).message}\n--- service output ---\n${tail(40)}`;
    await stack.stop().catch(() => undefined);
    throw new Error(message);
  }
  return stack;
}

export { ADMIN_URL };
