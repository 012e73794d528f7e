import { createPublicKey } from 'node:crypto';
import { isIP } from 'node:net';
import envSchema from 'env-schema';

/** Every environment variable Tenantry reads, validated once at start (SPEC §6). */
export interface Config {
  databaseUrl: string;
  controlSchema: string;
  kafkaBrokers: string[];
  kafkaTopicPrefix: string;
  kafkaClientId: string;
  host: string;
  port: number;
  jwt: { algorithm: 'HS256'; secret: string } | { algorithm: 'RS256' | 'ES256'; publicKey: string; privateKey?: string };
  jwtIsDevelopmentSecret: boolean;
  tokenTtlSeconds: number;
  bootstrapSuperuser: { email: string; password: string } | null;
  rateLimitMax: number;
  loginRateLimitMax: number;
  /** Login attempts a minute per account (the email tried), whatever address they come from; 0: off. */
  loginAccountRateLimitMax: number;
  /**
   * Whose `X-Forwarded-For` to believe for the client address, as Fastify's `trustProxy` takes it:
   * false (the default: the peer address is the client), true (any), a hop count, or addresses/CIDRs.
   */
  trustProxy: boolean | number | string[];
  bodyLimitBytes: number;
  /** Where tenant-api writes the archives of `POST /v1/tenants/{id}/export` (created if missing). */
  exportDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Tenant events the provisioner handles at once: different tenants in parallel, one tenant's
   * events always one after another in order. Each holds a database connection while it runs.
   */
  provisionerConcurrency: number;
  provisionerSpareSchemas: number;
  /** Ports of the workers' /metrics, /healthz and /readyz (on `host`); 0: a free port. */
  provisionerMetricsPort: number;
  dteSyncMetricsPort: number;
  /** Days a tenant must have been deactivated before it may be purged (a superuser's `force` skips it). */
  purgeAfterDays: number;
  /** What each tenant's database role may hold: sessions at once, and how long a statement or an idle transaction may last (0: no limit). */
  tenantRoleLimits: TenantRoleLimits;
  topics: { tenantEvents: string; tenantProvisioning: string };
  /**
   * Consumer groups, prefixed like the topics: kafkajs spreads a group's partitions over all its
   * members whatever they subscribe to, so two stacks sharing a cluster must never share a group.
   */
  groups: { provisioner: string; dteSync: string; tenantApi: string };
  /** Browser origins tenant-api answers CORS for (`['*']`: any); empty: CORS off. */
  corsOrigins: string[];
}

