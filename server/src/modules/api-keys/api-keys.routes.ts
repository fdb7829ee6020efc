import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { commonErrors } from '../../lib/schemas.js';
import type { ApiKeysService } from './api-keys.service.js';
import * as S from './api-keys.schemas.js';

const tags = ['api-keys'];

/** Organization API keys (Super Admin): machines call the API with `Authorization: Bearer lyk_…`. */
export const apiKeysRoutes: FastifyPluginAsyncTypebox<{ apiKeys: ApiKeysService }> = async (app, { apiKeys }) => {
  app.get(
    '/api/orgs/:orgId/api-keys',
    {
      config: { access: { action: 'read', subject: 'ApiKey' } },
      schema: {
        operationId: 'listApiKeys',
        tags,
        summary: "The organization's API keys, newest first, revoked and expired ones included (Super Admin); never their secrets",
        params: S.ApiKeyOrgParams,
        querystring: S.ApiKeyListQuery,
        response: { 200: S.ApiKeyList, ...commonErrors },
      },
    },
    async (request) => apiKeys.list(request.authedCtx, request.params.orgId, request.query),
  );

  app.post(
    '/api/orgs/:orgId/api-keys',
    {
      config: { access: { action: 'create', subject: 'ApiKey' } },
      schema: {
        operationId: 'createApiKey',
        tags,
        summary: 'Create an API key with a role and an optional expiry (Super Admin); the secret is in this response only',
        params: S.ApiKeyOrgParams,
        body: S.CreateApiKeyBody,
        response: { 201: S.CreatedApiKey, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(201).send(await apiKeys.create(request.personCtx, request.params.orgId, request.body)),
  );

  app.delete(
    '/api/orgs/:orgId/api-keys/:keyId',
    {
      config: { access: { action: 'delete', subject: 'ApiKey' } },
      schema: {
        operationId: 'revokeApiKey',
        tags,
        summary: 'Revoke an API key (Super Admin): it stops working at once on every API instance; revoking twice changes nothing',
        params: S.ApiKeyParams,
        response: { 204: Type.Null({ description: 'Revoked' }), ...commonErrors },
      },
    },
    async (request, reply) => {
      await apiKeys.revoke(request.personCtx, request.params.orgId, request.params.keyId);
      return reply.code(204).send(null);
    },
  );
};
