import { sql, type Kysely } from 'kysely';

/**
 * Classified failures (server/src/lib/error-kind.ts): a failed run's `error_kind` and an integration's
 * `last_error_kind` say whether reconnecting can help (auth) or retrying later (network, provider, rate_limit,
 * mapping). Rows written before this migration keep null: the UI then offers both remedies.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const kinds = sql`('auth', 'network', 'provider', 'rate_limit', 'mapping')`;
  await sql`ALTER TABLE sync_runs ADD COLUMN error_kind text CHECK (error_kind IN ${kinds})`.execute(db);
  await sql`ALTER TABLE integrations ADD COLUMN last_error_kind text CHECK (last_error_kind IN ${kinds})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE integrations DROP COLUMN last_error_kind`.execute(db);
  await sql`ALTER TABLE sync_runs DROP COLUMN error_kind`.execute(db);
}
