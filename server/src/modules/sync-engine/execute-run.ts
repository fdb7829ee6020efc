import type { FastifyBaseLogger } from 'fastify';
import type { FieldMappingsTable, SyncRunRow } from '../../../../db/schema.js';
import type { Selectable } from 'kysely';
import { AppError } from '../../lib/errors.js';
import { SafeHttpError } from '../../lib/safe-http/index.js';
import { compileMappings, type CompiledMappings, type FieldMapping } from '../syncs/mappings.js';
import { CalDavError } from './caldav-connector.js';
import { ConnectorError } from './connector-errors.js';
import { classifyRunError } from './error-kinds.js';
import type { OpenWriter } from './connectors.js';
import { executePush, pendingBases, type PushContext } from './push-executor.js';
import * as conflicts from '../conflicts/conflicts.port.js';
import type { OpenSource, SourceLogEntry, SourcePage } from './page-source.js';
import { CANCELLED_BY_USER, type ClaimedRun, type CommittedPage, type RunOutcome, type RunStore } from './run-store.js';
import { prepareRecords, type RecordInput } from './records-writer.js';

export interface ExecuteHooks {
  /**
   * Called after every committed page and on every heartbeat, after the run's heartbeat is saved:
   * the job runner renews its own lock here (Agenda's `job.touch()`). Errors are logged, not thrown.
   */
  onHeartbeat?: () => Promise<void>;
}

export interface RunExecutionDeps {
  store: RunStore;
  openSource: OpenSource;
  logger: FastifyBaseLogger;
  /** How often a claimed run's heartbeat is renewed while it executes. */
  heartbeatMs: number;
}

class RunCancelled extends Error {}

/** Mapping failures logged per page, with their reasons; the rest are only counted. */
const LOGGED_FAILURES_PER_PAGE = 5;

/**
 * Executes one claimed run: pages through the provider, maps each record, commits each page in its own
 * transaction together with the run's counters and resume cursor (so a crash resumes after the last committed
 * page, without duplicates), and records the outcome (run-store.ts). No network call happens inside a transaction.
 */
/**
 * A webhook-triggered run is incremental whatever the sync's mode: the provider has just told us something changed,
 * so the run lists from the sync's cursor (high-water mark or sync token) like a scheduled incremental run, not
 * everything; it never removes records (only a complete full run may). A sync without a cursor yet lists everything.
 */
function runMode(run: SyncRunRow, syncMode: 'full' | 'incremental'): 'full' | 'incremental' {
  return run.trigger === 'webhook' ? 'incremental' : syncMode;
}

