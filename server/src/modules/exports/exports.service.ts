import { finished, Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../../db/client.js';
import { subject } from '../../lib/ability.js';
import { actorLabelOf, type AuthedContext } from '../../lib/context.js';
import { inScope } from '../../lib/db-scope.js';
import { Forbidden, NotFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import { csvFile, csvZip } from './csv-export.js';
import { ENTITY_NAMES, EXPORTERS, type EntityName } from './export-entities.js';
import { parseExportQuery, type ExportQuery } from './export-query.js';
import { ExportRun, STREAM_HIGH_WATER_MARK, type ExportOutcome, type ExportPlan } from './export-run.js';
import * as repo from './exports.repo.js';
import { jsonExport } from './json-export.js';
import type { PdfRenderer } from './pdf-browser.js';
import { buildReport } from './pdf-report.js';

/**
 * Exports of one organization's data (docs/api.md, Exports): validates the request, works out what the caller
 * may export, starts the streaming writer for the format, and audits every export once it ends —
 * completed, aborted by the client, or failed — with who, what, range, format and row counts.
 */
export interface ExportDownload {
  filename: string;
  contentType: string;
  body: Readable | Buffer;
}

export const EXPORT_AUDIT_ACTION = 'organization.exported';

const CONTENT_TYPES = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  zip: 'application/zip',
  pdf: 'application/pdf',
};

export interface ExportsServiceDeps {
  db: Db;
  logger: FastifyBaseLogger;
  /** Renders PDF reports in the shared headless browser; closed with the service. */
  renderer: PdfRenderer;
}

export function createExportsService({ db, logger, renderer }: ExportsServiceDeps) {
  async function audit(ctx: AuthedContext, run: ExportRun, outcome: ExportOutcome, error?: unknown): Promise<void> {
    const { plan } = run;
    const log = {
      orgId: plan.organization.id,
      format: plan.format,
      entities: plan.entities,
      rowCounts: run.counts,
      requestId: ctx.requestId,
    };
    if (outcome === 'aborted') logger.info(log, 'export aborted: the client went away; stopped reading');
    if (outcome === 'failed') logger.error({ ...log, err: error }, 'export failed');
    await inScope(db, { org: plan.organization.id }, (tx) =>
      recordAudit(tx, ctx, {
        organizationId: plan.organization.id,
        action: EXPORT_AUDIT_ACTION,
        target: { type: 'organization', id: plan.organization.id },
        metadata: {
          outcome,
          format: plan.format,
          entities: plan.entities,
          startDate: plan.startDate,
          endDate: plan.endDate,
          rowCounts: run.counts,
          ...run.details,
        },
      }),
    );
  }

  /** Ends the run when its stream ends early: the client went away (aborted) or a writer failed. */
  function watch(body: Readable, run: ExportRun) {
    finished(body, (err) => {
      if (!err || run.ended) return;
      const outcome = (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE' ? 'aborted' : 'failed';
      run.end(outcome, err).catch((auditErr) => logger.error({ err: auditErr }, 'could not audit an export that ended early'));
    });
  }

  return {
    /**
     * Starts an export. `signal` aborts when the client disconnects: streaming formats stop reading the
     * database at the next chunk, a PDF stops rendering.
     */
    async start(ctx: AuthedContext, orgId: string, query: ExportQuery, signal: AbortSignal): Promise<ExportDownload> {
      // The route checked the export permission; what can be exported is what the caller may read.
      const ability = ctx.actor.ability;
      const selection = parseExportQuery(query);
      const readable = (e: EntityName) => ability.can('read', subject(EXPORTERS[e].subject, { organizationId: orgId }) as never);
      const refused = (selection.entities ?? []).filter((e) => !readable(e));
      if (refused.length) throw new Forbidden(`You may not read ${refused.join(', ')} of this organization, so you cannot export them`);
      const entities = selection.entities ?? ENTITY_NAMES.filter(readable);

      const organization = await inScope(db, { org: orgId }, (tx) => repo.findOrganization(tx, orgId));
      if (!organization) throw new NotFound('Organization');
      const plan: ExportPlan = {
        organization,
        format: selection.format,
        entities,
        startDate: selection.startDate,
        endDate: selection.endDate,
        range: selection.range,
        generatedAt: new Date(),
        generatedBy: actorLabelOf(ctx.actor),
      };
      const run = new ExportRun(plan, (r, outcome, error) => audit(ctx, r, outcome, error));
      const onClientGone = () => {
        if (!run.ended) run.end('aborted').catch((err) => logger.error({ err }, 'could not audit an aborted export'));
      };
      signal.addEventListener('abort', onClientGone, { once: true });

      const name = (ext: string) =>
        `linkyard-${organization.slug.replace(/[^a-z0-9-]/gi, '')}-${plan.startDate ?? 'beginning'}-${plan.endDate ?? plan.generatedAt.toISOString().slice(0, 10)}.${ext}`;

      if (plan.format === 'pdf') {
        try {
          const report = await buildReport(db, plan);
          for (const entity of entities) run.add(entity, report.totals[entity] ?? 0);
          run.details.truncated = report.truncated;
          const pdf = await renderer.render(report.document, run.signal);
          await run.end('completed');
          return { filename: name('pdf'), contentType: CONTENT_TYPES.pdf, body: pdf };
        } catch (err) {
          if (!run.ended)
            await run.end('failed', err).catch((auditErr) => logger.error({ err: auditErr }, 'could not audit a failed export'));
          throw err;
        } finally {
          signal.removeEventListener('abort', onClientGone);
        }
      }

      let body: Readable;
      let filename: string;
      let contentType: string;
      if (plan.format === 'json') {
        body = Readable.from(jsonExport(db, run), { objectMode: false, highWaterMark: STREAM_HIGH_WATER_MARK });
        [filename, contentType] = [name('json'), CONTENT_TYPES.json];
      } else if (entities.length === 1) {
        body = csvFile(db, run);
        [filename, contentType] = [name('csv'), CONTENT_TYPES.csv];
      } else {
        body = csvZip(db, run);
        [filename, contentType] = [name('zip'), CONTENT_TYPES.zip];
      }
      watch(body, run);
      return { filename, contentType, body };
    },

    /** Closes the shared browser (the app's onClose). */
    close: () => renderer.close(),
  };
}

export type ExportsService = ReturnType<typeof createExportsService>;
