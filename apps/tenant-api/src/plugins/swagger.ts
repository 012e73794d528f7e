import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { finishDocument } from '../openapi/index.ts';

/** OpenAPI 3.1 generated from the route schemas, served at /openapi.json and browsable at /docs. */
export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Tenantry tenant-api',
          version: '1.0.0',
          description: 'Tenant control plane. Errors are RFC 9457 application/problem+json.',
        },
        // Relative: the document describes the server that serves it (Swagger UI calls the same origin).
        servers: [{ url: '/', description: 'The tenant-api serving this document' }],
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
        security: [{ bearerAuth: [] }],
      },
      // Shared schemas keep their $id (Problem, Tenant, User) as component names for generated clients.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
      // A resource root is registered as `<prefix>/`; publish the SPEC's path (`/v1/tenants`, which
      // Fastify serves as well), so a gateway generated from this document routes the documented URL.
      transform: ({ schema, url }) => ({ schema, url: url.length > 1 ? url.replace(/\/$/, '') : url }),
      transformObject: (documentObject) => ('openapiObject' in documentObject ? finishDocument(documentObject.openapiObject) : documentObject.swaggerObject),
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'tenantry-swagger' },
);
