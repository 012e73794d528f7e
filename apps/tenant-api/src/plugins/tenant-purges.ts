import fp from 'fastify-plugin';
import type { Logger } from '@tenantry/logger';
import { startPurgeRunner, type PurgeRunner } from '@tenantry/tenant-purges';

declare module 'fastify' {
  interface FastifyInstance {
    tenantPurges: PurgeRunner;
  }
}

/**
 * `app.tenantPurges`: this process's purge runner. It purges what the purge route records (`kick`)
 * and sweeps for purges a crash left open; one runner per purge across replicas (its lock).
 * Stopped with the app.
 */
export default fp(
  async (app) => {
    const runner = startPurgeRunner({ orm: app.orm, databases: app.tenantDatabases, logger: app.log.child({ component: 'tenant-purges' }) as Logger });
    app.decorate('tenantPurges', runner);
    app.addHook('onClose', () => runner.stop());
  },
  { name: 'tenantry-tenant-purges', dependencies: ['tenantry-control-db', 'tenantry-tenant-databases'] },
);
