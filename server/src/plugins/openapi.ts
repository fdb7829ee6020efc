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
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "A person's access token (POST /api/auth/login)" },
          cookie: { type: 'apiKey', in: 'cookie', name: 'ly_access', description: "A person's session in the browser" },
          organizationApiKey: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'lyk_…',
            description:
              "An organization API key (`Authorization: Bearer lyk_…`, created by a Super Admin): acts as a member of its organization with the key's role (viewer or admin) on routes under /api/orgs/{orgId}; other organizations answer 404, the platform, members, API keys and routes for people 403.",
          },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }, { organizationApiKey: [] }],
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
