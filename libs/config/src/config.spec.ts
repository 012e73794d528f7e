import { generateKeyPairSync } from 'node:crypto';
import { loadConfig, ConfigError } from './config.ts';

describe('loadConfig', () => {
  it('applies the SPEC §6 defaults', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/tenantry');
    expect(config.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(config.port).toBe(3000);
    expect(config.rateLimitMax).toBe(60);
    expect(config.logLevel).toBe('info');
    expect(config.jwtIsDevelopmentSecret).toBe(true);
    expect(config.topics).toEqual({ tenantEvents: 'tenant.events', tenantProvisioning: 'tenant.provisioning' });
    expect(config.bootstrapSuperuser).toBeNull();
    expect(config.provisionerConcurrency).toBe(4);
    expect(config.provisionerSpareSchemas).toBe(2);
  });

  it('reads PROVISIONER_CONCURRENCY as a whole number from 1 to 32', () => {
    expect(loadConfig({ PROVISIONER_CONCURRENCY: '1' }).provisionerConcurrency).toBe(1);
    expect(loadConfig({ PROVISIONER_CONCURRENCY: '32' }).provisionerConcurrency).toBe(32);
    for (const bad of ['0', '33', '2.5', 'four', '-1']) {
      expect(() => loadConfig({ PROVISIONER_CONCURRENCY: bad })).toThrow(/PROVISIONER_CONCURRENCY/);
    }
  });

  it('reads PROVISIONER_SPARE_SCHEMAS as a whole number from 0 (no pool) to 100', () => {
    expect(loadConfig({ PROVISIONER_SPARE_SCHEMAS: '0' }).provisionerSpareSchemas).toBe(0);
    expect(loadConfig({ PROVISIONER_SPARE_SCHEMAS: '100' }).provisionerSpareSchemas).toBe(100);
    for (const bad of ['-1', '101', '1.5', 'two']) {
      expect(() => loadConfig({ PROVISIONER_SPARE_SCHEMAS: bad })).toThrow(/PROVISIONER_SPARE_SCHEMAS/);
    }
  });

  it('reads the workers\' metrics ports: 3001 and 3002 by default, 0 for a free port', () => {
    expect(loadConfig({})).toMatchObject({ provisionerMetricsPort: 3001, dteSyncMetricsPort: 3002 });
    expect(loadConfig({ PROVISIONER_METRICS_PORT: '0', DTE_SYNC_METRICS_PORT: '9102' })).toMatchObject({ provisionerMetricsPort: 0, dteSyncMetricsPort: 9102 });
    for (const bad of ['-1', '65536', 'x']) {
      expect(() => loadConfig({ PROVISIONER_METRICS_PORT: bad })).toThrow(/PROVISIONER_METRICS_PORT/);
      expect(() => loadConfig({ DTE_SYNC_METRICS_PORT: bad })).toThrow(/DTE_SYNC_METRICS_PORT/);
    }
  });

  it('reads CORS_ORIGINS as a list of origins or `*`, off (empty) by default', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.cl,http://localhost:5173' }).corsOrigins).toEqual([
      'https://app.example.cl',
      'http://localhost:5173',
    ]);
    for (const bad of ['app.example.cl', 'https://app.example.cl/path', 'https://a.cl, https://b.cl', '*,https://a.cl']) {
      expect(() => loadConfig({ CORS_ORIGINS: bad })).toThrow(/CORS_ORIGINS/);
    }
  });

  it('trusts no proxy unless TRUST_PROXY says which (Fastify trustProxy values)', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16,loopback,::1,fd00::/8' }).trustProxy).toEqual([
      '10.0.0.1',
      '10.1.0.0/16',
      'loopback',
      '::1',
      'fd00::/8',
    ]);
    for (const bad of ['yes', '10.0.0.300', '10.0.0.0/33', 'proxy.example.com', '1.2.3.4,,']) {
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
    }
  });

  it('limits logins per address and per account, 0 turning either off', () => {
    expect(loadConfig({})).toMatchObject({ loginRateLimitMax: 20, loginAccountRateLimitMax: 10 });
    expect(loadConfig({ LOGIN_ACCOUNT_RATE_LIMIT_MAX: '0' }).loginAccountRateLimitMax).toBe(0);
    expect(() => loadConfig({ LOGIN_ACCOUNT_RATE_LIMIT_MAX: '-1' })).toThrow(/LOGIN_ACCOUNT_RATE_LIMIT_MAX/);
  });

  it('gives tenant roles a connection limit and statement / idle-in-transaction timeouts', () => {
    expect(loadConfig({}).tenantRoleLimits).toEqual({ connectionLimit: 10, statementTimeoutMs: 30_000, idleInTransactionTimeoutMs: 60_000 });
    expect(
      loadConfig({ TENANT_ROLE_CONNECTION_LIMIT: '3', TENANT_ROLE_STATEMENT_TIMEOUT_MS: '0', TENANT_ROLE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '500' }).tenantRoleLimits,
    ).toEqual({ connectionLimit: 3, statementTimeoutMs: 0, idleInTransactionTimeoutMs: 500 });
    expect(() => loadConfig({ TENANT_ROLE_CONNECTION_LIMIT: '0' })).toThrow(/TENANT_ROLE_CONNECTION_LIMIT/);
    expect(() => loadConfig({ TENANT_ROLE_STATEMENT_TIMEOUT_MS: '-5' })).toThrow(/TENANT_ROLE_STATEMENT_TIMEOUT_MS/);
    expect(() => loadConfig({ TENANT_ROLE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '1.5' })).toThrow(/TENANT_ROLE_IDLE_IN_TRANSACTION_TIMEOUT_MS/);
  });

  it('prefixes topic names', () => {
    expect(loadConfig({ KAFKA_TOPIC_PREFIX: 'qa.' }).topics.tenantEvents).toBe('qa.tenant.events');
  });

  it('names the consumer groups as SPEC §1/§4 do, prefixed like the topics', () => {
    expect(loadConfig({}).groups).toEqual({ provisioner: 'provisioner', dteSync: 'dte-sync', tenantApi: 'tenant-api' });
    expect(loadConfig({ KAFKA_TOPIC_PREFIX: 'qa.' }).groups).toEqual({
      provisioner: 'qa.provisioner',
      dteSync: 'qa.dte-sync',
      tenantApi: 'qa.tenant-api',
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ KAFKA_BROKERS: 'nohost' })).toThrow(/KAFKA_BROKERS/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('requires the bootstrap password with the bootstrap email', () => {
    expect(() => loadConfig({ BOOTSTRAP_SUPERUSER_EMAIL: 'root@example.com' })).toThrow(/BOOTSTRAP_SUPERUSER_PASSWORD/);
    const config = loadConfig({ BOOTSTRAP_SUPERUSER_EMAIL: 'Root@Example.com', BOOTSTRAP_SUPERUSER_PASSWORD: 'longenough' });
    expect(config.bootstrapSuperuser).toEqual({ email: 'root@example.com', password: 'longenough' });
  });

  it('treats empty variables as unset and rejects short secrets', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(loadConfig({ JWT_SECRET: 'x'.repeat(32) }).jwtIsDevelopmentSecret).toBe(false);
  });

  it('pins RS256 or ES256 from the key type, never from the PEM text', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(loadConfig({ JWT_PUBLIC_KEY: rsa }).jwt.algorithm).toBe('RS256');
    expect(loadConfig({ JWT_PUBLIC_KEY: ec }).jwt.algorithm).toBe('ES256');
    expect(() => loadConfig({ JWT_PUBLIC_KEY: 'not a key' })).toThrow(/JWT_PUBLIC_KEY/);
  });
});
