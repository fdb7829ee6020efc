import { sql, type Kysely } from 'kysely';

/**
 * Which process last claimed a run: `host:pid`, the same name the process's Agenda writes to
 * agenda_jobs.last_modified_by (without the role). Set by every claim (a queued run starting, or a running run
 * with a stale heartbeat taken over from a dead worker), so it names the worker executing, or that last executed,
 * the run. Nullable: runs claimed before this migration, and runs never started, name nobody. For operators (which
 * worker ran what) and the scale-out test (test/integration/scale-out.test.ts: manual runs spread over both workers,
 * a killed worker's run finished by the other).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE sync_runs ADD COLUMN claimed_by text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE sync_runs DROP COLUMN claimed_by`.execute(db);
}
