import fp from 'fastify-plugin';

/** Whether an `If-None-Match` value names this entity tag (weak comparison, RFC 9110 §13.1.2). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => opaque(candidate) === opaque(etag));
}

/**
 * A GET answered 200 with an ETag the client already holds (`If-None-Match`) becomes 304 Not
 * Modified without a body: a gateway or browser cache can revalidate a tenant for a few bytes.
 */
export default fp(
  async (app) => {
    app.addHook('onSend', async (request, reply, payload) => {
      if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return payload;
      const etag = reply.getHeader('etag');
      if (typeof etag !== 'string' || !matchesIfNoneMatch(request.headers['if-none-match'], etag)) return payload;
      reply.code(304);
      reply.removeHeader('content-type');
      reply.removeHeader('content-length');
      return null;
    });
  },
  { name: 'tenantry-conditional-get' },
);
