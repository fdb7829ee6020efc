import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { commonErrors, OrgParams } from '../../lib/schemas.js';
import { IntegrationParams } from '../integrations/integrations.schemas.js';
import type { SyncsService } from './syncs.service.js';
import * as S from './syncs.schemas.js';

export const syncsRoutes: FastifyPluginAsyncTypebox<{ syncs: SyncsService }> = async (app, { syncs }) => {
  const tags = ['syncs'];

  app.get(
    '/api/orgs/:orgId/integrations/:id/syncs',
    {
      config: { access: { action: 'read', subject: 'Sync' } },
      schema: {
        tags,
        summary: "An integration's syncs",
        params: IntegrationParams,
        querystring: S.ListSyncsQuery,
        response: { 200: S.SyncList, ...commonErrors },
      },
    },
    async (request) => syncs.list(request.authedCtx, request.params.orgId, request.params.id, request.query),
  );

  app.post(
    '/api/orgs/:orgId/integrations/:id/syncs',
    {
      config: { access: { action: 'create', subject: 'Sync' } },
      schema: {
        tags,
        summary: 'Create a sync of one resource: mode, cron schedule in a timezone (or manual), field mappings',
        params: IntegrationParams,
        body: S.CreateSyncBody,
        response: { 201: S.Sync, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await syncs.create(request.authedCtx, request.params.orgId, request.params.id, request.body)),
  );

  app.get(
    '/api/orgs/:orgId/syncs/:syncId',
    {
      config: { access: { action: 'read', subject: 'Sync' } },
      schema: { tags, summary: 'One sync with its mappings', params: S.SyncParams, response: { 200: S.Sync, ...commonErrors } },
    },
    async (request) => syncs.get(request.authedCtx, request.params.orgId, request.params.syncId),
  );

  app.patch(
    '/api/orgs/:orgId/syncs/:syncId',
    {
      config: { access: { action: 'update', subject: 'Sync' } },
      schema: {
        tags,
        summary: 'Change mode, schedule (null: manual only), enabled, or replace the mappings',
        params: S.SyncParams,
        body: S.UpdateSyncBody,
        response: { 200: S.Sync, ...commonErrors },
      },
    },
    async (request) => syncs.update(request.authedCtx, request.params.orgId, request.params.syncId, request.body),
  );

  app.delete(
    '/api/orgs/:orgId/syncs/:syncId',
    {
      config: { access: { action: 'delete', subject: 'Sync' } },
      schema: { tags, summary: 'Delete a sync with its history', params: S.SyncParams, response: { 204: Type.Null(), ...commonErrors } },
    },
    async (request, reply) => {
      await syncs.remove(request.authedCtx, request.params.orgId, request.params.syncId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/orgs/:orgId/syncs/:syncId/mappings/preview',
    {
      config: { access: { action: 'read', subject: 'Sync' } },
      schema: {
        tags,
        summary: "Run the sync's mappings (or `mappings` being edited) on a sample record: output and per-field errors",
        params: S.SyncParams,
        body: S.PreviewBody,
        response: { 200: S.PreviewResult, ...commonErrors },
      },
    },
    async (request) =>
      syncs.preview(request.authedCtx, request.params.orgId, request.params.syncId, request.body.record, request.body.mappings),
  );

  app.get(
    '/api/orgs/:orgId/schedule-preview',
    {
      config: { access: { action: 'read', subject: 'Sync' } },
      schema: {
        tags,
        summary: 'Validate a cron schedule and list its next run times in its timezone (for the cron editor)',
        params: OrgParams,
        querystring: S.ScheduleQuery,
        response: { 200: S.SchedulePreview, ...commonErrors },
      },
    },
    async (request) => syncs.schedulePreview({ cron: request.query.cron, timezone: request.query.timezone }, request.query.count ?? 5),
  );
};
