import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { ConflictRow } from '../../../../db/schema.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import type { Actor, AuthedContext } from '../../lib/context.js';
import { inScope } from '../../lib/db-scope.js';
import { BadRequest, Conflict, NotFound } from '../../lib/errors.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import { recordAudit } from '../audit/audit.service.js';
import { requireIntegration } from '../integrations/integrations.port.js';
import * as syncs from '../syncs/syncs.port.js';
import { conflictFields, type WriteResolution } from './conflicts.port.js';
import * as repo from './conflicts.repo.js';
import type * as S from './conflicts.schemas.js';

export type ConflictView = Static<typeof S.ConflictView>;
export type ConflictsQuery = Static<typeof S.ConflictsQuery>;
export type ResolveBody = Static<typeof S.ResolveBody>;
type Data = Record<string, unknown>;

export interface ConflictsServiceDeps {
  db: Db;
  writeResolution: WriteResolution;
}

/**
 * Conflicts (API.md, Two-way sync): records changed on both sides under the `manual` strategy, listed for people
 * and resolved by them. A resolution writes the chosen version to the provider with the push's checks; if the
 * provider's record moved again meanwhile, nothing is written, the conflict shows the provider's newest version
 * and the answer is a 409 asking to look again.
 */
export function createConflictsService({ db, writeResolution }: ConflictsServiceDeps) {
  async function list(ctx: AuthedContext, orgId: string, q: ConflictsQuery): Promise<Page<ConflictView>> {
    const limit = q.limit ?? 50;
    const c = decodeCursor(q.cursor, ['timestamp', 'uuid']);
    const rows = await inScope(db, { org: orgId }, (tx) =>
      repo.listConflicts(tx, orgId, {
        integrationId: q.integrationId,
        syncId: q.syncId,
        status: q.status,
        before: c ? { createdAt: c[0], id: c[1] } : undefined,
        limit,
      }),
    );
    return toPage(rows, limit, toView, (r) => [r.created_at.toISOString(), r.id]);
  }

  async function get(ctx: AuthedContext, orgId: string, conflictId: string): Promise<ConflictView> {
    const row = await inScope(db, { org: orgId }, (tx) => repo.findConflict(tx, orgId, conflictId));
    if (!row) throw new NotFound('Conflict');
    return toView(row);
  }

  async function resolve(ctx: AuthedContext, orgId: string, conflictId: string, body: ResolveBody): Promise<ConflictView> {
    const { row, sync, integration } = await inScope(db, { org: orgId }, async (tx) => {
      const found = await repo.findConflict(tx, orgId, conflictId);
      if (!found) throw new NotFound('Conflict');
      if (found.status === 'resolved') throw new Conflict('This conflict is already resolved');
      const syncRow = await syncs.findSync(tx, orgId, found.sync_id);
      if (!syncRow) throw new NotFound('Sync');
      return { row: found, sync: syncRow, integration: await requireIntegration(tx, orgId, found.integration_id) };
    });
    const chosen = chosenVersion(row, body);
    const result = await writeResolution({
      remove: row.local_deleted && body.resolution === 'local',
      orgId,
      integration,
      sync,
      conflict: {
        id: row.id,
        externalId: row.external_id,
        runId: row.run_id,
        remoteData: row.remote_data as Data,
        remoteUpdatedAt: row.remote_updated_at,
        remoteEtag: row.remote_etag,
      },
      chosen,
      finish: async (tx) => {
        if (!(await repo.markResolved(tx, row.id, { resolution: body.resolution, resolvedBy: JSON.stringify(resolverOf(ctx.actor)) })))
          return false;
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'conflict.resolved',
          target: { type: 'conflict', id: row.id },
          metadata: { resolution: body.resolution, syncId: row.sync_id, externalId: row.external_id, fields: Object.keys(body.data ?? {}) },
        });
        return true;
      },
    });
    if (result.outcome === 'moved') {
      if (result.remote) await refreshRemote(row, result.remote);
      throw new Conflict(
        "The record changed at the provider again since this conflict was opened, so nothing was written. The conflict now shows the provider's latest version: review it and resolve again",
      );
    }
    return get(ctx, orgId, conflictId);
  }

  async function refreshRemote(row: ConflictRow, remote: { data: Data; updatedAt: string | null; etag: string | null }) {
    await inScope(db, { org: row.organization_id }, (tx) =>
      repo.refreshRemote(tx, row.id, {
        fields: JSON.stringify(conflictFields(row.base_data as Data | null, row.local_data as Data, remote.data)),
        remoteData: JSON.stringify(remote.data),
        remoteUpdatedAt: remote.updatedAt ? new Date(remote.updatedAt) : null,
        remoteEtag: remote.etag,
      }),
    );
  }

  return { list, get, resolve };
}

