import { sql, type Kysely } from 'kysely';

/**
 * A conflict can be over a delete: the organization deleted a record the provider changed since Linkyard last read
 * it (the provider refused the delete's precondition, 409/412). `local_deleted` marks those: their organization's
 * version is "deleted", so resolving with `local` deletes the record at the provider and `merged` is refused.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE conflicts ADD COLUMN local_deleted boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE conflicts DROP COLUMN local_deleted`.execute(db);
}
