import pg from 'pg';
import { createTenantApiClient, type TenantApiClient } from '@tenantry/client';
import { createTestDatabase, freePort, uniqueName, waitFor, type TestDatabase } from '@tenantry/testing';
import { jsonRequest } from '@tenantry/launch/json-request';
import { SERVICE_NAMES, spawnService, type ServiceName, type ServiceProcess } from '@tenantry/launch/services';

export { freePort };

export interface Stack {
  db: TestDatabase;
  baseUrl: string;
  topicPrefix: string;
  env: NodeJS.ProcessEnv;
  services: Map<ServiceName, ServiceProcess>;
  logs: string[];
  start(name: ServiceName): ServiceProcess;
  token(): Promise<string>;
  /** tenant-api through the generated client, as the bootstrap superuser. */
  api: TenantApiClient;
  /** tenant-api through the generated client with another token (none: anonymous). */
  client(token?: string): TenantApiClient;
  request(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any; headers: Headers }>;
  query<R extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  stop(): Promise<void>;
}

export const SUPERUSER = { email: 'e2e-root@tenantry.test', password: 'e2e-root-password' };

export interface StackOptions {
  /** `host:port,...` the services use; default KAFKA_BROKERS or 127.0.0.1:9092 (the shared broker). */
  kafkaBrokers?: string;
  /** Default a unique `e2e-<random>.`; pass one to pre-create topics with other settings. */
  topicPrefix?: string;
  /** Extra environment for every service. */
  env?: NodeJS.ProcessEnv;
  /**
   * Admin URL (`.../postgres`) of the server the stack's fresh database is made on; default
   * TEST_DATABASE_ADMIN_URL or 127.0.0.1:5432. The database-restart fault scenario passes its own cluster.
   */
  adminDatabaseUrl?: string;
  /** What must answer 200 before the stack is handed over; default `/readyz` (database and Kafka). */
  readyPath?: '/readyz' | '/healthz';
}

/** The three services as separate processes on a fresh database and a unique topic prefix. */
export async function startStack(names: readonly ServiceName[] = SERVICE_NAMES, options: StackOptions = {}): Promise<Stack> {
  const db = await createTestDatabase('tenantry_e2e', options.adminDatabaseUrl);
  const port = await freePort();
  const topicPrefix = options.topicPrefix ?? `${uniqueName('e2e')}.`;
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: db.url,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    KAFKA_BROKERS: options.kafkaBrokers || process.env.KAFKA_BROKERS || '127.0.0.1:9092',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
    RATE_LIMIT_MAX: '0',
    // Free ports for the workers' metrics servers: stacks and replicas run side by side.
    PROVISIONER_METRICS_PORT: '0',
    DTE_SYNC_METRICS_PORT: '0',
    LOGIN_RATE_LIMIT_MAX: '0',
    BOOTSTRAP_SUPERUSER_EMAIL: SUPERUSER.email,
    BOOTSTRAP_SUPERUSER_PASSWORD: SUPERUSER.password,
    ...options.env,
  };
  const logs: string[] = [];
  const services = new Map<ServiceName, ServiceProcess>();
  const baseUrl = `http://127.0.0.1:${port}`;
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // An idle connection the server ends (a restart) is reported here; unheard, it would crash the test process.
  pool.on('error', () => undefined);
  let cachedToken: string | undefined;
  const client = (token?: string) => createTenantApiClient({ baseUrl, token });

  const stack: Stack = {
    db,
    baseUrl,
    topicPrefix,
    env,
    services,
    logs,
    start(name) {
      const service = spawnService(name, {
        env,
        onLine: (line) => {
          logs.push(`[${name}] ${line}`);
          if (process.env.E2E_ECHO) console.log(`[${name}] ${line}`);
        },
      });
      services.set(name, service);
      return service;
    },
    request(method, path, body, token) {
      return jsonRequest(baseUrl, method, path, body, token);
    },
    async token() {
      if (cachedToken) return cachedToken;
      const { data, error, response } = await client().POST('/v1/auth/token', { body: SUPERUSER });
      if (!data) throw new Error(`login failed: ${response.status} ${JSON.stringify(error)}`);
      cachedToken = data.access_token;
      return cachedToken;
    },
    api: createTenantApiClient({ baseUrl, token: () => stack.token() }),
    client,
    async query(sql, params = []) {
      return (await pool.query(sql, params)).rows;
    },
    async stop() {
      await Promise.all([...services.values()].map((service) => service.stop()));
      await pool.end();
      await db.drop();
    },
  };

  for (const name of names) stack.start(name);
  if (names.includes('tenant-api')) {
    const readyPath = options.readyPath ?? '/readyz';
    await waitFor(
      `tenant-api ${readyPath}`,
      async () => (await fetch(`${baseUrl}${readyPath}`).then((r) => r.status).catch(() => 0)) === 200,
      { timeoutMs: 60_000, intervalMs: 250 },
    ).catch((error) => {
      throw new Error(`${(error as Error).message}\n--- service output ---\n${logs.slice(-40).join('\n')}`);
    });
  }
  return stack;
}

export async function canLoginAs(db: TestDatabase, role: string): Promise<boolean> {
  const url = new URL(db.url);
  url.username = role;
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