export type ConflictsService = ReturnType<typeof createConflictsService>;

function resolverOf(actor: Actor) {
  return actor.type === 'user'
    ? { type: 'user' as const, id: actor.userId, email: actor.email }
    : { type: 'api_key' as const, id: actor.apiKeyId, name: actor.name };
}

/** A JSON Pointer segment for a field name (RFC 6901 escapes). */
const pointer = (path: string) => `/data/${path.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * The version a resolution writes, in the organization's field names: the organization's (`local`), none (`remote`:
 * the provider's stays), or (`merged`) the provider's version with each conflicting field set to the value chosen
 * in `data`; a field `data` leaves out takes the side that changed it, and one changed on both sides must be given.
 */
export function chosenVersion(
  row: Pick<ConflictRow, 'fields' | 'local_data' | 'remote_data' | 'local_deleted'>,
  body: ResolveBody,
): Data | null {
  if (body.resolution !== 'merged') {
    if (body.data !== undefined) throw new BadRequest('data goes with the resolution "merged" only', '/data');
    // A conflict over a delete: `local` deletes (the resolver is told so), nothing to write field by field.
    return body.resolution === 'local' && !row.local_deleted ? (row.local_data as Data) : null;
  }
  if (row.local_deleted) {
    throw new BadRequest(
      "This record was deleted on our side, so there are no fields to merge: resolve with local (delete it at the provider) or remote (keep the provider's version)",
      '/resolution',
    );
  }
  if (body.data === undefined)
    throw new BadRequest('A merged resolution needs data: the value chosen for each field changed on both sides', '/data');
  const fields = row.fields as { path: string; base: unknown; local: unknown; remote: unknown }[];
  const known = new Set(fields.map((f) => f.path));
  const unknown = Object.keys(body.data).find((path) => !known.has(path));
  if (unknown !== undefined) throw new BadRequest(`"${unknown}" is not a field of this conflict`, pointer(unknown));
  const merged: Data = { ...(row.remote_data as Data) };
  for (const f of fields) {
    let value: unknown;
    if (Object.hasOwn(body.data, f.path)) value = body.data[f.path];
    else {
      const base = canonicalJson(f.base);
      const localChanged = canonicalJson(f.local) !== base;
      const remoteChanged = canonicalJson(f.remote) !== base;
      if (localChanged && remoteChanged && canonicalJson(f.local) !== canonicalJson(f.remote)) {
        throw new BadRequest(`"${f.path}" changed on both sides: choose its value in data`, pointer(f.path));
      }
      value = localChanged ? f.local : f.remote;
    }
    merged[f.path] = value;
  }
  return merged;
}

function toView(r: ConflictRow): ConflictView {
  return {
    id: r.id,
    syncId: r.sync_id,
    integrationId: r.integration_id,
    resource: r.resource,
    externalId: r.external_id,
    fields: r.fields as ConflictView['fields'],
    localDeleted: r.local_deleted,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    resolvedBy: (r.resolved_by as ConflictView['resolvedBy']) ?? null,
    resolution: r.resolution,
  };
}
