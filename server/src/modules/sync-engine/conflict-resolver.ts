import type { Db } from '../../../../db/client.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { inScope } from '../../lib/db-scope.js';
import { AppError } from '../../lib/errors.js';
import { compileMappings, type CompiledMappings, type FieldMapping } from '../syncs/mappings.js';
import { mappingsOf } from '../syncs/syncs.port.js';
import type { ResolutionResult, ResolutionWrite } from '../conflicts/conflicts.port.js';
import type { OpenWriter } from './connectors.js';
import { ConnectorError } from './connector-errors.js';
import { toFieldMapping } from './execute-run.js';
import { contentHash, markRecordDeleted, upsertRecords } from './records-writer.js';
import type { ProviderVersion } from './rest-writer.js';

type Data = Record<string, unknown>;

/**
 * Writes a conflict's chosen version with the push's checks: the provider's record is re-read first and must still be
 * the version the conflict showed (ETag, else content, else modification time); only the fields that differ from it
 * are sent, with the ETag as precondition where the provider takes one (a 409/412 means it moved in between). The
 * record as the provider then has it becomes the stored base, in the transaction that marks the conflict resolved.
 * The provider call happens before that transaction, never inside one.
 */
export function createConflictResolver({ db, openWriter }: { db: Db; openWriter: OpenWriter }) {
  return async function writeResolution(input: ResolutionWrite): Promise<ResolutionResult> {
    const { orgId, integration, sync, conflict } = input;
    const mappingRows = await inScope(db, { org: orgId }, (tx) => mappingsOf(tx, [sync.id]));
    const inbound = compileMappings(mappingRows.map(toFieldMapping));
    const outbound = compileMappings(Array.isArray(sync.outbound_mappings) ? (sync.outbound_mappings as FieldMapping[]) : []);
    try {
      const writer = await openWriter({ orgId, integration, sync, signal: AbortSignal.timeout(120_000) });
      const current = writer.canRead ? await writer.read(conflict.externalId) : null;
      const target = { organizationId: orgId, integrationId: integration.id, resource: sync.resource };
      // A conflict over a delete resolved with ours: the record goes, at the provider and here.
      const removed = async (written: boolean): Promise<ResolutionResult> => {
        const stored = await inScope(db, { org: orgId }, async (tx) => {
          await markRecordDeleted(tx, target, conflict.externalId);
          return input.finish(tx);
        });
        if (!stored) throw new AppError(409, 'Conflict', 'This conflict was resolved by someone else meanwhile');
        return { outcome: 'resolved', written };
      };
      if (writer.canRead && !current) {
        if (input.remove) return removed(false);
        throw new AppError(409, 'Conflict', 'The record no longer exists at the provider; nothing was written');
      }
      const currentData = current ? inbound.apply(current.record).output : conflict.remoteData;
      if (current && (input.chosen || input.remove) && movedSince(conflict, current, currentData)) {
        return { outcome: 'moved', remote: { data: currentData, updatedAt: current.updatedAt, etag: current.etag } };
      }
      if (input.remove) {
        const result = await writer.write({
          op: 'delete',
          externalId: conflict.externalId,
          etag: current?.etag ?? conflict.remoteEtag,
          idempotencyKey: `linkyard-conflict-${conflict.id}`,
        });
        if (result.outcome === 'conflict') return { outcome: 'moved', remote: null };
        return removed(result.outcome === 'applied');
      }
      let version: ProviderVersion | null = current;
      let written = false;
      if (input.chosen) {
        const fields = changedFields(outbound, currentData, input.chosen);
        if (Object.keys(fields).length > 0) {
          const result = await writer.write({
            op: 'update',
            externalId: conflict.externalId,
            fields,
            etag: current?.etag ?? conflict.remoteEtag,
            // One resolution is one change: a retried request is the same write to a provider that takes keys.
            idempotencyKey: `linkyard-conflict-${conflict.id}`,
          });
          if (result.outcome === 'conflict') return { outcome: 'moved', remote: null };
          if (result.outcome === 'gone')
            throw new AppError(409, 'Conflict', 'The record no longer exists at the provider; nothing was written');
          version = result.version?.record ? result.version : await writer.read(conflict.externalId);
          written = true;
        }
      }
      const stored = await inScope(db, { org: orgId }, async (tx) => {
        if (version?.record) {
          await upsertRecords(tx, { ...target, runId: conflict.runId }, [
            {
              externalId: conflict.externalId,
              data: inbound.apply(version.record).output,
              sourceUpdatedAt: version.updatedAt,
              etag: version.etag,
            },
          ]);
        }
        return input.finish(tx);
      });
      if (!stored) throw new AppError(409, 'Conflict', 'This conflict was resolved by someone else meanwhile');
      return { outcome: 'resolved', written };
    } catch (err) {
      if (err instanceof ConnectorError) throw new AppError(502, 'Bad Gateway', `${integration.name}: ${err.message}`.slice(0, 1000));
      throw err;
    }
  };
}

export type ConflictResolver = ReturnType<typeof createConflictResolver>;

/** Whether the provider's record is no longer the version the conflict showed. */
function movedSince(conflict: ResolutionWrite['conflict'], current: ProviderVersion, currentData: Data): boolean {
  if (conflict.remoteEtag && current.etag) return conflict.remoteEtag !== current.etag;
  if (contentHash(currentData) !== contentHash(conflict.remoteData)) return true;
  const before = conflict.remoteUpdatedAt?.getTime() ?? null;
  return Boolean(before !== null && current.updatedAt && Date.parse(current.updatedAt) !== before);
}

/** The provider fields of `next` that differ from those of `from`. */
function changedFields(outbound: CompiledMappings, from: Data, next: Data): Data {
  const target = outbound.apply(next).output;
  const before = outbound.apply(from).output;
  return Object.fromEntries(Object.entries(target).filter(([key, value]) => canonicalJson(value) !== canonicalJson(before[key] ?? null)));
}
