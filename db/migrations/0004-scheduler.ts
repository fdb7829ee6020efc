import { sql, type Kysely } from 'kysely';
import { AGENDA_TABLE } from './0003-syncs.js';

/**
 * At most one Agenda job per sync. Agenda's Postgres backend implements `unique()` as a SELECT
 * followed by an INSERT, so two processes saving the same sync's schedule at once could both insert;
 * this index turns the loser's INSERT into a unique violation, which the scheduler retries as an update.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `
    CREATE UNIQUE INDEX ${AGENDA_TABLE}_one_per_sync_idx ON ${AGENDA_TABLE} ((data->>'syncId'))
    WHERE name = 'sync:scheduled'`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(`DROP INDEX IF EXISTS ${AGENDA_TABLE}_one_per_sync_idx`).execute(db);
}