export interface TenantRoleLimits {
  connectionLimit: number;
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

/** Defaults of TENANT_ROLE_CONNECTION_LIMIT, TENANT_ROLE_STATEMENT_TIMEOUT_MS, TENANT_ROLE_IDLE_IN_TRANSACTION_TIMEOUT_MS. */
export const DEFAULT_TENANT_ROLE_LIMITS: TenantRoleLimits = { connectionLimit: 10, statementTimeoutMs: 30_000, idleInTransactionTimeoutMs: 60_000 };

export const DEVELOPMENT_JWT_SECRET = 'tenantry-development-secret-change-me-0123456789';

const schema = {
  type: 'object',
  properties: {
    DATABASE_URL: { type: 'string', pattern: '^postgres(ql)?://', default: 'postgres://postgres@127.0.0.1:5432/tenantry' },
    CONTROL_SCHEMA: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$', default: 'control' },
    KAFKA_BROKERS: { type: 'string', pattern: '^[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*$', default: '127.0.0.1:9092' },
    KAFKA_TOPIC_PREFIX: { type: 'string', pattern: '^[A-Za-z0-9._-]*$', default: '' },
    KAFKA_CLIENT_ID: { type: 'string', minLength: 1, default: 'tenantry' },
    HOST: { type: 'string', minLength: 1, default: '127.0.0.1' },
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
    JWT_SECRET: { type: 'string', minLength: 32 },
    JWT_PUBLIC_KEY: { type: 'string', minLength: 1 },
    JWT_PRIVATE_KEY: { type: 'string', minLength: 1 },
    JWT_ALGORITHM: { type: 'string', enum: ['HS256', 'RS256', 'ES256'] },
    TOKEN_TTL_SECONDS: { type: 'integer', minimum: 60, maximum: 86400, default: 3600 },
    BOOTSTRAP_SUPERUSER_EMAIL: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' },
    BOOTSTRAP_SUPERUSER_PASSWORD: { type: 'string', minLength: 8 },
    RATE_LIMIT_MAX: { type: 'integer', minimum: 0, default: 60 },
    LOGIN_RATE_LIMIT_MAX: { type: 'integer', minimum: 0, default: 20 },
    LOGIN_ACCOUNT_RATE_LIMIT_MAX: { type: 'integer', minimum: 0, default: 10 },
    TRUST_PROXY: { type: 'string', default: 'false' },
    BODY_LIMIT_BYTES: { type: 'integer', minimum: 1024, default: 1048576 },
    EXPORT_DIR: { type: 'string', minLength: 1, default: '.data/exports' },
    LOG_LEVEL: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    // Each in-flight provisioning holds a pooled connection; 32 keeps a few replicas well under
    // PostgreSQL's default max_connections (100).
    PROVISIONER_CONCURRENCY: { type: 'integer', minimum: 1, maximum: 32, default: 4 },
    // Pre-built tenant schemas a new tenant is given (renamed) instead of building one on the
    // request path; 0 turns the pool off.
    PROVISIONER_SPARE_SCHEMAS: { type: 'integer', minimum: 0, maximum: 100, default: 2 },
    PROVISIONER_METRICS_PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3001 },
    DTE_SYNC_METRICS_PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 3002 },
    // The grace period of a deactivated tenant: it can still be activated again until it is purged.
    PURGE_AFTER_DAYS: { type: 'integer', minimum: 0, maximum: 3650, default: 30 },
    // `*`, or comma-separated origins as browsers send them (scheme://host[:port], no path).
    CORS_ORIGINS: { type: 'string', pattern: '^(\\*|https?://[^/,\\s]+(,https?://[^/,\\s]+)*)$' },
    // A tenant role's share of the server (max_connections is 100 by default) and of its time.
    TENANT_ROLE_CONNECTION_LIMIT: { type: 'integer', minimum: 1, maximum: 10_000, default: DEFAULT_TENANT_ROLE_LIMITS.connectionLimit },
    TENANT_ROLE_STATEMENT_TIMEOUT_MS: { type: 'integer', minimum: 0, maximum: 86_400_000, default: DEFAULT_TENANT_ROLE_LIMITS.statementTimeoutMs },
    TENANT_ROLE_IDLE_IN_TRANSACTION_TIMEOUT_MS: {
      type: 'integer',
      minimum: 0,
      maximum: 86_400_000,
      default: DEFAULT_TENANT_ROLE_LIMITS.idleInTransactionTimeoutMs,
    },
  },
  dependencies: {
    BOOTSTRAP_SUPERUSER_EMAIL: ['BOOTSTRAP_SUPERUSER_PASSWORD'],
    BOOTSTRAP_SUPERUSER_PASSWORD: ['BOOTSTRAP_SUPERUSER_EMAIL'],
  },
} as const;

/** Thrown when the environment is invalid; the message lists every problem with the variable name. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type RawEnv = Record<string, string | number | undefined>;

// proxy-addr's names for address ranges (what Fastify's trustProxy accepts besides addresses).
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return isIP(bits) === 4 && family === 4; // a netmask such as 255.255.255.0
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** TRUST_PROXY: `false` / `true`, a hop count, or comma-separated addresses, CIDRs and proxy-addr range names. */
function parseTrustProxy(value: string): Config['trustProxy'] {
  const text = value.trim().toLowerCase();
  if (text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isAddressOrRange(entry));
  if (bad.length > 0) {
    throw new ConfigError(
      `Invalid configuration: TRUST_PROXY has ${bad.map((entry) => JSON.stringify(entry)).join(', ')}; use false, true, a hop count, or comma-separated addresses/CIDRs (loopback, linklocal, uniquelocal also work).`,
    );
  }
  return entries;
}

