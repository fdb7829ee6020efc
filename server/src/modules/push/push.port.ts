/**
 * What the sync engine does with a push run's writes inside its own transactions: read the pending ones (the
 * outbox), record each outcome. push.repo.ts stays private to this module (.dependency-cruiser.cjs).
 */
export { failPendingWrites, finishWrite, finishWrites, pendingChangesOfSync, pendingWrites, type WriteOutcome } from './push.repo.js';
