import type { Db } from '../../../../db/client.js';
import type { ConflictResolution, RunWriteRow, SyncRow, SyncRunRow } from '../../../../db/schema.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { canonicalJson } from '../../lib/canonical-json.js';
import { countPushWrites } from '../../lib/metrics.js';
import * as push from '../push/push.port.js';
import * as runs from '../runs/runs.port.js';
import type { ApplyOptions, CompiledMappings } from '../syncs/mappings.js';
import { ConnectorError } from './connector-errors.js';
import { contentHash, markRecordDeleted, readBases, upsertRecords, type StoredBase } from './records-writer.js';
import type { ProviderVersion, ProviderWriter } from './rest-writer.js';

/**
 * A push run: works through the run's pending writes (stored with the push request: the outbox) in order, in slices
 * of up to BATCH writes. Per slice: one transaction reads the writes and the base version of every record they touch;
 * the provider requests go out WRITES_IN_FLIGHT at a time; one transaction then stores every outcome, the records as
 * the provider now has them (the new bases) and the run's counters. Slices overlap: while one slice is recorded (and
 * the cancel check runs), the next one's requests are already out, and the slice after that is read while they are,
 * so the provider requests do not stop for the database's bookkeeping. A worker killed meanwhile leaves at most those
 * two slices' unrecorded writes pending; the run taken over sends them again with the same provider idempotency key
 * (an update whose record the provider already holds as pushed is recorded as applied without sending it again).
 * A write the provider could not deduplicate (a POST without an idempotency key: HubSpot's create) is recorded on its
 * own as soon as it is answered, as before slices, so a crash repeats at most that one. A cancel (or a failed record)
 * noticed while a slice is out sends none of its writes not yet started; the answered ones are recorded.
 *
 * Order: a slice never holds two writes of one record (it ends before the second), nor a write of a record of the
 * slice before it that may not be recorded yet (it ends there too; such a write waits for that record), so a later
 * write of a record is sent after the earlier one is recorded and checked against it; writes of different records
 * go out concurrently.
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
  /** Called after every slice of writes is recorded: a user's cancel stops the run there. */
  afterWrites: () => Promise<void>;
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
  /** The write is a delete: the organization's version is "deleted" (`local` is {}). */
  localDeleted?: boolean;
}

type Data = Record<string, unknown>;
/**
 * Writes per slice: read together, recorded together. Each slice costs a fixed few round trips to Postgres (its
 * read, its record, the cancel check) whatever its size; a crash re-sends at most a slice (idempotently).
 */
const BATCH = 250;
/** Provider requests one push run has in flight at once (the push benchmark's bare loop uses the same). */
export const WRITES_IN_FLIGHT = 4;

/** A write's outcome as the slice's transaction records it. */
interface Done {
  write: RunWriteRow;
  outcome: push.WriteOutcome;
  counts: Counts;
  /** The record as the provider now has it: stored as the new base. */
  version?: ProviderVersion | null;
  deleted?: boolean;
  /** Manual strategy: a conflict to open (its id goes into the outcome). */
  conflict?: OpenConflict;
}

export async function executePush(ctx: PushContext): Promise<void> {
  let after: Cursor | null = null;
  let slice = await readSlice(ctx, after, null);
  // The previous slice's record and cancel check (afterWrites), running while this slice's requests are out.
  let previous: Promise<void> = Promise.resolve();
  while (slice.writes.length > 0) {
    const sending = sendSlice(ctx, slice.writes, slice.baseOf);
    const last = slice.writes[slice.writes.length - 1];
    after = { runId: last.run_id, position: last.position };
    let failure: { error: unknown } | null = null;
    let next: Slice | null = null;
    try {
      await previous;
      // Read while this slice is out: its records are left out of the next one (busy), whose bases it cannot change.
      next = await readSlice(ctx, after, new Set(slice.writes.flatMap((w) => (w.external_id ? [w.external_id] : []))));
    } catch (err) {
      failure = { error: err };
      sending.halt();
    }
    await sending.finished;
    if (failure || sending.stop !== null) {
      // What was answered is recorded even when the run stops here.
      await record(ctx, sending.done);
      throw failure ? failure.error : sending.stop;
    }
    previous = record(ctx, sending.done).then(() => ctx.afterWrites());
    previous.catch(() => {}); // awaited (and thrown) at the next slice or the end; not an unhandled rejection meanwhile
    slice = next!;
    if (slice.writes.length === 0 && slice.blocked) {
      // The next pending write is of a record the slice just sent: it waits for that one to be recorded.
      await previous;
      previous = Promise.resolve();
      slice = await readSlice(ctx, after, null);
    }
  }
  await previous;
}

