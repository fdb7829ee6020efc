import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { commonErrors } from '../../lib/schemas.js';
import type { FastifyReply } from 'fastify';
import type { ChangeFeedService, ChangePageJson } from './change-feed.service.js';
import * as S from './change-feed.schemas.js';

/**
 * The page is JSON bytes already (change-feed.service.ts, ChangePageJson), of the shape the response schema
 * documents: sent as they are (Fastify serialises neither a Buffer nor a stream), not parsed and serialised again; a
 * page with items streams (chunked), and a stream that fails after its first bytes ends the response cut short.
 */
const sendJsonText = (reply: FastifyReply, json: ChangePageJson) => reply.type('application/json; charset=utf-8').send(json);

/** The records change feed: how an organization's systems keep a copy of synced records current. */
export const changeFeedRoutes: FastifyPluginAsyncTypebox<{ changeFeed: ChangeFeedService }> = async (app, { changeFeed }) => {
  app.get(
    '/api/orgs/:orgId/integrations/:id/changes',
    {
      config: { access: { action: 'read', subject: 'Record' } },
      schema: {
        operationId: 'listRecordChanges',
        tags: ['change feed'],
        summary: "Records changed in one resource's feed since a cursor, oldest change first",
        description:
          'Follow nextCursor to see every change exactly once, in commit order, even while a run writes the resource; deletions appear as action "deleted". Each call returns the records whose latest change is after `after`, each once with its current state. hasMore says whether to call again at once.',
        params: S.ChangesParams,
        querystring: S.ChangesQuery,
        response: { 200: S.ChangePage, ...commonErrors },
      },
    },
    async (request, reply) =>
      sendJsonText(reply, await changeFeed.changes(request.authedCtx, request.params.orgId, request.params.id, request.query)),
  );
};