export function createRunExecution({ store, openSource, logger, heartbeatMs }: RunExecutionDeps) {
  /** Claims one run and executes it; returns at once when another worker has it, or it was cancelled. */
  async function execute(orgId: string, runId: string, hooks: ExecuteHooks = {}): Promise<void> {
    const claimed = await store.claim(orgId, runId);
    if (claimed) await executePrepared(claimed, hooks);
  }

  /** Executes a run this process claimed (and prepared) with `store.claimOldest`. */
  async function executeClaimed(claimed: ClaimedRun): Promise<void> {
    await executePrepared(claimed, {});
  }

  async function executePrepared(claimed: ClaimedRun, hooks: ExecuteHooks): Promise<void> {
    const { run, sync, integration } = claimed;
    if (!sync || !integration) return store.finish(run, { status: 'failed', error: 'The sync or its integration no longer exists' });
    if (integration.status === 'PAUSED') return store.finish(run, { status: 'cancelled', error: 'The integration is paused' });

    if (run.trigger === 'push') return executePushRun({ store, openSource, logger, startHeartbeat, renew }, claimed, hooks);
    const pending: SourceLogEntry[] = [];
    const log = (entry: SourceLogEntry) => pending.push(entry);
    const abort = new AbortController();
    const resource = sync.resource;
    const stopHeartbeat = startHeartbeat(run, hooks);
    try {
      await renew(hooks); // the caller's lock now postdates the claim's heartbeat
      const mapper = compileMappings(claimed.mappings.map(toFieldMapping));
      const resumed = run.resume_cursor != null;
      const mode = runMode(run, sync.mode);
      log({
        level: 'info',
        message: resumed ? 'Run resumed after the last committed page' : `Run started (${mode} sync of ${resource})`,
      });
      const bases = sync.direction === 'bidirectional' ? await pendingBases(store.db, run.organization_id, sync) : null;
      const source = await openSource({
        orgId: run.organization_id,
        integration,
        sync,
        mode,
        cursor: run.resume_cursor ?? (mode === 'incremental' ? sync.cursor : null),
        log,
        signal: abort.signal,
      });
      const target = { integrationId: integration.id, resource };
      const commit = async (page: CommittedPage) => {
        const cancelled = await store.commitPage(run, target, page, pending);
        await renew(hooks);
        if (cancelled) throw new RunCancelled(CANCELLED_BY_USER);
      };
      const succeeded = (cursorAfter: unknown, complete: boolean) =>
        pullSucceeded(target, mode === 'full' && complete, cursorAfter, pending);
      // Without writes to follow, the last page is committed with the run's end, in one transaction (run-store.ts).
      const commitLast = bases
        ? undefined
        : (page: CommittedPage) => store.finish(run, succeeded(page.cursor, true), { ...page, ...target });
      const { lastCursor, complete, ended } = await commitEveryPage(source, (page) => mapPage(mapper, page), commit, commitLast);
      if (ended) return;
      // Bidirectional: then the sync's pending changes, each checked against the base this pull just stored.
      if (bases) {
        const writes = await pushContext({ store, openSource, renew }, claimed, hooks, pending, abort.signal);
        await executePush({ ...writes, bases });
      }
      await store.finish(run, succeeded(lastCursor, complete));
    } catch (err) {
      abort.abort(); // stops a page fetch still in flight
      const cancelled = err instanceof RunCancelled;
      const message = cancelled ? err.message : safeMessage(err);
      if (!cancelled) logger.warn({ runId: run.id, orgId: run.organization_id, err }, 'sync run failed');
      await store.finish(run, {
        status: cancelled ? 'cancelled' : 'failed',
        error: message,
        ...(cancelled ? {} : { errorKind: classifyRunError(err) }),
        pending,
        resource,
        integrationId: integration.id,
      });
    } finally {
      stopHeartbeat();
    }
  }

  /**
   * Keeps the claimed run's heartbeat fresh while it executes (between pages too), then renews the
   * caller's lock; the heartbeat is written first, so it is never newer than the lock it backs.
   */
  function startHeartbeat(run: SyncRunRow, hooks: ExecuteHooks) {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const beat = async () => {
      try {
        await store.heartbeat(run.organization_id, run.id);
        await renew(hooks);
      } catch (err) {
        logger.warn({ err, runId: run.id }, 'run heartbeat failed');
      }
      if (!stopped) timer = setTimeout(beat, heartbeatMs).unref();
    };
    timer = setTimeout(beat, heartbeatMs).unref();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  async function renew(hooks: ExecuteHooks) {
    if (!hooks.onHeartbeat) return;
    try {
      await hooks.onHeartbeat();
    } catch (err) {
      logger.debug({ err }, 'lock renewal failed');
    }
  }

  return { execute, executeClaimed };
}

interface PushRunDeps {
  store: RunStore;
  openSource: OpenSource;
  logger: FastifyBaseLogger;
  startHeartbeat: (run: SyncRunRow, hooks: ExecuteHooks) => () => void;
  renew: (hooks: ExecuteHooks) => Promise<void>;
}

/** A push run (two-way sync): the run's pending writes, one by one (push-executor.ts). */
async function executePushRun(deps: PushRunDeps, claimed: ClaimedRun, hooks: ExecuteHooks): Promise<void> {
  const { store, openSource, logger, startHeartbeat, renew } = deps;
  const { run } = claimed;
  const sync = claimed.sync!;
  const integration = claimed.integration!;
  const pending: SourceLogEntry[] = [];
  const abort = new AbortController();
  const stopHeartbeat = startHeartbeat(run, hooks);
  const scope = { resource: sync.resource, integrationId: integration.id };
  try {
    await renew(hooks);
    pending.push({ level: 'info', message: run.resume_cursor != null ? 'Push resumed' : 'Push started' });
    await executePush(await pushContext({ store, openSource, renew }, claimed, hooks, pending, abort.signal));
    await store.finish(run, { status: 'succeeded', pending, ...scope });
  } catch (err) {
    abort.abort();
    const cancelled = err instanceof RunCancelled;
    const message = cancelled ? err.message : safeMessage(err);
    if (!cancelled) logger.warn({ runId: run.id, orgId: run.organization_id, err }, 'push run failed');
    await store.failPending(run, message);
    await store.finish(run, {
      status: cancelled ? 'cancelled' : 'failed',
      error: message,
      ...(cancelled ? {} : { errorKind: classifyRunError(err) }),
      pending,
      ...scope,
    });
  } finally {
    stopHeartbeat();
  }
}

/**
 * What executing writes needs (push-executor.ts): the provider writer, both mappings, and the run's cancel check and
 * conflict opener. A push run writes its own writes; a bidirectional run, after its pull, the sync's pending changes.
 */
async function pushContext(
  deps: Pick<PushRunDeps, 'store' | 'openSource' | 'renew'>,
  claimed: ClaimedRun,
  hooks: ExecuteHooks,
  pending: SourceLogEntry[],
  signal: AbortSignal,
): Promise<PushContext> {
  const { store, openSource, renew } = deps;
  const { run } = claimed;
  const sync = claimed.sync!;
  const integration = claimed.integration!;
  const openWriter = (openSource as Partial<{ openWriter: OpenWriter }>).openWriter;
  if (!openWriter) throw new ConnectorError('unsupported', 'This process cannot write to providers', false);
  const writer = await openWriter({ orgId: run.organization_id, integration, sync, signal });
  return {
    db: store.db,
    run,
    sync,
    writer,
    inbound: compileMappings(claimed.mappings.map(toFieldMapping)),
    outbound: compileMappings(Array.isArray(sync.outbound_mappings) ? (sync.outbound_mappings as FieldMapping[]) : []),
    log: (level, message) => pending.push({ level, message }),
    afterWrites: async () => {
      await renew(hooks);
      if (await store.cancelRequested(run.organization_id, run.id)) throw new RunCancelled(CANCELLED_BY_USER);
    },
    openConflict: (tx, c) =>
      conflicts.openConflict(tx, {
        orgId: run.organization_id,
        integrationId: integration.id,
        syncId: sync.id,
        resource: sync.resource,
        externalId: c.externalId,
        runId: run.id,
        base: c.base,
        local: c.local,
        remote: c.remote,
        remoteUpdatedAt: c.remoteVersion.updatedAt,
        remoteEtag: c.remoteVersion.etag,
        localDeleted: c.localDeleted,
      }),
    writes: run.trigger === 'push' ? 'run' : 'sync',
  };
}

/**
 * Commits the source's pages in order until its last one. While a page is written, the next one is fetched and
 * prepared (mapped, hashed, serialised): the provider, this process and the database work in parallel. Commit order
 * and resume cursors are unchanged (page N commits before N+1 starts). The listing's last page goes to `commitLast`
 * when there is one (it ends the run as well: `ended`), else to `commit`. Returns the last committed page's cursor,
 * and whether the listing completed.
 */
export async function commitEveryPage<Prepared>(
  source: AsyncIterable<SourcePage>,
  prepare: (page: SourcePage) => Prepared,
  commit: (prepared: Prepared) => Promise<void>,
  commitLast?: (prepared: Prepared) => Promise<void>,
): Promise<{ lastCursor: unknown; complete: boolean; ended: boolean }> {
  let lastCursor: unknown = null;
  const pages = source[Symbol.asyncIterator]();
  // Preparing in the fetch's continuation runs it as soon as the page arrives, while the previous commit awaits the database.
  const nextPage = () => pages.next().then((step) => (step.done ? null : { page: step.value, prepared: prepare(step.value) }));
  let upcoming = nextPage();
  for (;;) {
    const step = await upcoming;
    if (!step) return { lastCursor, complete: false, ended: false };
    const { page, prepared } = step;
    upcoming = page.done ? Promise.resolve(null) : nextPage();
    // Awaited at the top of the loop; until then a failure must not count as unhandled.
    upcoming.catch(() => {});
    if (page.done && commitLast) {
      await commitLast(prepared);
      return { lastCursor: page.cursor, complete: true, ended: true };
    }
    await commit(prepared);
    lastCursor = page.cursor;
    if (page.done) return { lastCursor, complete: true, ended: false };
  }
}

/** A page's records through the sync's mappings: the batch to upsert, and the records refused (the first few logged). */
export function mapPage(mapper: CompiledMappings, page: SourcePage): CommittedPage {
  const batch: RecordInput[] = [];
  const logs: SourceLogEntry[] = [];
  let failed = 0;
  page.records.forEach((record, i) => {
    const { output, errors } = mapper.apply(record);
    if (errors.length) {
      failed++;
      if (failed <= LOGGED_FAILURES_PER_PAGE) {
        logs.push({
          level: 'warn',
          message: `Record ${page.externalIds[i]} skipped: ${errors.map((e) => `${e.target}: ${e.message}`).join('; ')}`,
        });
      }
      return;
    }
    const input: RecordInput = { externalId: page.externalIds[i], data: output, sourceUpdatedAt: page.updatedAt[i] ?? null };
    if (page.etags) input.etag = page.etags[i] ?? null;
    batch.push(input);
  });
  const skipped = page.filtered ?? 0;
  // `fetched` counts what the provider sent, the records filtered out included.
  return { batch: prepareRecords(batch), logs, fetched: page.records.length + skipped, failed, skipped, cursor: page.cursor };
}

/** A stored field mapping as the mapping compiler takes it. */
export function toFieldMapping(m: Selectable<FieldMappingsTable>): FieldMapping {
  return {
    source: m.source,
    target: m.target,
    ...(m.transform ? { transform: m.transform } : {}),
    ...(m.args != null ? { args: m.args } : {}),
    ...(m.required ? { required: true } : {}),
    ...(m.default_value != null ? { default: m.default_value } : {}),
  } as FieldMapping;
}

/** A pull's successful end; `fullComplete`: a full run listed everything, so what it did not see is marked deleted. */
function pullSucceeded(
  target: { integrationId: string; resource: string },
  fullComplete: boolean,
  cursorAfter: unknown,
  pending: SourceLogEntry[],
): RunOutcome {
  return { status: 'succeeded', cursorAfter, fullComplete, ...target, pending };
}

/** Errors shown to admins: connector errors are written to be safe; anything else is summarised. */
function safeMessage(err: unknown): string {
  // These are written to be shown: provider, status and a redacted URL, never a response body (safe-http's
  // messages name the host and the reason only).
  if (
    err instanceof ConnectorError ||
    err instanceof CalDavError ||
    err instanceof SafeHttpError ||
    (err instanceof AppError && err.statusCode < 500)
  ) {
    return err.message.slice(0, 1000);
  }
  return 'The sync failed unexpectedly; the details are in the server log';
}