type Cursor = { runId: string; position: number };

interface Slice {
  writes: RunWriteRow[];
  baseOf: (externalId: string) => StoredBase | null;
  /** Writes were pending but the first was of a busy record (one still being sent or recorded). */
  blocked: boolean;
}

/**
 * One transaction: the next pending writes after `after` (up to BATCH, never two of one record, none of a `busy`
 * record) and the base version of every record they update or delete.
 */
async function readSlice(ctx: PushContext, after: Cursor | null, busy: ReadonlySet<string> | null): Promise<Slice> {
  const { db, run } = ctx;
  const read = await inScope(db, { org: run.organization_id }, async (tx) => {
    const pending =
      ctx.writes === 'sync'
        ? await push.pendingChangesOfSync(tx, ctx.sync.id, after, BATCH)
        : await push.pendingWrites(tx, run.id, after?.position ?? -1, BATCH);
    const writes = withoutRepeats(pending, busy);
    const ids = writes.flatMap((w) => (w.op !== 'create' && w.external_id && !ctx.bases?.has(w.external_id) ? [w.external_id] : []));
    return { writes, blocked: pending.length > 0 && writes.length === 0, bases: await readBases(tx, target(ctx), ids) };
  });
  const baseOf = (externalId: string): StoredBase | null =>
    ctx.bases?.has(externalId) ? ctx.bases.get(externalId)! : (read.bases.get(externalId) ?? null);
  return { writes: read.writes, blocked: read.blocked, baseOf };
}

/** The writes up to (not including) the first one of a busy record or the second one of a record in the slice. */
function withoutRepeats(writes: RunWriteRow[], busy: ReadonlySet<string> | null): RunWriteRow[] {
  const seen = new Set<string>();
  for (const [i, w] of writes.entries()) {
    if (!w.external_id) continue;
    if (seen.has(w.external_id) || busy?.has(w.external_id)) return writes.slice(0, i);
    seen.add(w.external_id);
  }
  return writes;
}

interface Sending {
  /** Outcomes to record together (repeatable writes). */
  done: Done[];
  /** The error that stopped the slice (the run's abort, a failed record of a non-repeatable write); null if none. */
  stop: unknown;
  /** Sends no further write (those in flight are answered and kept in `done`). */
  halt(): void;
  finished: Promise<void>;
}

/**
 * Sends a slice's writes, WRITES_IN_FLIGHT at a time; the caller records their outcomes in one transaction. A write
 * that cannot be repeated safely is recorded in its own transaction, at once.
 */
function sendSlice(ctx: PushContext, writes: RunWriteRow[], baseOf: (externalId: string) => StoredBase | null): Sending {
  let next = 0;
  let halted = false;
  const sending: Sending = {
    done: [],
    stop: null,
    halt: () => {
      halted = true;
    },
    finished: Promise.resolve(),
  };
  const lane = async () => {
    while (sending.stop === null && !halted && next < writes.length) {
      const write = writes[next++];
      try {
        const outcome = await executeWrite(ctx, write, baseOf);
        if (ctx.writer.repeatable?.(write.op)) sending.done.push(outcome);
        else await record(ctx, [outcome]);
      } catch (err) {
        sending.stop ??= err;
      }
    }
  };
  sending.finished = Promise.all(Array.from({ length: Math.min(WRITES_IN_FLIGHT, writes.length) }, lane)).then(() => {});
  return sending;
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
      // The batch's bases in one query (a record Linkyard does not hold live has none: null).
      const ids = [
        ...new Set(batch.flatMap((w) => (w.op === 'update' && w.external_id && !bases.has(w.external_id) ? [w.external_id] : []))),
      ];
      const found = await readBases(tx, { integrationId: sync.integration_id, resource: sync.resource }, ids);
      for (const id of ids) bases.set(id, found.get(id) ?? null);
      const last = batch[batch.length - 1];
      after = { runId: last.run_id, position: last.position };
    }
    return any ? bases : null;
  });
}

