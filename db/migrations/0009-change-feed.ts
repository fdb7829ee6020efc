import { sql, type Kysely } from 'kysely';
import { tenantPolicyExpression } from './0005-rls-once-per-query.js';

/**
 * The records change feed (API.md, "Records change feed"): every record change takes a position in its
 * (integration, resource) feed, and a follower reads the feed by position.
 *
 * A position alone is not enough: a follower that has read up to position p must never later find a change
 * at a position below p, so positions must become visible in the order they were handed out. A sequence does
 * not promise that (two transactions draw 10 and 11, the one with 11 commits first, a reader sees 11 and
 * moves past 10 for good). So every writer of a feed first locks that feed's row in `record_feeds`, and only
 * then draws positions from the sequence, holding the lock until it commits (records-writer.ts). Writers of
 * one feed are serialized from their first position to their commit: the next writer draws only after the
 * previous one is committed (and visible: Postgres releases locks after making the commit visible), so its
 * positions are higher than every position visible before it. Writers of different feeds never wait for
 * each other; the sequence only makes positions unique, the lock makes them ordered.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE record_feeds (
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      integration_id uuid NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      resource text NOT NULL,
      -- When the last transaction that wrote the feed locked it.
      last_write_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (integration_id, resource)
    )`.execute(db);
  await sql.raw(`ALTER TABLE record_feeds ENABLE ROW LEVEL SECURITY`).execute(db);
  const expression = tenantPolicyExpression('organization_id');
  await sql.raw(`CREATE POLICY record_feeds_tenant ON record_feeds USING (${expression}) WITH CHECK (${expression})`).execute(db);
  await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON record_feeds TO linkyard_app`).execute(db);

  await sql`CREATE SEQUENCE records_feed_position_seq AS bigint`.execute(db);
  await sql`GRANT USAGE, SELECT ON SEQUENCE records_feed_position_seq TO linkyard_app`.execute(db);
  await sql`
    ALTER TABLE records
      ADD COLUMN feed_position bigint,
      ADD COLUMN feed_action text NOT NULL DEFAULT 'added' CHECK (feed_action IN ('added', 'updated', 'deleted'))`.execute(db);

  // Existing records enter their feeds in the order they last changed, with the action that change was.
  await sql`
    UPDATE records r SET
      feed_position = o.position,
      feed_action = CASE WHEN r.deleted_at IS NOT NULL THEN 'deleted' WHEN r.updated_at > r.first_seen_at THEN 'updated' ELSE 'added' END
      FROM (SELECT integration_id, resource, external_id,
                   row_number() OVER (ORDER BY updated_at, integration_id, resource, external_id) AS position
              FROM records) o
     WHERE r.integration_id = o.integration_id AND r.resource = o.resource AND r.external_id = o.external_id`.execute(db);
  await sql`SELECT setval('records_feed_position_seq', coalesce((SELECT max(feed_position) FROM records), 0) + 1, false)`.execute(db);
  await sql`
    INSERT INTO record_feeds (organization_id, integration_id, resource)
    SELECT DISTINCT organization_id, integration_id, resource FROM records`.execute(db);

  // Writers that do not take the feed lock (the demo seed, fixtures) still get a unique position.
  await sql`ALTER TABLE records ALTER COLUMN feed_position SET DEFAULT nextval('records_feed_position_seq'), ALTER COLUMN feed_position SET NOT NULL`.execute(
    db,
  );
  await sql`ALTER SEQUENCE records_feed_position_seq OWNED BY records.feed_position`.execute(db);
  // A feed read is one range scan of this index: (integration, resource) fixed, position > the cursor's.
  await sql`CREATE UNIQUE INDEX records_feed_idx ON records (integration_id, resource, feed_position)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX records_feed_idx`.execute(db);
  await sql`ALTER TABLE records DROP COLUMN feed_position, DROP COLUMN feed_action`.execute(db);
  await sql`DROP SEQUENCE IF EXISTS records_feed_position_seq`.execute(db);
  await sql`DROP TABLE record_feeds`.execute(db);
}
