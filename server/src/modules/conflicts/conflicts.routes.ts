import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { commonErrors, ErrorResponse, OrgParams } from '../../lib/schemas.js';
import type { ConflictsService } from './conflicts.service.js';
import * as S from './conflicts.schemas.js';

const tags = ['two-way sync'];

export const conflictsRoutes: FastifyPluginAsyncTypebox<{ conflicts: ConflictsService }> = async (app, { conflicts }) => {
  app.get(
    '/api/orgs/:orgId/conflicts',
    {
      config: { access: { action: 'read', subject: 'Conflict' } },
      schema: {
        operationId: 'listConflicts',
        tags,
        summary: 'Records changed on both sides (manual strategy), newest first',
        params: OrgParams,
        querystring: S.ConflictsQuery,
        response: { 200: S.ConflictList, ...commonErrors },
      },
    },
    async (request) => conflicts.list(request.authedCtx, request.params.orgId, request.query),
  );

  app.get(
    '/api/orgs/:orgId/conflicts/:conflictId',
    {
      config: { access: { action: 'read', subject: 'Conflict' } },
      schema: {
        operationId: 'getConflict',
        tags,
        summary: 'One conflict, with base, local and remote values per field',
        params: S.ConflictParams,
        response: { 200: S.ConflictView, ...commonErrors },
      },
    },
    async (request) => conflicts.get(request.authedCtx, request.params.orgId, request.params.conflictId),
  );

  app.post(
    '/api/orgs/:orgId/conflicts/:conflictId/resolve',
    {
      config: { access: { action: 'update', subject: 'Conflict' } },
      schema: {
        operationId: 'resolveConflict',
        tags,
        summary:
          'Write the chosen version to the provider and close the conflict (409 when already resolved, or when the provider changed the record again)',
        params: S.ConflictParams,
        body: S.ResolveBody,
        response: { 200: S.ConflictView, ...commonErrors, 409: Type.Ref(ErrorResponse), 502: Type.Ref(ErrorResponse) },
      },
    },
    async (request) => conflicts.resolve(request.authedCtx, request.params.orgId, request.params.conflictId, request.body),
  );
};
