import { sql, type Kysely } from 'kysely';
import { enableTenantRls } from './tenant-table.js';
import { getCreateIndexesSQL, getCreateTableSQL } from '@agendajs/postgres-backend';

/** Agenda's job table; created here so workers can start with `ensureSchema: false` (docs/architecture.md, Scheduler rules). */
export const AGENDA_TABLE = 'agenda_jobs';

/**
 * Syncs (what to pull, on which schedule), their ordered field mappings, runs with their logs, the
 * synced records, and Agenda's job table. Every Linkyard table here is a tenant table under RLS.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE syncs (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      resource text NOT NULL,
      mode text NOT NULL CHECK (mode IN ('full', 'incremental')),
      -- Both set (a cron schedule in an IANA timezone) or both null (manual only).
      cron text,
      timezone text,
      enabled boolean NOT NULL DEFAULT true,
      -- Where the next incremental run starts (high-water mark or sync token), saved by successful runs.
      cursor jsonb,
      filters jsonb NOT NULL DEFAULT '{}',
      next_run_at timestamptz,
      last_run_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((cron IS NULL) = (timezone IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX syncs_integration_idx ON syncs (integration_id)`.execute(db);
  await sql`CREATE INDEX syncs_org_idx ON syncs (organization_id, created_at)`.execute(db);

  await sql`
    CREATE TABLE field_mappings (
      sync_id uuid NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      position integer NOT NULL,
      source text NOT NULL DEFAULT '',
      target text NOT NULL,
      transform text,
      args jsonb,
      required boolean NOT NULL DEFAULT false,
      default_value jsonb,
      PRIMARY KEY (sync_id, position)
    )`.execute(db);

  await sql`
    CREATE TABLE sync_runs (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      sync_id uuid NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
      trigger text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'webhook', 'retry')),
      status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
      scheduled_for timestamptz,
      started_at timestamptz,
      finished_at timestamptz,
      fetched integer NOT NULL DEFAULT 0,
      created integer NOT NULL DEFAULT 0,
      updated integer NOT NULL DEFAULT 0,
      unchanged integer NOT NULL DEFAULT 0,
      deleted integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      cursor_before jsonb,
      cursor_after jsonb,
      -- Position inside the provider listing after the last committed batch: a resumed run starts here.
      resume_cursor jsonb,
      error text,
      cancel_requested boolean NOT NULL DEFAULT false,
      heartbeat_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // The guarantees against double runs (docs/architecture.md, Scheduler rules): one active run per sync, one run per scheduled slot.
  await sql`CREATE UNIQUE INDEX sync_runs_one_active_idx ON sync_runs (sync_id) WHERE status IN ('queued', 'running')`.execute(db);
  await sql`CREATE UNIQUE INDEX sync_runs_one_per_slot_idx ON sync_runs (sync_id, scheduled_for) WHERE trigger = 'schedule'`.execute(db);
  await sql`CREATE INDEX sync_runs_org_created_idx ON sync_runs (organization_id, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX sync_runs_sync_idx ON sync_runs (sync_id, created_at DESC)`.execute(db);

  await sql`
    CREATE TABLE sync_logs (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      run_id uuid NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
      integration_id uuid NOT NULL,
      sync_id uuid NOT NULL,
      at timestamptz NOT NULL,
      level text NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
      message text NOT NULL,
      data jsonb
    )`.execute(db);
  await sql`CREATE INDEX sync_logs_org_at_idx ON sync_logs (organization_id, at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX sync_logs_run_idx ON sync_logs (run_id, at, id)`.execute(db);

  await sql`
    CREATE TABLE records (
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      resource text NOT NULL,
      external_id text NOT NULL,
      data jsonb NOT NULL,
      content_hash text NOT NULL,
      source_updated_at timestamptz,
      first_seen_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      last_seen_run_id uuid,
      deleted_at timestamptz,
      PRIMARY KEY (integration_id, resource, external_id)
    )`.execute(db);
  await sql`CREATE INDEX records_org_idx ON records (organization_id, integration_id, resource, external_id)`.execute(db);

  for (const table of ['syncs', 'field_mappings', 'sync_runs', 'sync_logs', 'records']) await enableTenantRls(db, table);

  await sql.raw(getCreateTableSQL(AGENDA_TABLE)).execute(db);
  for (const statement of getCreateIndexesSQL(AGENDA_TABLE)) await sql.raw(statement).execute(db);
  // The backend's updated_at trigger, as single statements (PGlite runs one statement per query).
  await sql
    .raw(
      `
    CREATE OR REPLACE FUNCTION update_${AGENDA_TABLE}_updated_at() RETURNS trigger AS $$
    BEGIN NEW.updated_at = NOW(); RETURN NEW; END; $$ LANGUAGE plpgsql`,
    )
    .execute(db);
  await sql
    .raw(
      `
    CREATE TRIGGER ${AGENDA_TABLE}_updated_at_trigger BEFORE UPDATE ON ${AGENDA_TABLE}
    FOR EACH ROW EXECUTE FUNCTION update_${AGENDA_TABLE}_updated_at()`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP TABLE IF EXISTS ${AGENDA_TABLE} CASCADE`).execute(db);
  await sql.raw(`DROP FUNCTION IF EXISTS update_${AGENDA_TABLE}_updated_at()`).execute(db);
  for (const t of ['records', 'sync_logs', 'sync_runs', 'field_mappings', 'syncs'])
    await sql.raw(`DROP TABLE IF EXISTS ${t} CASCADE`).execute(db);
}
