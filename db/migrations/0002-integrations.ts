import { sql, type Kysely } from 'kysely';
import { enableTenantRls } from './tenant-table.js';

/**
 * Integrations, their OAuth connections and pending OAuth states. Every secret column holds a vault
 * ciphertext (server/src/lib/crypto) bound to its organization, table, column and row; no plaintext
 * secret is ever stored. All three tables are tenant tables under row-level security.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE integrations (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      provider text NOT NULL,
      name text NOT NULL,
      status text NOT NULL DEFAULT 'INACTIVE' CHECK (status IN ('INACTIVE', 'ACTIVE', 'ERROR', 'SYNCING', 'PAUSED')),
      auth_type text NOT NULL CHECK (auth_type IN ('oauth2', 'api_key', 'basic')),
      client_id text,
      username text,
      -- The one secret of the auth type: client secret (oauth2), API key (api_key) or password (basic).
      secret_encrypted text,
      secret_hint text,
      scopes text[] NOT NULL DEFAULT '{}',
      settings jsonb NOT NULL DEFAULT '{}',
      error_count integer NOT NULL DEFAULT 0,
      last_error text,
      verified_at timestamptz,
      last_sync_at timestamptz,
      next_sync_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX integrations_org_name_key ON integrations (organization_id, lower(name))`.execute(db);
  await sql`CREATE INDEX integrations_org_status_idx ON integrations (organization_id, status)`.execute(db);

  await sql`
    CREATE TABLE connections (
      integration_id uuid PRIMARY KEY REFERENCES integrations(id) ON DELETE CASCADE,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      access_token_encrypted text NOT NULL,
      refresh_token_encrypted text,
      token_type text,
      expires_at timestamptz,
      scopes text[] NOT NULL DEFAULT '{}',
      external_account text,
      -- Values learnt while connecting (e.g. Salesforce instance URL), usable as URL template values.
      connection_values jsonb NOT NULL DEFAULT '{}',
      connected_at timestamptz NOT NULL DEFAULT now(),
      last_refreshed_at timestamptz,
      refresh_count integer NOT NULL DEFAULT 0,
      refresh_failures integer NOT NULL DEFAULT 0,
      last_refresh_error text,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX connections_org_idx ON connections (organization_id)`.execute(db);

  await sql`
    CREATE TABLE oauth_states (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      state_hash text NOT NULL UNIQUE,
      -- SHA-256 of a random value kept in an httpOnly cookie of the browser that started the flow.
      browser_binding_hash text NOT NULL,
      code_verifier_encrypted text NOT NULL,
      redirect_uri text NOT NULL,
      return_to text,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX oauth_states_org_idx ON oauth_states (organization_id)`.execute(db);
  await sql`CREATE INDEX oauth_states_integration_idx ON oauth_states (integration_id)`.execute(db);

  for (const table of ['integrations', 'connections', 'oauth_states']) await enableTenantRls(db, table);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['oauth_states', 'connections', 'integrations']) await sql.raw(`DROP TABLE IF EXISTS ${t} CASCADE`).execute(db);
}
