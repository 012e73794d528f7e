import { resolve } from 'node:path';
import fp from 'fastify-plugin';
import type { Logger } from '@tenantry/logger';
import { createExportStore, type ExportStore } from '@tenantry/tenant-archive';

declare module 'fastify' {
  interface FastifyInstance {
    tenantExports: ExportStore;
  }
}

/**
 * `app.tenantExports`: tenant archives made in the background of this process into `dir`
 * (EXPORT_DIR), read back by the download route. Closing the app waits for running exports.
 */
export default fp<{ dir: string }>(
  async (app, { dir }) => {
    const store = createExportStore({ orm: app.orm, databases: app.tenantDatabases, logger: app.log.child({ component: 'tenant-exports' }) as Logger }, resolve(dir));
    app.decorate('tenantExports', store);
    app.addHook('onClose', () => store.drain());
  },
  { name: 'tenantry-tenant-exports', dependencies: ['tenantry-control-db', 'tenantry-tenant-databases'] },
);
