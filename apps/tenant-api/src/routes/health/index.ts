import type { FastifyPluginAsync } from 'fastify';

export type ReadinessCheck = () => Promise<void>;

const statusSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: { type: 'string' } } },
} as const;

/** /healthz: the process answers. /readyz: every dependency answers (database, Kafka). */
export const healthRoutes: FastifyPluginAsync<{ checks: Record<string, ReadinessCheck> }> = async (app, { checks }) => {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness: the process answers', security: [], response: { 200: statusSchema } } }, async () => ({
    status: 'ok',
  }));
  app.get('/readyz', { schema: { tags: ['health'], summary: 'Readiness: every dependency (database, Kafka) answers; 503 otherwise', security: [], response: { 200: statusSchema, 503: statusSchema } } }, async (_request, reply) => {
    const results: Record<string, string> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000))]);
          results[name] = 'ok';
        } catch (error) {
          results[name] = `down: ${(error as Error).message}`;
        }
      }),
    );
    const ready = Object.values(results).every((r) => r === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: results });
  });
};
