import type { FastifyRequest } from 'fastify';
import { actorKeyOf } from '../../lib/context.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { enforceLimits } from '../../lib/rate-limits.js';
import { commonErrors, OrgParams } from '../../lib/schemas.js';
import type { ExportsService } from './exports.service.js';
import * as S from './exports.schemas.js';

/** Exports are heavy (a full table scan, or a browser render): a few a minute per person is plenty. */
export const EXPORTS_PER_USER_PER_MINUTE = 10;

const File = (description: string) => ({
  description,
  content: {
    'application/json': { schema: Type.String() },
    'text/csv': { schema: Type.String() },
    'application/zip': { schema: Type.String({ format: 'binary' }) },
    'application/pdf': { schema: Type.String({ format: 'binary' }) },
  },
});

export const exportsRoutes: FastifyPluginAsyncTypebox<{ exports: ExportsService; perUserPerMinute?: number }> = async (
  app,
  { exports, perUserPerMinute },
) => {
  const limiter = app.createRateLimit({
    keyGenerator: (req) => `export:${actorKeyOf((req as FastifyRequest).actor)}`,
    max: perUserPerMinute ?? EXPORTS_PER_USER_PER_MINUTE,
    timeWindow: 60_000,
  });
  app.addHook('onClose', async () => exports.close());

  app.get(
    '/api/orgs/:orgId/export',
    {
      // A HEAD would run the whole export to throw the body away.
      exposeHeadRoute: false,
      config: { access: { action: 'export', subject: 'Organization' } },
      schema: {
        tags: ['exports'],
        summary: "Download the organization's data as JSON, CSV (a ZIP for several entities) or a PDF report",
        description:
          "Streamed as an attachment. Dates are inclusive UTC days on each entity's own time column (integrations and syncs: created; runs: queued; logs: logged; records: last changed; audit: recorded). Every export is audited. Rate-limited per user.",
        params: OrgParams,
        querystring: S.ExportQuery,
        response: { 200: File('The export file (Content-Disposition: attachment)'), ...commonErrors },
      },
    },
    async (request, reply) => {
      await enforceLimits(request, [limiter]);
      // The client may go away mid-download: the response closes before it finished.
      const clientGone = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) clientGone.abort();
      });
      let download;
      try {
        download = await exports.start(request.authedCtx, request.params.orgId, request.query, clientGone.signal);
      } catch (err) {
        if (clientGone.signal.aborted) {
          request.log.info('export abandoned: the client went away before it was ready');
          return reply.hijack();
        }
        throw err;
      }
      return (
        reply
          .header('content-type', download.contentType)
          .header('content-disposition', `attachment; filename="${download.filename}"`)
          .header('cache-control', 'no-store')
          // A stream or a Buffer goes out as bytes; the 200 schema only documents the media types.
          .send(download.body as never)
      );
    },
  );
};
