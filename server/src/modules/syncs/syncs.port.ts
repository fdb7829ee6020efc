/**
 * What other modules may do with a sync inside a transaction of their own: the sync engine reads the sync
 * and its mappings when it claims a run and records the run on the sync when it ends; runs queue a run of it.
 * Everything else goes through the syncs service; syncs.repo.ts stays private to this module
 * (.dependency-cruiser.cjs, repos-stay-in-their-module).
 */
export { findSync, findSyncsByIdQuery, mappingsOf, mappingsOfQuery, recordRunOnSyncQuery } from './syncs.repo.js';
