import type { Db } from '../../../../db/client.js';
import type { ConflictResolution, RunWriteRow, SyncRow, SyncRunRow } from '../../../../db/schema.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import * as push from '../push/push.port.js';
import * as runs from '../runs/runs.port.js';
import type { CompiledMappings } from '../syncs/mappings.js';
import { ConnectorError } from './connector-errors.js';
import { contentHash, markRecordDeleted, readBase, upsertRecords, type StoredBase } from './records-writer.js';
import type { ProviderVersion, ProviderWriter } from './rest-writer.js';

/**
 * A push run: works through the run's pending writes (stored with the push request: the outbox) in order, one
 * provider request and one transaction per record. A record's outcome, its stored version and the run's counters
 * commit together, so a worker killed mid-push leaves exactly the unfinished writes pending; the run taken over
 * sends them again with the same provider idempotency key.
 *
 * Conflicts (API.md, Two-way sync): before an update, the provider's current version is re-read and compared with
 * the base Linkyard last read (content hash of the mapped record, `updatedAt`, ETag). If the provider's moved, the
 * sync's strategy decides: `source` keeps the provider's (nothing written), `latest` keeps the later change (the
 * push's arrival against the provider's `updatedAt`), `merge` combines the fields changed on one side and gives a
 * field changed on both to the later change, `manual` opens a conflict (writes nothing).
 */

export interface PushContext {
  db: Db;
  run: SyncRunRow;
  sync: SyncRow;
  writer: ProviderWriter;
  inbound: CompiledMappings;
  outbound: CompiledMappings;
  log: (level: 'info' | 'warn', message: string) => void;
  /** Called after every write: a user's cancel stops the run between records. */
  afterWrite: () => Promise<void>;
  /** Opens a manual conflict in the caller's transaction (conflict row + conflict.created event); returns its id. */
  openConflict: (tx: Tx, conflict: OpenConflict) => Promise<string>;
  /**
   * Whose pending writes: the push run's own (default), or the sync's pending changes — writes left pending by push
   * runs that ended without them — which a bidirectional run writes after its pull (counted on that run).
   */
  writes?: 'run' | 'sync';
  /** The bases read before a bidirectional run's pull (pendingBases): what its pending changes are checked against. */
  bases?: Map<string, StoredBase | null>;
}

export interface OpenConflict {
  sync: SyncRow;
  runId: string;
  externalId: string;
  base: Record<string, unknown> | null;
  local: Record<string, unknown>;
  remote: Record<string, unknown>;
  remoteVersion: ProviderVersion;
}

type Data = Record<string, unknown>;
const BATCH = 100;

export async function executePush(ctx: PushContext): Promise<void> {
  const { db, run } = ctx;
  let after: { runId: string; position: number } | null = null;
  for (;;) {
    const batch = await inScope(db, { org: run.organization_id }, (tx) =>
      ctx.writes === 'sync'
        ? push.pendingChangesOfSync(tx, ctx.sync.id, after, BATCH)
        : push.pendingWrites(tx, run.id, after?.position ?? -1, BATCH),
    );
    if (batch.length === 0) return;
    for (const write of batch) {
      await executeWrite(ctx, write);
      after = { runId: write.run_id, position: write.position };
      await ctx.afterWrite();
    }
  }
}

/**
 * Before a bidirectional run pulls: the sync's pending changes and the base version of each record they update. The
 * pull is about to store the provider's newest version; the changes were made against the older one, so that is what
 * they are checked against (a field the provider changed meanwhile is a conflict, not silently overwritten).
 * Null when there are none (no writer is opened then).
 */
export async function pendingBases(db: Db, orgId: string, sync: SyncRow): Promise<Map<string, StoredBase | null> | null> {
  return inScope(db, { org: orgId }, async (tx) => {
    const bases = new Map<string, StoredBase | null>();
    let any = false;
    let after: { runId: string; position: number } | null = null;
    for (;;) {
      const batch = await push.pendingChangesOfSync(tx, sync.id, after, 1000);
      if (batch.length === 0) break;
      any = true;
      for (const w of batch) {
        if (w.op === 'update' && w.external_id && !bases.has(w.external_id)) {
          bases.set(w.external_id, await readBase(tx, { integrationId: sync.integration_id, resource: sync.resource }, w.external_id));
        }
      }
      const last = batch[batch.length - 1];
      after = { runId: last.run_id, position: last.position };
    }
    return any ? bases : null;
  });
}

