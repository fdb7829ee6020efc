import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { commonErrors, OrgParams } from '../../lib/schemas.js';
import type { AuditService } from './audit.service.js';
import * as S from './audit.schemas.js';

export const auditRoutes: FastifyPluginAsyncTypebox<{ audit: AuditService }> = async (app, { audit }) => {
  app.get(
    '/api/orgs/:orgId/audit',
    {
      config: { access: { action: 'read', subject: 'AuditEvent' } },
      schema: {
        tags: ['audit'],
        summary: "The organization's audit trail, newest first (Admin and above)",
        params: OrgParams,
        querystring: S.OrgAuditQuery,
        response: { 200: S.AuditList, ...commonErrors },
      },
    },
    async (request) => audit.listForOrg(request.authedCtx, request.params.orgId, request.query),
  );

  app.get(
    '/api/platform/audit',
    {
      config: { access: { action: 'read', subject: 'Platform' } },
      schema: {
        tags: ['platform'],
        summary: 'Audit trail across every organization and the platform (Platform Owner)',
        querystring: S.PlatformAuditQuery,
        response: { 200: S.AuditList, ...commonErrors },
      },
    },
    async (request) => audit.listAll(request.authedCtx, request.query),
  );

  app.get(
    '/api/platform/audit/verify',
    {
      config: { access: { action: 'verify', subject: 'AuditEvent' } },
      schema: {
        tags: ['platform'],
        summary: 'Recompute every hash chain and report the first broken link (Platform Owner)',
        response: { 200: S.VerifyResult, ...commonErrors },
      },
    },
    async () => audit.verify(),
  );
};
