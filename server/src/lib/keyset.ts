import { sql, type SelectQueryBuilder } from 'kysely';

/** Where a newest-first page continues: the time and id of the last row of the page before it. */
export interface NewestFirstCursor {
  at: Date | string;
  id: string;
}

/**
 * A newest-first page: rows ordered by (time column, id) descending, those after `before`, and one more than `limit`
 * so that the caller can tell whether more follow (lib/pagination.ts, toPage). A row comparison on the same pair as
 * the order: one range scan of an index on (…, time, id), however deep the page, where OFFSET would read and drop
 * every row before it. Every newest-first list uses this one rule.
 */
export function newestFirst<DB, TB extends keyof DB, O>(
  q: SelectQueryBuilder<DB, TB, O>,
  timeColumn: 'created_at' | 'received_at' | 'at',
  before: NewestFirstCursor | undefined,
  limit: number,
): SelectQueryBuilder<DB, TB, O> {
  const time = sql.ref(timeColumn);
  const after = before ? q.where(sql<boolean>`(${time}, id) < (${before.at}::timestamptz, ${before.id}::uuid)`) : q;
  return after
    .orderBy(time, 'desc')
    .orderBy(sql.ref('id'), 'desc')
    .limit(limit + 1);
}
