import { sql, type Kysely } from 'kysely';
import { tenantPolicyExpression } from './0005-rls-once-per-query.js';

/**
 * Signed outbound webhooks (API.md, Webhooks out): an organization's endpoints, the transactional outbox of
 * events, one delivery per endpoint × event, and every attempt of a delivery.
 *
 * An event row is written in the same transaction as the change it reports (webhooks.port.ts), together with
 * a pending delivery for each enabled endpoint that subscribes to its type, so a crash between the change and
 * its delivery loses nothing: the delivery worker finds the pending row after a restart.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE webhook_endpoints (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      url text NOT NULL,
      description text NOT NULL DEFAULT '',
      events text[] NOT NULL,
      enabled boolean NOT NULL DEFAULT true,
      disabled_reason text,
      secret_encrypted text NOT NULL,
      previous_secret_encrypted text,
      previous_secret_expires_at timestamptz,
      failing_since timestamptz,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX webhook_endpoints_org_idx ON webhook_endpoints (organization_id, created_at, id)`.execute(db);

  await sql`
    CREATE TABLE webhook_outbox (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      type text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
      event_id uuid NOT NULL REFERENCES webhook_outbox(id) ON DELETE CASCADE,
      event_type text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      last_attempt_at timestamptz,
      last_status_code integer,
      last_error text,
      created_at timestamptz(3) NOT NULL DEFAULT now()
    )`.execute(db);
  // The worker's claim: due pending deliveries, oldest due first.
  await sql`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`.execute(db);
  // The delivery log of one endpoint, newest first.
  await sql`CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id)`.execute(db);

  await sql`
    CREATE TABLE webhook_attempts (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
      attempted_at timestamptz(3) NOT NULL,
      status_code integer,
      duration_ms integer NOT NULL,
      response_excerpt text,
      error text
    )`.execute(db);
  await sql`CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempted_at)`.execute(db);

  for (const table of ['webhook_endpoints', 'webhook_outbox', 'webhook_deliveries', 'webhook_attempts']) {
    const expression = tenantPolicyExpression('organization_id');
    await sql.raw(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`).execute(db);
    await sql.raw(`CREATE POLICY ${table}_tenant ON ${table} USING (${expression}) WITH CHECK (${expression})`).execute(db);
    await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO linkyard_app`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE webhook_attempts, webhook_deliveries, webhook_outbox, webhook_endpoints`.execute(db);
}
