import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { commonErrors } from '../../lib/schemas.js';
import type { PlatformService } from './platform.service.js';
import * as S from './platform.schemas.js';

export const platformRoutes: FastifyPluginAsyncTypebox<{ platform: PlatformService }> = async (app, { platform }) => {
  app.get(
    '/api/platform/tenants',
    {
      config: { access: { action: 'read', subject: 'Platform' } },
      schema: {
        tags: ['platform'],
        summary: 'Every organization with its health (Platform Owner)',
        querystring: S.TenantsQuery,
        response: { 200: S.TenantList, ...commonErrors },
      },
    },
    async (request) => platform.tenants(request.authedCtx, request.query),
  );
};