/** One write: its outcome never throws past here (a provider rejecting one record fails that record only). */
async function executeWrite(ctx: PushContext, write: RunWriteRow): Promise<void> {
  try {
    if (write.op === 'create') return await create(ctx, write);
    if (write.op === 'delete') return await remove(ctx, write);
    return await update(ctx, write);
  } catch (err) {
    if (ctx.run && err instanceof Error && err.name === 'AbortError') throw err;
    const message =
      err instanceof ConnectorError ? err.message.slice(0, 1000) : 'The write failed unexpectedly; the details are in the server log';
    if (!(err instanceof ConnectorError)) ctx.log('warn', `Record ${write.position + 1}: ${err instanceof Error ? err.message : 'error'}`);
    await commit(ctx, write, { status: 'failed', error: message }, { failed: 1 });
  }
}

async function create(ctx: PushContext, write: RunWriteRow): Promise<void> {
  const fields = providerFields(ctx.outbound, write.data as Data);
  const result = await ctx.writer.write({ op: 'create', fields, idempotencyKey: write.idempotency_key });
  // CalDAV: an event with the record's UID exists already (If-None-Match: *); nothing was written.
  if (result.outcome === 'conflict') return commit(ctx, write, { status: 'conflict', error: result.message }, { conflicts: 1 });
  if (result.outcome !== 'applied' || !result.externalId)
    throw new ConnectorError('invalid_response', 'The provider did not create the record', false);
  const version = result.version?.record ? result.version : await ctx.writer.read(result.externalId);
  await commit(ctx, write, { status: 'applied', externalId: result.externalId }, { pushed: 1, created: 1 }, version);
}

async function remove(ctx: PushContext, write: RunWriteRow): Promise<void> {
  const externalId = write.external_id!;
  const base = await inScope(ctx.db, { org: ctx.run.organization_id }, (tx) => readBase(tx, target(ctx), externalId));
  const result = await ctx.writer.write({ op: 'delete', externalId, etag: base?.etag ?? null, idempotencyKey: write.idempotency_key });
  if (result.outcome === 'conflict') return commit(ctx, write, { status: 'conflict', error: result.message }, { conflicts: 1 });
  await commit(ctx, write, { status: 'applied' }, { pushed: 1, deleted: 1 }, null, true);
}

async function update(ctx: PushContext, write: RunWriteRow): Promise<void> {
  const externalId = write.external_id!;
  const pushed = write.data as Data;
  const base = ctx.bases?.has(externalId)
    ? ctx.bases.get(externalId)!
    : await inScope(ctx.db, { org: ctx.run.organization_id }, (tx) => readBase(tx, target(ctx), externalId));
  const local = { ...(base?.data ?? {}), ...pushed };
  // A provider that checks the base ETag itself (CalDAV's If-Match) is not asked first: its 412 is the conflict.
  const reRead = base !== null && ctx.writer.canRead && !(ctx.writer.checksVersion && base.etag);
  const remote = reRead ? await ctx.writer.read(externalId) : null;
  if (reRead && !remote) {
    return commit(ctx, write, { status: 'failed', error: 'The record no longer exists at the provider' }, { failed: 1 });
  }
  const remoteData = remote ? mapped(ctx.inbound, remote) : null;
  if (base && remote && remoteData && changedSince(base, remote, remoteData)) {
    // The provider already holds every field this write sets: not a change on both sides but this write itself,
    // applied by a worker killed before it could record the answer (or the same change made at the provider).
    // Taken as done, with the provider's version as the new base; sending it again would change nothing.
    if (Object.keys(changedFields(ctx.outbound, remoteData, { ...remoteData, ...pushed })).length === 0) {
      const changes = Object.keys(changedFields(ctx.outbound, base.data, local)).length > 0;
      return changes
        ? commit(ctx, write, { status: 'applied' }, { pushed: 1, updated: 1 }, remote)
        : commit(ctx, write, { status: 'skipped', error: 'Nothing to change' }, { skipped: 1 }, remote);
    }
    return resolveConflict(ctx, write, base, local, remote, remoteData);
  }
  // Only what the organization changed is sent (relative to the base), so fields it did not touch are left alone.
  const fields = changedFields(ctx.outbound, base?.data ?? null, local);
  const onRefusal: OnRefusal = base && ctx.writer.canRead ? { then: 'strategy', base, local } : { then: 'record', counted: false };
  await send(ctx, write, externalId, fields, base?.etag ?? null, onRefusal);
}

