import { sql, type Kysely } from 'kysely';

/**
 * Selective sync (API.md, Two-way sync: `fields` and `filters`). `syncs.filters` existed unused since 0003 as an
 * object; it becomes the list of `{ field, op, value }` filters. `fields` lists the provider fields to fetch
 * (empty: whole records). Records a run filters out before storing are counted in `sync_runs.skipped` (0013).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE syncs ADD COLUMN fields jsonb NOT NULL DEFAULT '[]'`.execute(db);
  await sql`ALTER TABLE syncs ALTER COLUMN filters SET DEFAULT '[]'`.execute(db);
  await sql`UPDATE syncs SET filters = '[]' WHERE jsonb_typeof(filters) <> 'array'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`UPDATE syncs SET filters = '{}'`.execute(db);
  await sql`ALTER TABLE syncs ALTER COLUMN filters SET DEFAULT '{}'`.execute(db);
  await sql`ALTER TABLE syncs DROP COLUMN fields`.execute(db);
}
