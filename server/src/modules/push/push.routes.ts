import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { commonErrors } from '../../lib/schemas.js';
import { RunParams } from '../runs/runs.schemas.js';
import { SyncParams } from '../syncs/syncs.schemas.js';
import type { PushService } from './push.service.js';
import * as S from './push.schemas.js';

export const pushRoutes: FastifyPluginAsyncTypebox<{ push: PushService }> = async (app, { push }) => {
  const tags = ['two-way sync'];

  app.post(
    '/api/orgs/:orgId/syncs/:syncId/records',
    {
      config: { access: { action: 'create', subject: 'Record' } },
      schema: {
        operationId: 'pushRecords',
        tags,
        summary: 'Write records to the provider: queued as a run with trigger "push" (Idempotency-Key: same answer, nothing written twice)',
        params: SyncParams,
        headers: S.PushHeaders,
        body: S.PushBody,
        response: { 202: S.PushAccepted, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await push.push(request.authedCtx, request.params.orgId, request.params.syncId, request.body, request.headers['idempotency-key']),
        ),
  );

  app.get(
    '/api/orgs/:orgId/runs/:runId/writes',
    {
      config: { access: { action: 'read', subject: 'Run' } },
      schema: {
        operationId: 'listRunWrites',
        tags,
        summary: "A push run's per-record results, in request order",
        params: RunParams,
        querystring: S.WritesQuery,
        response: { 200: S.WriteList, ...commonErrors },
      },
    },
    async (request) => push.listWrites(request.authedCtx, request.params.orgId, request.params.runId, request.query),
  );
};
