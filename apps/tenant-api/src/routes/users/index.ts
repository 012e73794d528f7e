import type { FastifyPluginAsync } from 'fastify';
import tenantDatabases from '../../plugins/tenant-databases.ts';
import { meRoute } from './me.ts';
import { eraseUserRoute } from './erase.ts';
import { createUserRoute } from './create.ts';

/** Users under `/v1/users`: the caller itself, erasure and creation. */
export const userRoutes: FastifyPluginAsync = async (app) => {
  await app.register(tenantDatabases);
  app.addHook('preHandler', app.authenticate);
  await app.register(meRoute);
  await app.register(eraseUserRoute);
  await app.register(createUserRoute);
};
