import { sql, type Kysely } from 'kysely';

/**
 * The runs that are queued or running, indexed apart from the history: the metrics read the queue depth and the
 * oldest due run at every scrape (GET /metrics), and the run executor claims the oldest queued runs; with only these
 * few rows in the index neither reads the whole sync_runs table, however many finished runs it keeps.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX sync_runs_active_idx ON sync_runs (created_at) WHERE status IN ('queued', 'running')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX sync_runs_active_idx`.execute(db);
}
