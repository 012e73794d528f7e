import type { FastifyPluginAsync } from 'fastify';
import { createTenantRoute } from './create.ts';
import { listTenantsRoutes } from './list.ts';
import { readTenantRoute } from './read.ts';
import { updateTenantRoutes } from './update.ts';
import { tenantLifecycleRoutes } from './lifecycle.ts';
import { etag, isTenant } from './tenant-etag.ts';

/** The tenant itself under `/v1/tenants`: create, list and count, read, update, status and re-provisioning. */
export const tenantRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.authenticate);
  // Every answer that is one tenant carries its ETag: GET, create, update, the status actions, provision.
  app.addHook('preSerialization', async (_request, reply, payload) => {
    if (reply.statusCode < 300 && isTenant(payload)) reply.header('etag', etag(payload.version));
    return payload;
  });
  // Registered in this order so the OpenAPI document lists the routes as before.
  await app.register(createTenantRoute);
  await app.register(listTenantsRoutes);
  await app.register(readTenantRoute);
  await app.register(updateTenantRoutes);
  await app.register(tenantLifecycleRoutes);
};
