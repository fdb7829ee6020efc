import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { commonErrors, ErrorResponse, OrgParams } from '../../lib/schemas.js';
import type { IntegrationsService } from './integrations.service.js';
import * as S from './integrations.schemas.js';

const tags = ['integrations'];
const conflict = { 409: Type.Ref(ErrorResponse) };
const base = '/api/orgs/:orgId/integrations';

/** The integrations module's routes: the integration resource, then pausing and resuming its schedules. */
export const integrationsRoutes: FastifyPluginAsyncTypebox<{ integrations: IntegrationsService }> = async (app, { integrations }) => {
  await app.register(integrationResourceRoutes, { integrations });
  await app.register(pauseRoutes, { integrations });
};

/** Listing, creating, reading, updating and deleting integrations. */
const integrationResourceRoutes: FastifyPluginAsyncTypebox<{ integrations: IntegrationsService }> = async (app, { integrations }) => {
  app.get(
    base,
    {
      config: { access: { action: 'read', subject: 'Integration' } },
      schema: {
        tags,
        summary: 'Integrations of the organization (filters: provider, status, q)',
        params: OrgParams,
        querystring: S.ListIntegrationsQuery,
        response: { 200: S.IntegrationList, ...commonErrors },
      },
    },
    async (request) => integrations.list(request.authedCtx, request.params.orgId, request.query),
  );

  app.post(
    base,
    {
      config: { access: { action: 'create', subject: 'Integration' } },
      schema: {
        tags,
        summary: 'Create an integration with its own credentials (status INACTIVE until connected or tested)',
        params: OrgParams,
        body: S.CreateIntegrationBody,
        response: { 201: S.Integration, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => reply.code(201).send(await integrations.create(request.authedCtx, request.params.orgId, request.body)),
  );

  app.get(
    `${base}/:id`,
    {
      config: { access: { action: 'read', subject: 'Integration' } },
      schema: {
        tags,
        summary: 'One integration (secrets are never returned)',
        params: S.IntegrationParams,
        response: { 200: S.Integration, ...commonErrors },
      },
    },
    async (request) => integrations.get(request.authedCtx, request.params.orgId, request.params.id),
  );

  app.patch(
    `${base}/:id`,
    {
      config: { access: { action: 'update', subject: 'Integration' } },
      schema: {
        tags,
        summary: 'Update name, credentials (write-only: a new secret replaces the old), scopes or settings',
        params: S.IntegrationParams,
        body: S.UpdateIntegrationBody,
        response: { 200: S.Integration, ...commonErrors, ...conflict },
      },
    },
    async (request) => integrations.update(request.authedCtx, request.params.orgId, request.params.id, request.body),
  );

  app.delete(
    `${base}/:id`,
    {
      config: { access: { action: 'delete', subject: 'Integration' } },
      schema: {
        tags,
        summary: 'Delete an integration with its connection',
        params: S.IntegrationParams,
        response: { 204: Type.Null(), ...commonErrors },
      },
    },
    async (request, reply) => {
      await integrations.remove(request.authedCtx, request.params.orgId, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

/** Pausing an integration stops its schedules firing; resuming starts them again. */
const pauseRoutes: FastifyPluginAsyncTypebox<{ integrations: IntegrationsService }> = async (app, { integrations }) => {
  app.post(
    `${base}/:id/pause`,
    {
      config: { access: { action: 'update', subject: 'Integration' } },
      schema: {
        tags,
        summary: 'Pause: schedules stop firing until resumed',
        params: S.IntegrationParams,
        response: { 200: S.Integration, ...commonErrors },
      },
    },
    async (request) => integrations.pause(request.authedCtx, request.params.orgId, request.params.id),
  );

  app.post(
    `${base}/:id/resume`,
    {
      config: { access: { action: 'update', subject: 'Integration' } },
      schema: {
        tags,
        summary: 'Resume a paused integration',
        params: S.IntegrationParams,
        response: { 200: S.Integration, ...commonErrors, ...conflict },
      },
    },
    async (request) => integrations.resume(request.authedCtx, request.params.orgId, request.params.id),
  );
};
