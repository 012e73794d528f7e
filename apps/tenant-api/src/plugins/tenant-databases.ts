import fp from 'fastify-plugin';
import type { Logger } from '@tenantry/logger';
import { openTenantDatabases, type TenantDatabases } from '@tenantry/tenant-databases';

declare module 'fastify' {
  interface FastifyInstance {
    tenantDatabases: TenantDatabases;
  }
}

/**
 * `app.tenantDatabases`: the tenant databases, for routes that read inside a tenant's schema
 * (statistics). Opened from the control ORM's own connection settings (DATABASE_URL, CONTROL_SCHEMA);
 * nothing connects until a route asks; closed with the app. Small pools: these are occasional reads.
 */
export default fp(
  async (app) => {
    const databases = openTenantDatabases({
      controlDatabaseUrl: app.orm.config.get('clientUrl')!,
      controlSchema: app.orm.config.get('schema')!,
      poolMax: 2,
      // app.log is the pino logger buildApp was given.
      logger: app.log.child({ component: 'tenant-databases' }) as Logger,
    });
    app.decorate('tenantDatabases', databases);
    app.addHook('onClose', () => databases.close());
  },
  { name: 'tenantry-tenant-databases', dependencies: ['tenantry-control-db'] },
);
