import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { commonErrors, ErrorResponse, OrgParams } from '../../lib/schemas.js';
import { IntegrationParams } from '../integrations/integrations.schemas.js';
import { SyncParams } from '../syncs/syncs.schemas.js';
import type { RunsService } from './runs.service.js';
import * as S from './runs.schemas.js';

const tags = ['runs'];
const conflict = { 409: Type.Ref(ErrorResponse) };

type RunsRoutes = FastifyPluginAsyncTypebox<{ runs: RunsService }>;

/** The runs module's routes: starting runs, following them, their logs, and the records they synced. */
export const runsRoutes: RunsRoutes = async (app, { runs }) => {
  await app.register(runNowRoutes, { runs });
  await app.register(runHistoryRoutes, { runs });
  await app.register(logRoutes, { runs });
  await app.register(recordRoutes, { runs });
};

/** Queueing runs on demand: one sync, every sync of an integration, or every sync of the organization. */
const runNowRoutes: RunsRoutes = async (app, { runs }) => {
  app.post(
    '/api/orgs/:orgId/syncs/:syncId/runs',
    {
      config: { access: { action: 'create', subject: 'Run' } },
      schema: {
        tags,
        summary: 'Run a sync now (409 when a run is already queued or running)',
        params: SyncParams,
        response: { 202: S.RunQueued, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => reply.code(202).send(await runs.runSync(request.authedCtx, request.params.orgId, request.params.syncId)),
  );

  app.post(
    '/api/orgs/:orgId/integrations/:id/sync',
    {
      config: { access: { action: 'create', subject: 'Run' } },
      schema: {
        tags,
        summary: 'Run every enabled sync of the integration now',
        params: IntegrationParams,
        response: { 202: S.RunsQueued, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(202).send(await runs.runMany(request.authedCtx, request.params.orgId, request.params.id)),
  );

  app.post(
    '/api/orgs/:orgId/sync-all',
    {
      config: { access: { action: 'create', subject: 'Run' } },
      schema: {
        tags,
        summary: 'Run every enabled sync of the organization now (paused integrations are skipped)',
        params: OrgParams,
        response: { 202: S.RunsQueued, ...commonErrors },
      },
    },
    async (request, reply) => reply.code(202).send(await runs.runMany(request.authedCtx, request.params.orgId)),
  );
};

/** The organization's runs: status at a glance, the history, one run, and cancelling it. */
const runHistoryRoutes: RunsRoutes = async (app, { runs }) => {
  app.get(
    '/api/orgs/:orgId/sync-status',
    {
      config: { access: { action: 'read', subject: 'Run' } },
      schema: {
        tags,
        summary: 'Sync status at a glance: integrations by status, runs queued and running, failures in the last 24 hours',
        params: OrgParams,
        response: { 200: S.SyncStatus, ...commonErrors },
      },
    },
    async (request) => runs.syncStatus(request.authedCtx, request.params.orgId),
  );

  app.get(
    '/api/orgs/:orgId/onboarding',
    {
      config: { access: { action: 'read', subject: 'Run' } },
      schema: {
        tags,
        summary: "The first-run checklist: integration added, connected, a sync created, a first run (each from the organization's rows)",
        params: OrgParams,
        response: { 200: S.Onboarding, ...commonErrors },
      },
    },
    async (request) => runs.onboarding(request.authedCtx, request.params.orgId),
  );

  app.get(
    '/api/orgs/:orgId/runs',
    {
      config: { access: { action: 'read', subject: 'Run' } },
      schema: {
        tags,
        summary: 'Sync history, newest first',
        params: OrgParams,
        querystring: S.RunsQuery,
        response: { 200: S.RunList, ...commonErrors },
      },
    },
    async (request) => runs.list(request.authedCtx, request.params.orgId, request.query),
  );

  app.get(
    '/api/orgs/:orgId/runs/:runId',
    {
      config: { access: { action: 'read', subject: 'Run' } },
      schema: { tags, summary: 'One run with its stats', params: S.RunParams, response: { 200: S.Run, ...commonErrors } },
    },
    async (request) => runs.get(request.authedCtx, request.params.orgId, request.params.runId),
  );

  app.post(
    '/api/orgs/:orgId/runs/:runId/cancel',
    {
      config: { access: { action: 'update', subject: 'Run' } },
      schema: {
        tags,
        summary: 'Cancel a queued run, or ask a running one to stop after its current batch',
        params: S.RunParams,
        response: { 200: S.Run, ...commonErrors, ...conflict },
      },
    },
    async (request) => runs.cancel(request.authedCtx, request.params.orgId, request.params.runId),
  );

  app.post(
    '/api/orgs/:orgId/runs/:runId/retry',
    {
      config: { access: { action: 'create', subject: 'Run' } },
      schema: {
        operationId: 'retryRun',
        tags,
        summary:
          'Run a failed or cancelled run again: a new run of the same sync with trigger "retry" (409 while it is active, after it succeeded, or while another run of the sync is active)',
        params: S.RunParams,
        response: { 202: S.RunQueued, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => reply.code(202).send(await runs.retry(request.authedCtx, request.params.orgId, request.params.runId)),
  );
};

/** Sync logs: one run's, or the whole organization's. */
const logRoutes: RunsRoutes = async (app, { runs }) => {
  app.get(
    '/api/orgs/:orgId/runs/:runId/logs',
    {
      config: { access: { action: 'read', subject: 'Log' } },
      schema: {
        tags,
        summary: "A run's log, oldest first (filter: level and above)",
        params: S.RunParams,
        querystring: S.RunLogsQuery,
        response: { 200: S.LogList, ...commonErrors },
      },
    },
    async (request) => runs.logs(request.authedCtx, request.params.orgId, { ...request.query, runId: request.params.runId }),
  );

  app.get(
    '/api/orgs/:orgId/logs',
    {
      config: { access: { action: 'read', subject: 'Log' } },
      schema: {
        tags,
        summary: "The organization's sync logs, newest first (filters: integration, level, text, time)",
        params: OrgParams,
        querystring: S.OrgLogsQuery,
        response: { 200: S.LogList, ...commonErrors },
      },
    },
    async (request) => runs.logs(request.authedCtx, request.params.orgId, request.query),
  );
};

/** The records runs have synced, read back per integration. */
const recordRoutes: RunsRoutes = async (app, { runs }) => {
  app.get(
    '/api/orgs/:orgId/integrations/:id/records',
    {
      config: { access: { action: 'read', subject: 'Record' } },
      schema: {
        tags,
        summary: 'Synced records of an integration (filter: resource)',
        params: IntegrationParams,
        querystring: S.RecordsQuery,
        response: { 200: S.RecordList, ...commonErrors },
      },
    },
    async (request) => runs.records(request.authedCtx, request.params.orgId, request.params.id, request.query),
  );

  app.get(
    '/api/orgs/:orgId/integrations/:id/record-paths',
    {
      config: { access: { action: 'read', subject: 'Record' } },
      schema: {
        tags,
        summary: "Field paths seen in a resource's most recently synced records (the mapping editor's suggestions)",
        params: IntegrationParams,
        querystring: S.RecordPathsQuery,
        response: { 200: S.RecordPaths, ...commonErrors },
      },
    },
    async (request) => runs.recordPaths(request.authedCtx, request.params.orgId, request.params.id, request.query.resource),
  );
};
