import { sql, type Kysely } from 'kysely';

/**
 * Lists of syncs and runs page by (created_at, id) with cursors that carry the time as JavaScript holds it, in
 * milliseconds. `DEFAULT now()` stored microseconds, so rows written in one transaction (sync-all, scheduled
 * bursts) shared a time finer than any cursor could name, and a page boundary among them skipped rows. Storing
 * these keys at millisecond precision makes the cursor exact. (Audit events and logs take their time from
 * JavaScript already.)
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE syncs ALTER COLUMN created_at TYPE timestamptz(3)`.execute(db);
  await sql`ALTER TABLE sync_runs ALTER COLUMN created_at TYPE timestamptz(3)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE syncs ALTER COLUMN created_at TYPE timestamptz`.execute(db);
  await sql`ALTER TABLE sync_runs ALTER COLUMN created_at TYPE timestamptz`.execute(db);
}