/** One write, sent: its outcome to record. Never throws (a provider rejecting one record fails that record only) but
 * for the run's abort. */
async function executeWrite(ctx: PushContext, write: RunWriteRow, baseOf: (externalId: string) => StoredBase | null): Promise<Done> {
  const extra: Counts = {};
  try {
    if (write.op === 'create') return await create(ctx, write);
    if (write.op === 'delete') return await remove(ctx, write, baseOf(write.external_id!));
    return await update(ctx, write, baseOf(write.external_id!), extra);
  } catch (err) {
    if (ctx.run && err instanceof Error && err.name === 'AbortError') throw err;
    const message =
      err instanceof ConnectorError ? err.message.slice(0, 1000) : 'The write failed unexpectedly; the details are in the server log';
    if (!(err instanceof ConnectorError)) ctx.log('warn', `Record ${write.position + 1}: ${err instanceof Error ? err.message : 'error'}`);
    return { write, outcome: { status: 'failed', error: message }, counts: { ...extra, failed: 1 } };
  }
}

async function create(ctx: PushContext, write: RunWriteRow): Promise<Done> {
  // A field the record leaves out is left out (the provider's default), not sent as null; an explicit null is sent.
  const fields = providerFields(ctx.outbound, write.data as Data, { omitAbsent: true });
  const result = await ctx.writer.write({ op: 'create', fields, idempotencyKey: write.idempotency_key });
  // CalDAV: an event with the record's UID exists already (If-None-Match: *); nothing was written.
  if (result.outcome === 'conflict') return { write, outcome: { status: 'conflict', error: result.message }, counts: { conflicts: 1 } };
  if (result.outcome !== 'applied' || !result.externalId)
    throw new ConnectorError('invalid_response', 'The provider did not create the record', false);
  const version = result.version?.record ? result.version : await ctx.writer.read(result.externalId);
  return { write, outcome: { status: 'applied', externalId: result.externalId }, counts: { pushed: 1, created: 1 }, version };
}

/**
 * A delete is not re-read first: it wins unless the provider refuses its precondition (409/412: the record changed
 * since the base ETag). Then the record is re-read and the strategy decides, as for an update: `manual` opens a
 * conflict over the delete (its local side is "deleted"); `source` keeps the provider's version (the new base);
 * `latest` and `merge` (a delete has no fields to merge) give it to the later change: ours deletes over the version
 * just read, theirs is kept. Re-read as gone, the record was deleted meanwhile: the delete is done.
 */
async function remove(ctx: PushContext, write: RunWriteRow, base: StoredBase | null, extra: Counts = {}): Promise<Done> {
  const externalId = write.external_id!;
  const result = await ctx.writer.write({ op: 'delete', externalId, etag: base?.etag ?? null, idempotencyKey: write.idempotency_key });
  if (result.outcome !== 'conflict')
    return { write, outcome: { status: 'applied' }, counts: { ...extra, pushed: 1, deleted: 1 }, deleted: true };
  const refused: Done = { write, outcome: { status: 'conflict', error: result.message }, counts: { ...extra, conflicts: 1 } };
  // Without a base or a way to read the record there is nothing to decide with; a refused strategy delete ends here too.
  if (!base || !ctx.writer.canRead || extra.conflicts) return refused;
  const remote = await ctx.writer.read(externalId);
  if (!remote) return { write, outcome: { status: 'applied' }, counts: { pushed: 1, deleted: 1 }, deleted: true };
  const remoteData = mapped(ctx.inbound, remote);
  const strategy: ConflictResolution = ctx.sync.conflict_resolution;
  if (strategy === 'manual') {
    return {
      write,
      outcome: { status: 'conflict', error: 'Changed at the provider since it was read: a conflict was opened over the delete' },
      counts: { conflicts: 1 },
      conflict: {
        sync: ctx.sync,
        runId: ctx.run.id,
        externalId,
        base: base.data,
        local: {},
        remote: remoteData,
        remoteVersion: remote,
        localDeleted: true,
      },
    };
  }
  if (strategy !== 'source' && isLocalLater(write.changed_at, remote.updatedAt)) {
    // Ours is the later change: deleted over the version just read (refused again: recorded as a conflict).
    return remove(ctx, write, { ...base, etag: remote.etag }, { conflicts: 1 });
  }
  return {
    write,
    outcome: {
      status: 'skipped',
      error: `Changed at the provider since it was read; the provider's version was kept (conflictResolution: ${strategy})`,
    },
    counts: { skipped: 1, conflicts: 1 },
    version: remote,
  };
}

