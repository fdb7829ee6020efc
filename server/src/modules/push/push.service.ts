import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { WriteOp } from '../../../../db/schema.js';
import type { AuthedContext } from '../../lib/context.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { BadRequest, NotFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import { getProvider } from '../../providers/catalog.js';
import { recordAudit } from '../audit/audit.service.js';
import { requireIntegration } from '../integrations/integrations.port.js';
import * as runs from '../runs/runs.port.js';
import type { RunDispatcher } from '../runs/runs.service.js';
import { compileMappings, type FieldMapping } from '../syncs/mappings.js';
import * as syncs from '../syncs/syncs.port.js';
import * as repo from './push.repo.js';
import type * as S from './push.schemas.js';

export type PushBody = Static<typeof S.PushBody>;
export type PushAccepted = Static<typeof S.PushAccepted>;
export type WriteView = Static<typeof S.Write>;

export interface PushServiceDeps {
  db: Db;
  /** Hands the queued push run, once committed, to whoever executes it. */
  dispatcher: RunDispatcher;
}

/** A record of the request as it is queued: the operation, and the provider id it concerns. */
interface QueuedWrite {
  op: WriteOp;
  externalId: string | null;
  data: Record<string, unknown> | null;
}

/**
 * Push (API.md, Two-way sync): `POST …/syncs/:syncId/records` validates every record, then queues a run with trigger
 * "push" whose writes are stored in the same transaction (the outbox: a worker killed mid-push resumes them), and
 * remembers the answer under the request's Idempotency-Key. Nothing is written to the provider here.
 */
export function createPushService({ db, dispatcher }: PushServiceDeps) {
  async function push(ctx: AuthedContext, orgId: string, syncId: string, body: PushBody, key: string | undefined): Promise<PushAccepted> {
    const outcome = await inScope(db, { org: orgId }, async (tx) => {
      const sync = await syncs.findSync(tx, orgId, syncId);
      if (!sync) throw new NotFound('Sync');
      if (key) {
        const first = await repo.findPushRequest(tx, syncId, key);
        if (first) return { answer: first.response as PushAccepted, queued: false };
      }
      if (sync.direction === 'pull') {
        throw new BadRequest('This sync only pulls; set its direction to push or bidirectional to write to the provider', '/records');
      }
      const integration = await requireIntegration(tx, orgId, sync.integration_id);
      const provider = getProvider(integration.provider);
      const resource = provider?.resources.find((r) => r.key === sync.resource);
      if (!resource?.write) throw new BadRequest(`Resource "${sync.resource}" cannot be written to`, '/records');
      const writes = await validateRecords(tx, sync, body, resource.write);

      const runId = uuidv7();
      const requestId = uuidv7();
      const answer: PushAccepted = { runId, accepted: writes.length };
      await runs.insertPushRun(tx, { id: runId, organization_id: orgId, integration_id: sync.integration_id, sync_id: syncId });
      // Claim the key before writing anything else: a concurrent repeat waits here, then returns our answer.
      const claimed = await repo.insertPushRequest(tx, {
        id: requestId,
        organization_id: orgId,
        sync_id: syncId,
        idempotency_key: key ?? null,
        run_id: runId,
        response: JSON.stringify(answer),
      });
      if (!claimed)
        return { answer: (await repo.findPushRequest(tx, syncId, key!))!.response as PushAccepted, queued: false, rollback: true };
      await repo.insertWrites(
        tx,
        writes.map((w, position) => ({
          run_id: runId,
          position,
          organization_id: orgId,
          sync_id: syncId,
          op: w.op,
          external_id: w.externalId,
          data: w.data === null ? null : JSON.stringify(w.data),
          // Deterministic per record: a write retried after a crash sends the same key (Stripe replays it).
          idempotency_key: `linkyard-${requestId}-${position}`,
        })),
      );
      await recordAudit(tx, ctx, {
        organizationId: orgId,
        action: 'sync.push_requested',
        target: { type: 'sync', id: syncId },
        metadata: { runId, records: writes.length, idempotencyKey: key ? true : false },
      });
      return { answer, queued: true };
    });
    if (outcome.queued) dispatcher.dispatch(orgId, outcome.answer.runId);
    return outcome.answer;
  }

  async function listWrites(
    ctx: AuthedContext,
    orgId: string,
    runId: string,
    q: { limit?: number; cursor?: string; status?: WriteView['status'] },
  ): Promise<Page<WriteView>> {
    const limit = q.limit ?? 50;
    const c = decodeCursor(q.cursor, ['integer']);
    return inScope(db, { org: orgId }, async (tx) => {
      if (!(await runs.runExists(tx, orgId, runId))) throw new NotFound('Run');
      const rows = await repo.listWrites(tx, orgId, runId, { afterPosition: c ? c[0] : -1, limit, status: q.status });
      return toPage(
        rows,
        limit,
        (r) => ({ externalId: r.external_id, op: r.op, status: r.status as WriteView['status'], error: r.error }),
        (r) => [r.position],
      );
    });
  }

  return { push, listWrites };
}

/**
 * Every record checked before anything is queued (400 naming the record, nothing written): an id where the operation
 * needs one, a delete naming a record Linkyard holds, data the outbound mappings can turn into provider fields.
 */
async function validateRecords(
  tx: Tx,
  sync: { integration_id: string; resource: string; outbound_mappings: unknown },
  body: PushBody,
  write: { create?: unknown; update?: unknown; delete?: unknown; deleteRefusal?: string },
): Promise<QueuedWrite[]> {
  const outbound = compileMappings(Array.isArray(sync.outbound_mappings) ? (sync.outbound_mappings as FieldMapping[]) : []);
  const deletes = body.records.flatMap((r) => (r.op === 'delete' && r.externalId ? [r.externalId] : []));
  const live = await repo.liveRecordIds(tx, sync.integration_id, sync.resource, deletes);
  return body.records.map((record, i): QueuedWrite => {
    const at = `/records/${i}`;
    const n = `Record ${i + 1}`;
    if (record.op === 'delete') {
      if (!record.externalId) throw new BadRequest(`${n}: a delete needs the externalId of the record to delete`, `${at}/externalId`);
      if (!write.delete)
        throw new BadRequest(`${n}: ${write.deleteRefusal ?? "this resource's records cannot be deleted at the provider"}`, `${at}/op`);
      if (!live.has(record.externalId)) {
        throw new BadRequest(`${n}: "${record.externalId}" is not a record of this sync (or is already deleted)`, `${at}/externalId`);
      }
      return { op: 'delete', externalId: record.externalId, data: null };
    }
    const op: WriteOp = record.externalId ? 'update' : 'create';
    if (!write[op]) throw new BadRequest(`${n}: this resource's records cannot be ${op === 'create' ? 'created' : 'updated'}`, at);
    if (!record.data) throw new BadRequest(`${n}: data is required`, `${at}/data`);
    // An update sends only what changes, so only a create must produce every required provider field.
    const { errors } = outbound.apply(record.data);
    const blocking = op === 'create' ? errors : errors.filter((e) => !/required/i.test(e.message));
    if (blocking.length) {
      throw new BadRequest(`${n}: ${blocking[0].target}: ${blocking[0].message}`, `${at}/data`);
    }
    return { op, externalId: record.externalId ?? null, data: record.data };
  });
}

export type PushService = ReturnType<typeof createPushService>;
