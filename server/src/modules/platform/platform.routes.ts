import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { commonErrors, ListOf, StrictObject, Timestamp, Uuid } from '../../lib/schemas.js';
import { PageQuery } from '../../lib/pagination.js';
import { OrgStatus } from '../organizations/organizations.schemas.js';
import type { PlatformService } from './platform.service.js';

const Tenant = Type.Object({
  organization: Type.Object({ id: Uuid, slug: Type.String(), name: Type.String(), status: OrgStatus, createdAt: Timestamp }),
  members: Type.Integer(),
  integrations: Type.Integer(),
  integrationsByStatus: Type.Object({
    INACTIVE: Type.Integer(),
    ACTIVE: Type.Integer(),
    ERROR: Type.Integer(),
    SYNCING: Type.Integer(),
    PAUSED: Type.Integer(),
  }),
  runs24h: Type.Integer({ description: 'Sync runs created in the last 24 hours' }),
  failedRuns24h: Type.Integer({ description: 'Of those, the ones that failed' }),
  lastActivityAt: Type.Union([Timestamp, Type.Null()]),
});

export const platformRoutes: FastifyPluginAsyncTypebox<{ platform: PlatformService }> = async (app, { platform }) => {
  app.get(
    '/api/platform/tenants',
    {
      config: { access: { action: 'read', subject: 'Platform' } },
      schema: {
        tags: ['platform'],
        summary: 'Every organization with its health (Platform Owner)',
        querystring: StrictObject(PageQuery),
        response: { 200: ListOf(Tenant), ...commonErrors },
      },
    },
    async (request) => platform.tenants(request.ctx, request.query),
  );
};
