/**
 * A run's life as the sync engine records it, inside transactions of its own (sync-engine/run-store.ts): its
 * claim, heartbeat, page progress, logs and end. The runs service is the API's side of the same rows;
 * runs.repo.ts stays private to this module (.dependency-cruiser.cjs, repos-stay-in-their-module).
 */
export {
  addPageProgress,
  claimOldestRuns,
  claimRun,
  finishRun,
  insertLogs,
  otherRunRunning,
  setCursorBefore,
  touchHeartbeat,
  type PageProgress,
  type RunEnd,
} from './runs.repo.js';
