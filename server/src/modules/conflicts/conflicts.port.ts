/**
 * What the sync engine does with conflicts inside its own transaction: open one (the row and its `conflict.created`
 * event commit with the write's outcome, or not at all). conflicts.repo.ts stays private to this module.
 */
import type { IntegrationRow, SyncRow } from '../../../../db/schema.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import type { Tx } from '../../lib/db-scope.js';
import { uuidv7 } from '../../lib/ids.js';
import * as webhooks from '../webhooks/webhooks.port.js';
import { insertConflict } from './conflicts.repo.js';

type Data = Record<string, unknown>;

export interface ConflictInput {
  orgId: string;
  integrationId: string;
  syncId: string;
  resource: string;
  externalId: string;
  runId: string | null;
  base: Data | null;
  local: Data;
  remote: Data;
  remoteUpdatedAt: string | null;
  remoteEtag: string | null;
  /** The organization deleted the record (a delete the provider refused because the record changed): `local` is {}. */
  localDeleted?: boolean;
}

/**
 * One resolution of a conflict, as the conflicts service hands it to the writer the composition root injects (the sync
 * engine's conflict-resolver.ts; this module does not depend on the engine): the service decides what is chosen, the
 * writer re-reads the record, writes the chosen version if the provider still has the conflict's remote version, and
 * calls `finish` in the transaction that stores the new base.
 */
export interface ResolutionWrite {
  orgId: string;
  integration: IntegrationRow;
  sync: SyncRow;
  conflict: {
    id: string;
    externalId: string;
    runId: string | null;
    /** The provider's version when the conflict was found (or last refreshed), in the organization's field names. */
    remoteData: Data;
    remoteUpdatedAt: Date | null;
    remoteEtag: string | null;
  };
  /** The version to write, in the organization's field names; null keeps the provider's (or, with `remove`, deletes). */
  chosen: Data | null;
  /** A conflict over a delete resolved with `local`: the record is deleted at the provider (`chosen` is null). */
  remove?: boolean;
  /** Marks the conflict resolved (and audits it) in the transaction that stores the new base; false: no longer open. */
  finish: (tx: Tx) => Promise<boolean>;
}

export type ResolutionResult =
  | { outcome: 'resolved'; written: boolean }
  /** The provider's record moved again since the conflict's remote version: nothing written. */
  | { outcome: 'moved'; remote: { data: Data; updatedAt: string | null; etag: string | null } | null };

export type WriteResolution = (input: ResolutionWrite) => Promise<ResolutionResult>;

/** Every top-level field on which any two of the three versions differ, with the three values (null: absent). */
export function conflictFields(base: Data | null, local: Data, remote: Data) {
  const keys = [...new Set([...Object.keys(base ?? {}), ...Object.keys(local), ...Object.keys(remote)])].sort();
  return keys.flatMap((path) => {
    const values = [base?.[path] ?? null, local[path] ?? null, remote[path] ?? null];
    const texts = values.map((v) => canonicalJson(v));
    return texts[0] === texts[1] && texts[1] === texts[2] ? [] : [{ path, base: values[0], local: values[1], remote: values[2] }];
  });
}

export async function openConflict(tx: Tx, c: ConflictInput): Promise<string> {
  const id = uuidv7();
  const fields = conflictFields(c.base, c.local, c.remote);
  await insertConflict(tx, {
    id,
    organization_id: c.orgId,
    integration_id: c.integrationId,
    sync_id: c.syncId,
    resource: c.resource,
    external_id: c.externalId,
    run_id: c.runId,
    fields: JSON.stringify(fields),
    base_data: c.base === null ? null : JSON.stringify(c.base),
    local_data: JSON.stringify(c.local),
    remote_data: JSON.stringify(c.remote),
    remote_updated_at: c.remoteUpdatedAt ? new Date(c.remoteUpdatedAt) : null,
    remote_etag: c.remoteEtag,
    local_deleted: c.localDeleted === true,
  });
  await webhooks.recordEvent(tx, c.orgId, 'conflict.created', {
    conflictId: id,
    syncId: c.syncId,
    integrationId: c.integrationId,
    resource: c.resource,
    externalId: c.externalId,
    runId: c.runId,
    fields: fields.map((f) => f.path),
  });
  return id;
}
