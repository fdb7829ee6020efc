import { sql, type Kysely } from 'kysely';
import { tenantPolicyExpression } from './0005-rls-once-per-query.js';

/**
 * Webhooks in (API.md, "Webhooks in"): each integration's write-only webhook secret, and the inbound events.
 *
 * `webhook_events` is both the record an admin reads and the durable queue the workers work: the endpoint only
 * inserts a row and answers; a worker claims accepted, unprocessed rows (FOR UPDATE SKIP LOCKED), queues or joins
 * the runs, and marks the row processed in the same transaction, so a worker killed mid-way leaves the row to the
 * next one and an event is acted on once.
 *
 * Deduplication: `dedup_key` holds the provider's event id of the first delivery; a unique index makes a second
 * delivery with the same id a `duplicate` (dedup_key null). After 7 days the first row's key is cleared by the next
 * delivery with that id, which is then accepted again (webhooks-in.repo.ts), so the window is exact without a purge.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // A vault ciphertext bound to (organization, integrations, webhook_secret_encrypted, id), like secret_encrypted.
  await sql`ALTER TABLE integrations ADD COLUMN webhook_secret_encrypted text`.execute(db);

  await sql`
    CREATE TABLE webhook_events (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      provider_event_id text,
      dedup_key text,
      type text,
      -- The provider's resources the event concerns (from the definition's mapping); NULL: every enabled sync.
      resources text[],
      received_at timestamptz NOT NULL DEFAULT now(),
      status text NOT NULL CHECK (status IN ('accepted', 'rejected', 'duplicate', 'ignored')),
      reason text,
      -- The run the event queued or joined (the first one when it concerns several syncs).
      run_id uuid REFERENCES sync_runs(id) ON DELETE SET NULL,
      -- The parsed body, when it is JSON and at most 64 KiB serialized (forwarded as webhook.received's payload).
      payload jsonb,
      processed_at timestamptz,
      -- Set when processing had to wait (a run of an affected sync was running): not claimed before then.
      process_after timestamptz
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX webhook_events_dedup_key ON webhook_events (integration_id, dedup_key)`.execute(db);
  // The event list, newest first, and lastReceivedAt.
  await sql`CREATE INDEX webhook_events_list_idx ON webhook_events (integration_id, received_at DESC, id DESC)`.execute(db);
  // The queue: only the unprocessed accepted rows, oldest first.
  await sql`CREATE INDEX webhook_events_queue_idx ON webhook_events (received_at) WHERE status = 'accepted' AND processed_at IS NULL`.execute(
    db,
  );
  await sql`CREATE INDEX webhook_events_org_idx ON webhook_events (organization_id)`.execute(db);
  await sql`CREATE INDEX webhook_events_run_idx ON webhook_events (run_id) WHERE run_id IS NOT NULL`.execute(db);
  await sql.raw(`ALTER TABLE webhook_events ENABLE ROW LEVEL SECURITY`).execute(db);
  const expression = tenantPolicyExpression('organization_id');
  await sql.raw(`CREATE POLICY webhook_events_tenant ON webhook_events USING (${expression}) WITH CHECK (${expression})`).execute(db);
  await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_events TO linkyard_app`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE webhook_events`.execute(db);
  await sql`ALTER TABLE integrations DROP COLUMN webhook_secret_encrypted`.execute(db);
}
