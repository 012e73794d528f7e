import type { FastifyPluginAsync } from 'fastify';
import { tenantSwitchRoute } from './switch.ts';
import { tenantStatisticsRoute } from './statistics.ts';
import { tenantEventsRoute } from './events.ts';

/** switch, statistics and the event history of one tenant. */
export const tenantInsightRoutes: FastifyPluginAsync<{ tokenTtlSeconds: number }> = async (app, { tokenTtlSeconds }) => {
  app.addHook('preHandler', app.authenticate);
  await app.register(tenantSwitchRoute, { tokenTtlSeconds });
  await app.register(tenantStatisticsRoute);
  await app.register(tenantEventsRoute);
};
