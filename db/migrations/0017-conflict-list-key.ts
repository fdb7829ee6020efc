import { sql, type Kysely } from 'kysely';

/**
 * The conflicts list pages by (created_at, id) with a millisecond cursor, like syncs and runs (0007 explains why):
 * a push run now opens the conflicts of a slice of writes in one transaction, so they share one `now()`, finer than
 * any cursor could name, and a page boundary among them skipped rows. Millisecond keys make the cursor exact.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE conflicts ALTER COLUMN created_at TYPE timestamptz(3)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE conflicts ALTER COLUMN created_at TYPE timestamptz`.execute(db);
}
