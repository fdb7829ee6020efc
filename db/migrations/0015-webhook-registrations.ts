import { sql, type Kysely } from 'kysely';
import { tenantPolicyExpression } from './0005-rls-once-per-query.js';

/**
 * Webhooks in, registered through the provider's API (`POST …/integrations/:id/webhook/register`): one row per
 * integration naming the hook the provider created (its id, on which target), so registering again updates that hook
 * instead of adding a second one. `expires_at` is for subscriptions that lapse (Google channels, Graph subscriptions)
 * and stays null for GitHub's hooks, which do not. The secret itself is the integration's webhook_secret_encrypted.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE webhook_registrations (
      integration_id uuid PRIMARY KEY REFERENCES integrations(id) ON DELETE CASCADE,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      provider text NOT NULL,
      -- What the hook is registered on, as the definition's target names it (GitHub: owner/repo).
      target text NOT NULL,
      provider_hook_id text NOT NULL,
      expires_at timestamptz,
      registered_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX webhook_registrations_org_idx ON webhook_registrations (organization_id)`.execute(db);
  await sql.raw(`ALTER TABLE webhook_registrations ENABLE ROW LEVEL SECURITY`).execute(db);
  const expression = tenantPolicyExpression('organization_id');
  await sql
    .raw(`CREATE POLICY webhook_registrations_tenant ON webhook_registrations USING (${expression}) WITH CHECK (${expression})`)
    .execute(db);
  await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_registrations TO linkyard_app`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE webhook_registrations`.execute(db);
}
