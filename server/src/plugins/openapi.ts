import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ErrorResponse } from '../lib/schemas.js';

/** OpenAPI document generated from the route schemas, at /openapi.json, with a reference UI at /docs. */
export default fp(async function openapiPlugin(app: FastifyInstance, { publicUrl }: { publicUrl: string }) {
  app.addSchema(ErrorResponse);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Linkyard API',
        version: '0.1.0',
        description:
          'Multi-tenant admin platform for SaaS integrations. Conventions (authentication, errors, lists, secrets): docs/api.md in the Linkyard repository.',
      },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'ly_access' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) || `def-${i}` },
  });

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  // The reference UI's own routes (HTML, assets) are public documentation.
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    await docs.register(swaggerUi, {
      routePrefix: '/docs',
      // The reference page's own policy (its scripts by hash), not framable; no https upgrade, so it works on plain-http development URLs.
      staticCSP: true,
      transformStaticCSP: (header: string) =>
        header.replace(' upgrade-insecure-requests;', '').replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
    });
  });
});