/**
 * What to do when the provider refuses an update's precondition (409/412: the record moved since the ETag sent).
 * `strategy`: re-read it and let the sync's strategy decide, as for a conflict found by re-reading first (the base and
 * the organization's version are what that needs). `record`: the write is recorded as a conflict — the strategy's
 * own write was refused (`counted`: its conflict is counted already), or the record cannot be re-read.
 */
type OnRefusal = { then: 'strategy'; base: StoredBase; local: Data } | { then: 'record'; counted: boolean };

/** Writes provider fields as an update and records the answer. */
async function send(
  ctx: PushContext,
  write: RunWriteRow,
  externalId: string,
  fields: Data,
  etag: string | null,
  onRefusal: OnRefusal,
): Promise<void> {
  if (Object.keys(fields).length === 0) return commit(ctx, write, { status: 'skipped', error: 'Nothing to change' }, { skipped: 1 });
  const result = await ctx.writer.write({ op: 'update', externalId, fields, etag, idempotencyKey: write.idempotency_key });
  if (result.outcome === 'conflict') {
    const remote = onRefusal.then === 'strategy' ? await ctx.writer.read(externalId) : null;
    if (onRefusal.then === 'strategy' && remote) {
      return resolveConflict(ctx, write, onRefusal.base, onRefusal.local, remote, mapped(ctx.inbound, remote));
    }
    const counted = onRefusal.then === 'record' && onRefusal.counted;
    return commit(ctx, write, { status: 'conflict', error: result.message }, counted ? {} : { conflicts: 1 });
  }
  const version = result.outcome === 'applied' && result.version?.record ? result.version : await ctx.writer.read(externalId);
  await commit(ctx, write, { status: 'applied' }, { pushed: 1, updated: 1 }, version);
}

async function resolveConflict(
  ctx: PushContext,
  write: RunWriteRow,
  base: StoredBase,
  local: Data,
  remote: ProviderVersion,
  remoteData: Data,
): Promise<void> {
  const strategy: ConflictResolution = ctx.sync.conflict_resolution;
  const localLater = isLocalLater(write.changed_at, remote.updatedAt);
  const externalId = write.external_id!;
  if (strategy === 'manual') {
    const conflictId = await inScope(ctx.db, { org: ctx.run.organization_id }, async (tx) => {
      const id = await ctx.openConflict(tx, {
        sync: ctx.sync,
        runId: ctx.run.id,
        externalId,
        base: base.data,
        local,
        remote: remoteData,
        remoteVersion: remote,
      });
      await finish(
        tx,
        ctx,
        write,
        { status: 'conflict', conflictId: id, error: 'Changed at the provider too: a conflict was opened' },
        { conflicts: 1 },
      );
      return id;
    });
    ctx.log('info', `Record ${externalId}: changed on both sides; conflict ${conflictId} opened`);
    return;
  }
  const winner = strategy === 'source' || (strategy === 'latest' && !localLater) ? 'remote' : strategy === 'latest' ? 'local' : 'merge';
  if (winner === 'remote') {
    // Nothing written; the provider's version becomes the stored one (the new base).
    return commit(
      ctx,
      write,
      { status: 'skipped', error: `Changed at the provider too; the provider's version was kept (conflictResolution: ${strategy})` },
      { skipped: 1, conflicts: 1 },
      remote,
    );
  }
  const chosen = winner === 'local' ? local : mergeFields(base.data, local, remoteData, localLater);
  await countConflict(ctx);
  await send(ctx, write, externalId, changedFields(ctx.outbound, remoteData, chosen), remote.etag, { then: 'record', counted: true });
}

