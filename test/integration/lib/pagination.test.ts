/**
 * Keyset pages over timestamps: rows written in one transaction share a `now()` with microseconds, while a
 * cursor carries what JavaScript dates hold (milliseconds). Paging must still see every row exactly once.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import t from 'tap';
import { createTestApp } from '../../helpers/app.js';

t.test('runs and syncs created in one transaction are each listed once across pages', async (t) => {
  const ctx = await createTestApp(t);
  const base = `/api/orgs/${ctx.orgs.acme}`;
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const integration = (
    await ctx.app.inject({
      method: 'POST',
      url: `${base}/integrations`,
      headers: admin,
      payload: { provider: 'hubspot', name: 'HubSpot', clientId: 'c', clientSecret: 'secret-value-123456' },
    })
  ).json();
  for (const resource of ['contacts', 'companies', 'deals']) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: `${base}/integrations/${integration.id}/syncs`,
      headers: admin,
      payload: { resource, mode: 'full', schedule: null },
    });
    t.equal(res.statusCode, 201, res.body);
  }
  // HubSpot has three resources and the API refuses a second sync of one: two more written straight to the table.
  const db = ctx.database.db.kysely;
  const { organization_id, integration_id, resource, mode } = await db
    .selectFrom('syncs')
    .selectAll()
    .where('integration_id', '=', integration.id)
    .executeTakeFirstOrThrow();
  for (let i = 0; i < 2; i++) {
    await db
      .insertInto('syncs')
      .values({
        id: randomUUID(),
        organization_id,
        integration_id,
        resource,
        mode,
        cron: null,
        timezone: null,
        enabled: true,
        cursor: null,
        next_run_at: null,
        last_run_at: null,
        updated_at: new Date(),
      })
      .execute();
  }
  // Five syncs with one creation time (as a bulk import would write them), then five runs queued in one transaction.
  await sql`UPDATE syncs SET created_at = '2026-03-01T10:00:00.123456Z'`.execute(ctx.database.db.kysely);
  const queued = await ctx.app.inject({ method: 'POST', url: `${base}/sync-all`, headers: admin });
  t.equal(queued.statusCode, 202, queued.body);
  t.equal(queued.json().queued, 5);

  async function pageThrough(url: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await ctx.app.inject({ url: `${url}${url.includes('?') ? '&' : '?'}limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: admin })
      ).json();
      ids.push(...page.items.map((x) => x.id));
      cursor = page.nextCursor;
    } while (cursor && ids.length < 50);
    return ids;
  }
  const runs = await pageThrough(`${base}/runs`);
  t.equal(runs.length, 5, 'every run, across pages of 2');
  t.equal(new Set(runs).size, 5, 'none twice');
  const syncs = await pageThrough(`${base}/integrations/${integration.id}/syncs`);
  t.equal(syncs.length, 5, 'every sync, across pages of 2');
  t.equal(new Set(syncs).size, 5, 'none twice');
});