/** RS256 for an RSA key, ES256 for an EC key; anything else is a configuration error. */
function algorithmForKey(pem: string): 'RS256' | 'ES256' {
  let type: string | undefined;
  try {
    type = createPublicKey(pem).asymmetricKeyType;
  } catch (error) {
    throw new ConfigError(`Invalid configuration: JWT_PUBLIC_KEY is not a PEM public key (${(error as Error).message}).`);
  }
  if (type === 'rsa') return 'RS256';
  if (type === 'ec') return 'ES256';
  throw new ConfigError(`Invalid configuration: JWT_PUBLIC_KEY is a ${type} key; use an RSA (RS256) or EC P-256 (ES256) key.`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "not set" (a common result of `FOO= npm start`).
  const data = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  let raw: RawEnv;
  try {
    raw = envSchema({ schema, data, dotenv: false });
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${(error as Error).message}. See README "Configuration".`);
  }
  const str = (k: string) => raw[k] as string | undefined;

  let jwt: Config['jwt'];
  const publicKey = str('JWT_PUBLIC_KEY');
  if (publicKey) {
    const algorithm = (str('JWT_ALGORITHM') ?? algorithmForKey(publicKey)) as 'RS256' | 'ES256';
    if (algorithm === ('HS256' as string)) {
      throw new ConfigError('Invalid configuration: JWT_ALGORITHM=HS256 cannot be used with JWT_PUBLIC_KEY.');
    }
    jwt = { algorithm, publicKey, privateKey: str('JWT_PRIVATE_KEY') };
  } else {
    jwt = { algorithm: 'HS256', secret: str('JWT_SECRET') ?? DEVELOPMENT_JWT_SECRET };
  }

  const prefix = str('KAFKA_TOPIC_PREFIX') ?? '';
  const email = str('BOOTSTRAP_SUPERUSER_EMAIL');
  return {
    databaseUrl: str('DATABASE_URL')!,
    controlSchema: str('CONTROL_SCHEMA')!,
    kafkaBrokers: str('KAFKA_BROKERS')!.split(','),
    kafkaTopicPrefix: prefix,
    kafkaClientId: str('KAFKA_CLIENT_ID')!,
    host: str('HOST')!,
    port: raw.PORT as number,
    jwt,
    jwtIsDevelopmentSecret: !publicKey && !str('JWT_SECRET'),
    tokenTtlSeconds: raw.TOKEN_TTL_SECONDS as number,
    bootstrapSuperuser: email ? { email: email.toLowerCase(), password: str('BOOTSTRAP_SUPERUSER_PASSWORD')! } : null,
    rateLimitMax: raw.RATE_LIMIT_MAX as number,
    loginRateLimitMax: raw.LOGIN_RATE_LIMIT_MAX as number,
    loginAccountRateLimitMax: raw.LOGIN_ACCOUNT_RATE_LIMIT_MAX as number,
    trustProxy: parseTrustProxy(str('TRUST_PROXY')!),
    bodyLimitBytes: raw.BODY_LIMIT_BYTES as number,
    exportDir: str('EXPORT_DIR')!,
    logLevel: str('LOG_LEVEL') as Config['logLevel'],
    provisionerConcurrency: raw.PROVISIONER_CONCURRENCY as number,
    provisionerSpareSchemas: raw.PROVISIONER_SPARE_SCHEMAS as number,
    provisionerMetricsPort: raw.PROVISIONER_METRICS_PORT as number,
    dteSyncMetricsPort: raw.DTE_SYNC_METRICS_PORT as number,
    purgeAfterDays: raw.PURGE_AFTER_DAYS as number,
    tenantRoleLimits: {
      connectionLimit: raw.TENANT_ROLE_CONNECTION_LIMIT as number,
      statementTimeoutMs: raw.TENANT_ROLE_STATEMENT_TIMEOUT_MS as number,
      idleInTransactionTimeoutMs: raw.TENANT_ROLE_IDLE_IN_TRANSACTION_TIMEOUT_MS as number,
    },
    topics: { tenantEvents: `${prefix}tenant.events`, tenantProvisioning: `${prefix}tenant.provisioning` },
    groups: { provisioner: `${prefix}provisioner`, dteSync: `${prefix}dte-sync`, tenantApi: `${prefix}tenant-api` },
    corsOrigins: str('CORS_ORIGINS')?.split(',') ?? [],
  };
}
