import { sql, type Kysely } from 'kysely';
import { tenantPolicyExpression } from './0005-rls-once-per-query.js';

/**
 * Two-way sync (API.md, "Two-way sync"; README, "Two-way sync").
 *
 * - `syncs` gain a direction, outbound mappings (the organization's fields → the provider's, same shape as the
 *   inbound `field_mappings`, stored as one JSON array) and a conflict strategy.
 * - `push_requests` remembers each accepted `POST …/records` and its answer: a repeat with the same
 *   `Idempotency-Key` for the same sync finds the row (unique index) and gets the first answer back.
 * - `run_writes` holds a push run's records, inserted in the transaction that accepts the push (the outbox): a worker
 *   killed mid-push finds the writes still `pending` and resumes them. Each write carries its provider idempotency
 *   key, derived from the push request id and the record's position, so a write retried after a crash is the
 *   same request to a provider that takes keys. Finished writes keep their outcome for `GET …/runs/:runId/writes`.
 * - `records` keep the base version Linkyard last read (`content_hash` and `source_updated_at` already; `etag` new):
 *   what a write is checked against.
 * - `conflicts` are the records changed on both sides under the `manual` strategy, with base/local/remote per field.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE syncs
      ADD COLUMN direction text NOT NULL DEFAULT 'pull' CHECK (direction IN ('pull', 'push', 'bidirectional')),
      ADD COLUMN outbound_mappings jsonb NOT NULL DEFAULT '[]',
      ADD COLUMN conflict_resolution text NOT NULL DEFAULT 'manual'
        CHECK (conflict_resolution IN ('manual', 'latest', 'source', 'merge'))`.execute(db);

  await sql`ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_trigger_check`.execute(db);
  await sql`
    ALTER TABLE sync_runs
      ADD CONSTRAINT sync_runs_trigger_check CHECK (trigger IN ('schedule', 'manual', 'webhook', 'retry', 'push')),
      ADD COLUMN pushed integer NOT NULL DEFAULT 0,
      ADD COLUMN conflicts integer NOT NULL DEFAULT 0,
      ADD COLUMN skipped integer NOT NULL DEFAULT 0`.execute(db);
  // Push runs are exempt from "one active run per sync": a push must be accepted (202) while a pull runs, and each
  // push request is its own run. Conflicts between them are what the per-record base version check is for.
  await sql`DROP INDEX sync_runs_one_active_idx`.execute(db);
  await sql`CREATE UNIQUE INDEX sync_runs_one_active_idx ON sync_runs (sync_id) WHERE status IN ('queued', 'running') AND trigger <> 'push'`.execute(
    db,
  );

  await sql`ALTER TABLE records ADD COLUMN etag text`.execute(db);

  await sql`
    CREATE TABLE push_requests (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      sync_id uuid NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
      idempotency_key text,
      run_id uuid NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
      -- The 202 body, returned again to a repeat with the same key.
      response jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX push_requests_key_idx ON push_requests (sync_id, idempotency_key) WHERE idempotency_key IS NOT NULL`.execute(
    db,
  );
  await sql`CREATE INDEX push_requests_org_idx ON push_requests (organization_id)`.execute(db);

  await sql`
    CREATE TABLE run_writes (
      run_id uuid NOT NULL REFERENCES sync_runs(id) ON DELETE CASCADE,
      position integer NOT NULL,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      sync_id uuid NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
      op text NOT NULL CHECK (op IN ('create', 'update', 'delete')),
      -- Null for a create until the provider has answered with the new record's id.
      external_id text,
      -- The organization's fields as pushed (before the outbound mappings).
      data jsonb,
      -- Sent as the provider's idempotency header where it has one: the same on every attempt of this write.
      idempotency_key text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'conflict', 'failed', 'skipped')),
      error text,
      conflict_id uuid,
      -- When the local change was made (the push's arrival): the "later change" of the latest and merge strategies.
      changed_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      PRIMARY KEY (run_id, position)
    )`.execute(db);
  await sql`CREATE INDEX run_writes_pending_idx ON run_writes (sync_id, run_id, position) WHERE status = 'pending'`.execute(db);
  await sql`CREATE INDEX run_writes_org_idx ON run_writes (organization_id)`.execute(db);

  await sql`
    CREATE TABLE conflicts (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      sync_id uuid NOT NULL REFERENCES syncs(id) ON DELETE CASCADE,
      resource text NOT NULL,
      external_id text NOT NULL,
      run_id uuid REFERENCES sync_runs(id) ON DELETE SET NULL,
      -- [{ path, base, local, remote }] for every field that differs between any two of the versions.
      fields jsonb NOT NULL,
      -- Whole versions in the organization's field names: what "local" and "remote" resolutions write.
      base_data jsonb,
      local_data jsonb NOT NULL,
      remote_data jsonb NOT NULL,
      -- The provider's version when the conflict was found, so a resolution can tell if it moved again.
      remote_updated_at timestamptz,
      remote_etag text,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
      resolution text CHECK (resolution IN ('local', 'remote', 'merged')),
      -- { type: "user" | "api_key", id, email | name }
      resolved_by jsonb,
      resolved_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX conflicts_list_idx ON conflicts (organization_id, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX conflicts_sync_idx ON conflicts (sync_id, status)`.execute(db);

  const expression = tenantPolicyExpression('organization_id');
  for (const table of ['push_requests', 'run_writes', 'conflicts']) {
    await sql.raw(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`).execute(db);
    await sql.raw(`CREATE POLICY ${table}_tenant ON ${table} USING (${expression}) WITH CHECK (${expression})`).execute(db);
    await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO linkyard_app`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['conflicts', 'run_writes', 'push_requests']) await sql.raw(`DROP TABLE ${table}`).execute(db);
  await sql`ALTER TABLE records DROP COLUMN etag`.execute(db);
  await sql`DELETE FROM sync_runs WHERE trigger = 'push'`.execute(db);
  await sql`DROP INDEX sync_runs_one_active_idx`.execute(db);
  await sql`CREATE UNIQUE INDEX sync_runs_one_active_idx ON sync_runs (sync_id) WHERE status IN ('queued', 'running')`.execute(db);
  await sql`ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_trigger_check`.execute(db);
  await sql`
    ALTER TABLE sync_runs
      ADD CONSTRAINT sync_runs_trigger_check CHECK (trigger IN ('schedule', 'manual', 'webhook', 'retry')),
      DROP COLUMN pushed, DROP COLUMN conflicts, DROP COLUMN skipped`.execute(db);
  await sql`ALTER TABLE syncs DROP COLUMN direction, DROP COLUMN outbound_mappings, DROP COLUMN conflict_resolution`.execute(db);
}