async function update(ctx: PushContext, write: RunWriteRow, base: StoredBase | null, extra: Counts): Promise<Done> {
  const externalId = write.external_id!;
  const pushed = write.data as Data;
  const local = { ...(base?.data ?? {}), ...pushed };
  // A provider that checks the base ETag itself (CalDAV's If-Match) is not asked first: its 412 is the conflict.
  const reRead = base !== null && ctx.writer.canRead && !(ctx.writer.checksVersion && base.etag);
  const remote = reRead ? await ctx.writer.read(externalId) : null;
  if (reRead && !remote) {
    return { write, outcome: { status: 'failed', error: 'The record no longer exists at the provider' }, counts: { failed: 1 } };
  }
  const remoteData = remote ? mapped(ctx.inbound, remote) : null;
  if (base && remote && remoteData && changedSince(base, remote, remoteData)) {
    // The provider already holds every field this write sets: not a change on both sides but this write itself,
    // applied by a worker killed before it could record the answer (or the same change made at the provider).
    // Taken as done, with the provider's version as the new base; sending it again would change nothing.
    if (Object.keys(changedFields(ctx.outbound, remoteData, { ...remoteData, ...pushed })).length === 0) {
      const changes = Object.keys(changedFields(ctx.outbound, base.data, local)).length > 0;
      return changes
        ? { write, outcome: { status: 'applied' }, counts: { pushed: 1, updated: 1 }, version: remote }
        : { write, outcome: { status: 'skipped', error: 'Nothing to change' }, counts: { skipped: 1 }, version: remote };
    }
    return resolveConflict(ctx, write, base, local, remote, remoteData, extra);
  }
  // Only what the organization changed is sent (relative to the base), so fields it did not touch are left alone.
  const fields = changedFields(ctx.outbound, base?.data ?? null, local);
  const onRefusal: OnRefusal = base && ctx.writer.canRead ? { then: 'strategy', base, local } : { then: 'record' };
  return send(ctx, write, externalId, fields, base?.etag ?? null, extra, onRefusal);
}

/**
 * What to do when the provider refuses an update's precondition (409/412: the record moved since the ETag sent).
 * `strategy`: re-read it and let the sync's strategy decide, as for a conflict found by re-reading first (the base and
 * the organization's version are what that needs). `record`: the write is recorded as a conflict (counted once, also
 * when the refused write was the strategy's own).
 */
type OnRefusal = { then: 'strategy'; base: StoredBase; local: Data } | { then: 'record' };

/** Writes provider fields as an update and returns the answer; a 409/412 from the provider is a conflict. */
async function send(
  ctx: PushContext,
  write: RunWriteRow,
  externalId: string,
  fields: Data,
  etag: string | null,
  extra: Counts,
  onRefusal: OnRefusal,
): Promise<Done> {
  if (Object.keys(fields).length === 0)
    return { write, outcome: { status: 'skipped', error: 'Nothing to change' }, counts: { ...extra, skipped: 1 } };
  const result = await ctx.writer.write({ op: 'update', externalId, fields, etag, idempotencyKey: write.idempotency_key });
  if (result.outcome === 'conflict') {
    const remote = onRefusal.then === 'strategy' ? await ctx.writer.read(externalId) : null;
    if (onRefusal.then === 'strategy' && remote) {
      return resolveConflict(ctx, write, onRefusal.base, onRefusal.local, remote, mapped(ctx.inbound, remote), extra);
    }
    return { write, outcome: { status: 'conflict', error: result.message }, counts: { ...extra, conflicts: 1 } };
  }
  const version = result.outcome === 'applied' && result.version?.record ? result.version : await ctx.writer.read(externalId);
  return { write, outcome: { status: 'applied' }, counts: { ...extra, pushed: 1, updated: 1 }, version };
}

