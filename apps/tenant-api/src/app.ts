import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '@tenantry/config';
import { pingControlDb, type ControlOrm } from '@tenantry/control-db';
import type { Logger } from '@tenantry/logger';
import validation from './plugins/validation.ts';
import problemDetails, { clientErrorProblem, frameworkErrorProblem } from './plugins/problem-details.ts';
import controlDb from './plugins/control-db.ts';
import tenantDatabases from './plugins/tenant-databases.ts';
import auth from './plugins/auth.ts';
import requestId, { requestIdFrom } from './plugins/request-id.ts';
import { RequestLogController, requestTraceFields } from './plugins/request-logging.ts';
import rateLimit from './plugins/rate-limit.ts';
import swagger from './plugins/swagger.ts';
import methodNotAllowed from './plugins/method-not-allowed.ts';
import conditionalGet from './plugins/conditional-get.ts';
import mergePatch from './plugins/merge-patch.ts';
import cors from './plugins/cors.ts';
import { problemSchema } from './schemas/problem.ts';
import { tenantEventSchema, tenantSchema, tenantWithMembersSchema } from './schemas/tenant.ts';
import { authRoutes } from './routes/auth/index.ts';
import { tenantRoutes } from './routes/tenants/index.ts';
import { healthRoutes, type ReadinessCheck } from './routes/health/index.ts';
import { memberRoutes } from './routes/tenants/members.ts';
import { tenantInsightRoutes } from './routes/tenants/tenant-insights.ts';
import { tenantMoveRoutes } from './routes/tenants/move.ts';
import { tenantExportRoutes } from './routes/tenants/export.ts';
import { tenantPurgeRoutes } from './routes/tenants/purge.ts';
import { userRoutes } from './routes/users/index.ts';
import { planRoutes } from './routes/plans/index.ts';
import { tenantGroupRoutes } from './routes/tenant-groups/index.ts';
import { usageRoutes } from './routes/usage/index.ts';
import idempotency from './plugins/idempotency.ts';
import metrics from './plugins/metrics/index.ts';
import { userSchema } from './schemas/user.ts';

export interface AppDependencies {
  config: Pick<Config, 'jwt' | 'tokenTtlSeconds' | 'rateLimitMax' | 'loginRateLimitMax' | 'loginAccountRateLimitMax' | 'trustProxy' | 'bodyLimitBytes' | 'corsOrigins' | 'exportDir' | 'purgeAfterDays'>;
  orm: ControlOrm;
  logger: Logger;
  readiness?: Record<string, ReadinessCheck>;
}

/**
 * TRUST_PROXY as Fastify takes it. A hop count becomes "trust the n nearest hops" (Fastify 5 itself
 * now trusts nothing for a number), which is only sound when nothing reaches the app except through them.
 */
function trustProxyOption(trust: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

/** The HTTP application as a plain Fastify instance; `server.ts` only listens and shuts down. */
export async function buildApp({ config, orm, logger, readiness = {} }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new RequestLogController(),
    childLoggerFactory: (logger, bindings, options, raw) => logger.child({ ...bindings, ...requestTraceFields(raw) }, options),
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (request) => requestIdFrom(request.headers['x-request-id']),
    // Off unless TRUST_PROXY names the proxies: X-Forwarded-For from anyone else is not the client's address.
    trustProxy: trustProxyOption(config.trustProxy),
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: frameworkErrorProblem,
    clientErrorHandler: clientErrorProblem,
  });
  // JSON only: any other content type is a malformed request (400), not a string body.
  app.removeContentTypeParser('text/plain');
  app.addSchema(problemSchema);
  app.addSchema(tenantSchema);
  app.addSchema(tenantWithMembersSchema);
  app.addSchema(tenantEventSchema);
  app.addSchema(userSchema);
  await app.register(mergePatch);
  await app.register(validation);
  await app.register(methodNotAllowed);
  await app.register(problemDetails);
  await app.register(requestId);
  await app.register(cors, { origins: config.corsOrigins });
  await app.register(conditionalGet);
  await app.register(controlDb, { orm });
  await app.register(tenantDatabases);
  await app.register(swagger);
  await app.register(auth, { jwt: config.jwt, tokenTtlSeconds: config.tokenTtlSeconds });
  await app.register(rateLimit, {
    writesPerMinute: config.rateLimitMax,
    loginsPerMinute: config.loginRateLimitMax,
    loginsPerAccountPerMinute: config.loginAccountRateLimitMax,
  });
  await app.register(idempotency);
  await app.register(metrics);
  await app.register(healthRoutes, {
    checks: { database: () => pingControlDb(orm), ...readiness },
  });
  await app.register(authRoutes, { prefix: '/v1/auth', tokenTtlSeconds: config.tokenTtlSeconds });
  await app.register(tenantRoutes, { prefix: '/v1/tenants' });
  await app.register(memberRoutes, { prefix: '/v1/tenants' });
  await app.register(tenantInsightRoutes, { prefix: '/v1/tenants', tokenTtlSeconds: config.tokenTtlSeconds });
  await app.register(tenantMoveRoutes, { prefix: '/v1/tenants' });
  await app.register(tenantExportRoutes, { prefix: '/v1/tenants', exportDir: config.exportDir });
  await app.register(tenantPurgeRoutes, { prefix: '/v1/tenants', purgeAfterDays: config.purgeAfterDays });
  await app.register(userRoutes, { prefix: '/v1/users' });
  await app.register(planRoutes, { prefix: '/v1/plans' });
  await app.register(tenantGroupRoutes, { prefix: '/v1/tenant-groups' });
  await app.register(usageRoutes, { prefix: '/v1/usage' });
  return app;
}