async function countConflict(ctx: PushContext): Promise<void> {
  await inScope(ctx.db, { org: ctx.run.organization_id }, (tx) => runs.addPushProgress(tx, ctx.run.id, { conflicts: 1 }));
}

/**
 * Field-level three-way merge against the base: a field changed on one side only takes that side's value; a field
 * changed on both (to different values) goes to the later change. Fields are the record's top-level names.
 */
export function mergeFields(base: Data | null, local: Data, remote: Data, localLater: boolean): Data {
  const merged: Data = {};
  for (const key of new Set([...Object.keys(base ?? {}), ...Object.keys(local), ...Object.keys(remote)])) {
    const b = canonicalJson(base?.[key] ?? null);
    const localChanged = canonicalJson(local[key] ?? null) !== b;
    const remoteChanged = canonicalJson(remote[key] ?? null) !== b;
    const value = localChanged && (!remoteChanged || localLater) ? local[key] : remote[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/** The local change is the push's arrival; a provider without modification times dates its change when it was seen (now). */
function isLocalLater(changedAt: Date, remoteUpdatedAt: string | null): boolean {
  const remoteMs = remoteUpdatedAt ? Date.parse(remoteUpdatedAt) : Date.now();
  return changedAt.getTime() > remoteMs;
}

/** Whether the provider's version moved since the base: content, modification time or ETag. */
function changedSince(base: StoredBase, remote: ProviderVersion, remoteData: Data): boolean {
  if (base.etag && remote.etag) return base.etag !== remote.etag;
  if (contentHash(remoteData) !== base.contentHash) return true;
  return Boolean(base.updatedAt && remote.updatedAt && Date.parse(base.updatedAt) !== Date.parse(remote.updatedAt));
}

function mapped(inbound: CompiledMappings, version: ProviderVersion): Data {
  return inbound.apply(version.record).output;
}

function providerFields(outbound: CompiledMappings, data: Data): Data {
  const { output, errors } = outbound.apply(data);
  if (errors.length) throw new ConnectorError('unsupported', `${errors[0].target}: ${errors[0].message}`, false);
  return output;
}

/** The provider fields of `next` that differ from those of `from` (all of them when there is no `from`). */
function changedFields(outbound: CompiledMappings, from: Data | null, next: Data): Data {
  const target = outbound.apply(next).output;
  if (!from) return target;
  const before = outbound.apply(from).output;
  return Object.fromEntries(Object.entries(target).filter(([key, value]) => canonicalJson(value) !== canonicalJson(before[key] ?? null)));
}

function target(ctx: PushContext) {
  return {
    organizationId: ctx.run.organization_id,
    integrationId: ctx.sync.integration_id,
    resource: ctx.sync.resource,
    runId: ctx.run.id,
  };
}

type Counts = Parameters<typeof runs.addPushProgress>[2];

/** The write's outcome, the record as the provider now has it (the new base) and the counters: one transaction. */
async function commit(
  ctx: PushContext,
  write: RunWriteRow,
  outcome: push.WriteOutcome,
  counts: Counts,
  version?: ProviderVersion | null,
  deleted = false,
): Promise<void> {
  await inScope(ctx.db, { org: ctx.run.organization_id }, async (tx) => {
    if (version?.record) {
      await upsertRecords(tx, target(ctx), [
        { externalId: version.externalId, data: mapped(ctx.inbound, version), sourceUpdatedAt: version.updatedAt, etag: version.etag },
      ]);
    }
    if (deleted && write.external_id) await markRecordDeleted(tx, target(ctx), write.external_id);
    await finish(tx, ctx, write, outcome, counts);
  });
}

async function finish(tx: Tx, ctx: PushContext, write: RunWriteRow, outcome: push.WriteOutcome, counts: Counts): Promise<void> {
  // Another worker that took the run over may have finished this write: count it once (on the run writing it).
  if (await push.finishWrite(tx, write.run_id, write.position, outcome)) await runs.addPushProgress(tx, ctx.run.id, counts);
}
