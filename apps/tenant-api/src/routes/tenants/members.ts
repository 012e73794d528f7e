import type { FastifyPluginAsync } from 'fastify';
import { memberCollectionRoutes } from './member-collection.ts';
import { memberItemRoutes } from './member-item.ts';

/** A tenant's members under `/v1/tenants/{id}/members`. */
export const memberRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.authenticate);
  await app.register(memberCollectionRoutes);
  await app.register(memberItemRoutes);
};
