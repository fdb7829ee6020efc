import { sql, type Kysely } from 'kysely';

/**
 * Foundation: organizations, users, memberships, sessions, the audit trail, and row-level security.
 *
 * Tenant tables are only readable by the non-owner role `linkyard_app` through RLS policies keyed on
 * settings made per transaction (see server/src/lib/db-scope.ts). The role that runs migrations owns
 * the tables and bypasses RLS; the application switches to `linkyard_app` for tenant work.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // Roles are cluster-wide and several databases (one per test file) may migrate at once.
  await sql`
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'linkyard_app') THEN
        CREATE ROLE linkyard_app NOLOGIN;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`.execute(db);
  await sql`
    DO $$
    BEGIN
      IF NOT pg_has_role(current_user, 'linkyard_app', 'MEMBER') THEN
        EXECUTE format('GRANT linkyard_app TO %I', current_user);
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`.execute(db);

  await sql`
    CREATE FUNCTION linkyard_current_org() RETURNS uuid LANGUAGE sql STABLE AS
    $$ SELECT nullif(current_setting('linkyard.org_id', true), '')::uuid $$`.execute(db);
  await sql`
    CREATE FUNCTION linkyard_current_user() RETURNS uuid LANGUAGE sql STABLE AS
    $$ SELECT nullif(current_setting('linkyard.user_id', true), '')::uuid $$`.execute(db);
  await sql`
    CREATE FUNCTION linkyard_platform_scope() RETURNS boolean LANGUAGE sql STABLE AS
    $$ SELECT coalesce(current_setting('linkyard.scope', true), '') = 'platform' $$`.execute(db);

  await sql`
    CREATE TABLE organizations (
      id uuid PRIMARY KEY,
      slug text NOT NULL UNIQUE,
      name text NOT NULL,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
      data_key_wrapped bytea,
      data_key_version integer,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY,
      email text NOT NULL,
      name text NOT NULL,
      password_hash text,
      platform_role text CHECK (platform_role IN ('platform_owner')),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'invited', 'disabled')),
      invitation_token_hash text UNIQUE,
      invitation_expires_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`.execute(db);

  await sql`
    CREATE TABLE memberships (
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('viewer', 'admin', 'super_admin')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (organization_id, user_id)
    )`.execute(db);
  await sql`CREATE INDEX memberships_user_idx ON memberships (user_id)`.execute(db);

  await sql`
    CREATE TABLE sessions (
      id uuid PRIMARY KEY,
      family_id uuid NOT NULL,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      rotated_at timestamptz,
      revoked_at timestamptz,
      ip text,
      user_agent text
    )`.execute(db);
  await sql`CREATE INDEX sessions_family_idx ON sessions (family_id)`.execute(db);
  await sql`CREATE INDEX sessions_user_idx ON sessions (user_id)`.execute(db);

  // One hash chain per organization (chain_key = org id) plus one for platform events ('platform').
  await sql`
    CREATE TABLE audit_chain_heads (
      chain_key text PRIMARY KEY,
      organization_id uuid REFERENCES organizations(id),
      last_seq bigint NOT NULL,
      last_hash text NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE audit_events (
      id uuid PRIMARY KEY,
      organization_id uuid REFERENCES organizations(id),
      chain_key text NOT NULL,
      seq bigint NOT NULL,
      at timestamptz NOT NULL,
      actor_id uuid,
      actor_email text,
      action text NOT NULL,
      target_type text NOT NULL,
      target_id text,
      metadata jsonb NOT NULL DEFAULT '{}',
      ip text,
      user_agent text,
      prev_hash text NOT NULL,
      hash text NOT NULL,
      UNIQUE (chain_key, seq)
    )`.execute(db);
  await sql`CREATE INDEX audit_events_org_at_idx ON audit_events (organization_id, at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX audit_events_at_idx ON audit_events (at DESC, id DESC)`.execute(db);
  await sql`
    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`.execute(db);
  await sql`
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`.execute(db);

  // Row-level security. Tenant rows are visible only to the organization set for the transaction,
  // or in the explicit platform scope (Platform Owner reads and platform-wide jobs).
  await sql`ALTER TABLE organizations ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`
    CREATE POLICY organizations_tenant ON organizations
    USING (id = linkyard_current_org() OR linkyard_platform_scope())
    WITH CHECK (id = linkyard_current_org() OR linkyard_platform_scope())`.execute(db);
  await sql`
    CREATE POLICY organizations_member_read ON organizations FOR SELECT
    USING (id IN (SELECT organization_id FROM memberships WHERE user_id = linkyard_current_user()))`.execute(db);

  await sql`ALTER TABLE memberships ENABLE ROW LEVEL SECURITY`.execute(db);
  await sql`
    CREATE POLICY memberships_tenant ON memberships
    USING (organization_id = linkyard_current_org() OR linkyard_platform_scope())
    WITH CHECK (organization_id = linkyard_current_org() OR linkyard_platform_scope())`.execute(db);
  await sql`
    CREATE POLICY memberships_own_read ON memberships FOR SELECT
    USING (user_id = linkyard_current_user())`.execute(db);

  for (const table of ['audit_events', 'audit_chain_heads']) {
    await sql.raw(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`).execute(db);
    await sql
      .raw(
        `
      CREATE POLICY ${table}_tenant ON ${table}
      USING (organization_id = linkyard_current_org() OR linkyard_platform_scope())
      WITH CHECK (organization_id = linkyard_current_org() OR linkyard_platform_scope())`,
      )
      .execute(db);
  }

  await sql`GRANT SELECT, INSERT, UPDATE, DELETE ON organizations, users, memberships, sessions, audit_chain_heads TO linkyard_app`.execute(
    db,
  );
  await sql`GRANT SELECT, INSERT ON audit_events TO linkyard_app`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['audit_events', 'audit_chain_heads', 'sessions', 'memberships', 'users', 'organizations']) {
    await sql.raw(`DROP TABLE IF EXISTS ${t} CASCADE`).execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS audit_events_append_only()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS linkyard_platform_scope()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS linkyard_current_user()`.execute(db);
  await sql`DROP FUNCTION IF EXISTS linkyard_current_org()`.execute(db);
}