async function resolveConflict(
  ctx: PushContext,
  write: RunWriteRow,
  base: StoredBase,
  local: Data,
  remote: ProviderVersion,
  remoteData: Data,
  extra: Counts,
): Promise<Done> {
  const strategy: ConflictResolution = ctx.sync.conflict_resolution;
  const localLater = isLocalLater(write.changed_at, remote.updatedAt);
  const externalId = write.external_id!;
  if (strategy === 'manual') {
    return {
      write,
      outcome: { status: 'conflict', error: 'Changed at the provider too: a conflict was opened' },
      counts: { conflicts: 1 },
      conflict: { sync: ctx.sync, runId: ctx.run.id, externalId, base: base.data, local, remote: remoteData, remoteVersion: remote },
    };
  }
  const winner = strategy === 'source' || (strategy === 'latest' && !localLater) ? 'remote' : strategy === 'latest' ? 'local' : 'merge';
  if (winner === 'remote') {
    // Nothing written; the provider's version becomes the stored one (the new base).
    return {
      write,
      outcome: {
        status: 'skipped',
        error: `Changed at the provider too; the provider's version was kept (conflictResolution: ${strategy})`,
      },
      counts: { skipped: 1, conflicts: 1 },
      version: remote,
    };
  }
  const chosen = winner === 'local' ? local : mergeFields(base.data, local, remoteData, localLater);
  extra.conflicts = 1; // counted whatever the write's outcome
  return send(ctx, write, externalId, changedFields(ctx.outbound, remoteData, chosen), remote.etag, extra, { then: 'record' });
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

function providerFields(outbound: CompiledMappings, data: Data, options?: ApplyOptions): Data {
  const { output, errors } = outbound.apply(data, options);
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

/**
 * Records outcomes in one transaction: manual conflicts opened, the writes' outcomes, the records as the provider now
 * has them (the new bases) and the run's counters. A write another worker (that took the run over) already recorded
 * is not counted again.
 */
async function record(ctx: PushContext, done: Done[]): Promise<void> {
  if (done.length === 0) return;
  const opened: string[] = [];
  const counts = await inScope(ctx.db, { org: ctx.run.organization_id }, async (tx) => {
    for (const d of done) {
      if (!d.conflict) continue;
      const id = await ctx.openConflict(tx, d.conflict);
      d.outcome = { ...d.outcome, conflictId: id };
      opened.push(`Record ${d.conflict.externalId}: changed on both sides; conflict ${id} opened`);
    }
    const versions = done.flatMap((d) =>
      d.version?.record
        ? [
            {
              externalId: d.version.externalId,
              data: mapped(ctx.inbound, d.version),
              sourceUpdatedAt: d.version.updatedAt,
              etag: d.version.etag,
            },
          ]
        : [],
    );
    if (versions.length) await upsertRecords(tx, target(ctx), versions);
    for (const d of done) if (d.deleted && d.write.external_id) await markRecordDeleted(tx, target(ctx), d.write.external_id);
    const finished = await push.finishWrites(
      tx,
      done.map((d) => ({ runId: d.write.run_id, position: d.write.position, outcome: d.outcome })),
    );
    const counts: Required<Counts> = { pushed: 0, failed: 0, conflicts: 0, skipped: 0, created: 0, updated: 0, deleted: 0 };
    for (const d of done) {
      if (!finished.has(`${d.write.run_id}:${d.write.position}`)) continue;
      for (const [key, n] of Object.entries(d.counts) as [keyof Counts, number][]) counts[key] += n;
    }
    if (Object.values(counts).some((n) => n > 0)) await runs.addPushProgress(tx, ctx.run.id, counts);
    return counts;
  });
  countPushWrites(counts);
  for (const line of opened) ctx.log('info', line);
}
