import fp from 'fastify-plugin';
import cors from '@fastify/cors';

/** Headers a browser script may read from an answer. */
const EXPOSED_HEADERS = ['etag', 'location', 'retry-after', 'x-request-id', 'www-authenticate', 'idempotent-replayed'];
const ALLOWED_HEADERS = ['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key', 'x-request-id', 'traceparent', 'tracestate'];

/**
 * CORS for the origins in CORS_ORIGINS (`*`: any); nothing registered when the list is empty, so
 * by default a browser on another origin cannot call the API and OPTIONS is a 405. Tokens travel
 * in the Authorization header, never in cookies, so credentials mode stays off.
 */
export default fp<{ origins: string[] }>(
  async (app, { origins }) => {
    if (origins.length === 0) return;
    await app.register(cors, {
      origin: origins.includes('*') ? '*' : origins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ALLOWED_HEADERS,
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
      strictPreflight: false,
    });
  },
  { name: 'tenantry-cors' },
);
