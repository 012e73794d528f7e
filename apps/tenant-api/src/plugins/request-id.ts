import fp from 'fastify-plugin';

/** Echoes the request id (taken from `x-request-id` when the gateway sent one) on every response. */
export default fp(
  async (app) => {
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });
  },
  { name: 'tenantry-request-id' },
);

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** For Fastify's `genReqId`: keep a sane incoming id, otherwise make one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && SAFE_REQUEST_ID.test(value) ? value : crypto.randomUUID();
}
