import { sql, type Kysely } from 'kysely';

/**
 * Accounts and organization settings (docs/api.md, "Accounts and organization settings"):
 * - users: a display timezone preference, and two-factor sign-in (TOTP secret sealed at rest, the last time step
 *   used so a code works once, hashes of the single-use recovery codes);
 * - mfa_challenges: the second step of a sign-in with two-factor on (a short-lived token standing for "password
 *   proven"), with a count of wrong codes so it cannot be guessed at for long;
 * - organizations: default timezone and data retention per kind of data (the daily pruning job reads them);
 * - audit_events: an organization's own chain may be deleted with the organization (and nothing else may).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE users
      ADD COLUMN timezone text,
      ADD COLUMN mfa_secret_encrypted text,
      ADD COLUMN mfa_pending_secret_encrypted text,
      ADD COLUMN mfa_enabled_at timestamptz,
      ADD COLUMN mfa_last_step bigint,
      ADD COLUMN mfa_recovery_code_hashes text[] NOT NULL DEFAULT '{}'`.execute(db);

  await sql`
    CREATE TABLE mfa_challenges (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      failed_attempts integer NOT NULL DEFAULT 0,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX mfa_challenges_user_idx ON mfa_challenges (user_id)`.execute(db);
  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON mfa_challenges TO linkyard_app`.execute(db);

  await sql`
    ALTER TABLE organizations
      ADD COLUMN default_timezone text NOT NULL DEFAULT 'UTC',
      ADD COLUMN retention_logs_days integer NOT NULL DEFAULT 30 CHECK (retention_logs_days BETWEEN 1 AND 3650),
      ADD COLUMN retention_runs_days integer NOT NULL DEFAULT 90 CHECK (retention_runs_days BETWEEN 1 AND 3650),
      ADD COLUMN retention_deleted_records_days integer NOT NULL DEFAULT 30 CHECK (retention_deleted_records_days BETWEEN 1 AND 3650),
      ADD COLUMN retention_webhook_deliveries_days integer NOT NULL DEFAULT 30 CHECK (retention_webhook_deliveries_days BETWEEN 1 AND 3650)`.execute(
    db,
  );

  // Append-only, except that deleting an organization takes its own audit chain with it: the deleting
  // transaction names the organization (linkyard.purge_org) and only that organization's events may go. The
  // application role has no DELETE grant on audit_events at all, so this opens nothing to it.
  await sql`
    CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND OLD.organization_id IS NOT NULL
         AND OLD.organization_id::text = current_setting('linkyard.purge_org', true) THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`
    ALTER TABLE organizations
      DROP COLUMN default_timezone, DROP COLUMN retention_logs_days, DROP COLUMN retention_runs_days,
      DROP COLUMN retention_deleted_records_days, DROP COLUMN retention_webhook_deliveries_days`.execute(db);
  await sql`DROP TABLE mfa_challenges`.execute(db);
  await sql`
    ALTER TABLE users
      DROP COLUMN timezone, DROP COLUMN mfa_secret_encrypted, DROP COLUMN mfa_pending_secret_encrypted,
      DROP COLUMN mfa_enabled_at, DROP COLUMN mfa_last_step, DROP COLUMN mfa_recovery_code_hashes`.execute(db);
}
