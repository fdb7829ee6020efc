/**
 * A run's life as the sync engine records it, inside transactions of its own (sync-engine/run-store.ts): its
 * claim, heartbeat, page progress, logs and end. The runs service is the API's side of the same rows;
 * runs.repo.ts stays private to this module (.dependency-cruiser.cjs, repos-stay-in-their-module).
 */
import type { Tx } from '../../lib/db-scope.js';
import { uuidv7 } from '../../lib/ids.js';
import { findRun, insertRunIfFree, lockActiveRun } from './runs.repo.js';

export {
  addPageProgressQuery,
  addPushProgress,
  cancelRequestedQuery,
  claimOldestRunsQuery,
  claimRunQuery,
  finishRunQuery,
  insertLogsQuery,
  otherRunRunningQuery,
  queueStats,
  setCursorsBeforeQuery,
  touchHeartbeat,
  type PageProgress,
  type QueueStats,
  type RunEnd,
} from './runs.repo.js';

/**
 * What a webhook event does to one sync (webhooks-in): queue a run with trigger "webhook", or join the run already
 * queued for the sync (coalescing: a burst of events queues one run). `queued` says whether a new run needs
 * dispatching after commit. Null while a run of the sync is running: it may have read past the change, and the
 * sync can have one active run only, so the caller tries again once it has ended.
 */
export async function queueOrJoinWebhookRun(
  tx: Tx,
  orgId: string,
  sync: { id: string; integration_id: string },
): Promise<{ runId: string; queued: boolean } | null> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const active = await lockActiveRun(tx, orgId, sync.id);
    if (active?.status === 'queued') return { runId: active.id, queued: false };
    if (active) return null;
    const id = uuidv7();
    const row = { id, organization_id: orgId, integration_id: sync.integration_id, sync_id: sync.id, trigger: 'webhook' as const };
    // A concurrent insert (a schedule firing, a manual run) wins the unique index: look again.
    if (await insertRunIfFree(tx, { ...row, status: 'queued', scheduled_for: null })) return { runId: id, queued: true };
  }
  return null;
}

/** A push run (two-way sync): queued beside the sync's other runs, never joined by anything else. */
export async function insertPushRun(tx: Tx, row: { id: string; organization_id: string; integration_id: string; sync_id: string }) {
  await insertRunIfFree(tx, { ...row, trigger: 'push', status: 'queued', scheduled_for: null });
}

export async function runExists(tx: Tx, orgId: string, runId: string): Promise<boolean> {
  return (await findRun(tx, orgId, runId)) !== undefined;
}

export async function cancelRequested(tx: Tx, orgId: string, runId: string): Promise<boolean> {
  return (await findRun(tx, orgId, runId))?.cancel_requested ?? false;
}
