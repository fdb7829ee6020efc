/**
 * What services tell the scheduler after a commit that may change which schedules fire. Each call
 * brings the job store in line with the database for that scope (upsert, or cancel, the Agenda job of
 * every sync in it) and never throws: the change is committed either way, and the worker's periodic
 * reconciliation repairs anything a failed call missed.
 *
 * The interface lives in lib, not in the scheduler module that implements it: the scheduler builds on the
 * syncs, runs and sync-engine modules, so the services that notify it (syncs, integrations, organizations)
 * depend on this interface only, never on the scheduler.
 */
export interface ScheduleSink {
  syncChanged(orgId: string, syncId: string): Promise<void>;
  integrationChanged(orgId: string, integrationId: string): Promise<void>;
  organizationChanged(orgId: string): Promise<void>;
}
