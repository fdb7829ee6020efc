import t, { type Test } from 'tap';
import { sql } from 'kysely';
import { copyInScope, inScope, inScopeBatched, readInScope } from '../../../server/src/lib/db-scope.js';
import type { Db } from '../../../db/client.js';
import { createTestApp } from '../../helpers/app.js';

/** Ten pooled connections (the pool's size), each asked who it is: none may keep the application role or an organization. */
async function assertConnectionsUnscoped(t: Test, db: Db, roleMessage: string) {
  const states = await Promise.all(
    Array.from({ length: 10 }, () =>
      db.kysely.connection().execute(async (conn) => {
        const r = await sql<{ role: string; org: string | null }>`
          SELECT current_user AS role, current_setting('linkyard.org_id', true) AS org`.execute(conn);
        return r.rows[0];
      }),
    ),
  );
  for (const state of states) {
    t.not(state.role, 'linkyard_app', roleMessage);
    t.ok(state.org === null || state.org === '', 'and has no organization set');
  }
}

/**
 * Row-level security is the last of the three tenancy checks: even a query with no WHERE clause,
 * run as the application role, sees only the organization set for its transaction.
 */
t.test("tenant tables show only the rows of the transaction's organization", async (t) => {
  const ctx = await createTestApp(t);
  const { db } = ctx.database;
  const { acme, globex } = ctx.orgs;

  const countsIn = (scope: Parameters<typeof inScope>[1]) =>
    inScope(db, scope, async (tx) => {
      const r = await sql<{ orgs: number; members: number; audit: number; acme_members: number }>`
        SELECT (SELECT count(*)::int FROM organizations) AS orgs,
               (SELECT count(*)::int FROM memberships) AS members,
               (SELECT count(*)::int FROM audit_events) AS audit,
               (SELECT count(*)::int FROM memberships WHERE organization_id = ${acme}) AS acme_members`.execute(tx);
      return r.rows[0];
    });

  const inAcme = await countsIn({ org: acme });
  t.equal(inAcme.orgs, 1, 'acme sees its organization only');
  t.equal(inAcme.members, 3, 'acme sees its 3 memberships');
  t.equal(inAcme.acme_members, 3);
  t.ok(inAcme.audit > 0);

  const inGlobex = await countsIn({ org: globex });
  t.equal(inGlobex.orgs, 1);
  t.equal(inGlobex.members, 2, 'globex sees its 2 memberships');
  t.equal(inGlobex.acme_members, 0, 'asking for acme rows by id from globex context returns none');

  // No tenant context at all: the application role sees nothing.
  const none = await db.kysely.connection().execute(async (conn) => {
    await db.execStatements(conn, ['BEGIN', 'SET LOCAL ROLE linkyard_app']);
    const r = await sql<{ orgs: number; members: number; audit: number }>`
      SELECT (SELECT count(*)::int FROM organizations) AS orgs,
             (SELECT count(*)::int FROM memberships) AS members,
             (SELECT count(*)::int FROM audit_events) AS audit`.execute(conn);
    await db.execStatements(conn, ['ROLLBACK']);
    return r.rows[0];
  });
  t.same(none, { orgs: 0, members: 0, audit: 0 }, 'without tenant context no tenant row is visible');

  // Writing a row into another organization is refused by the policy's WITH CHECK.
  const userId = (await db.kysely.selectFrom('users').select('id').where('email', '=', 'super@globex.test').executeTakeFirstOrThrow()).id;
  await t.rejects(
    inScope(db, { org: acme }, (tx) =>
      tx.insertInto('memberships').values({ organization_id: globex, user_id: userId, role: 'viewer' }).execute(),
    ),
    /row-level security/,
    'insert into another organization is refused',
  );
  const updated = await inScope(db, { org: acme }, (tx) =>
    tx.updateTable('memberships').set({ role: 'viewer' }).where('organization_id', '=', globex).executeTakeFirst(),
  );
  t.equal(Number(updated.numUpdatedRows), 0, "update of another organization's rows touches nothing");

  // Settings are transaction-local: the next transaction on the same pooled connection starts clean.
  await inScope(db, { org: acme }, async () => {});
  const after = await db.kysely.connection().execute(async (conn) => {
    const r = await sql<{ v: string | null }>`SELECT current_setting('linkyard.org_id', true) AS v`.execute(conn);
    return r.rows[0].v;
  });
  t.ok(after === null || after === '', 'no organization setting survives the transaction');

  // The user scope sees the caller's own memberships across organizations, and nobody else's.
  const own = await inScope(db, { user: userId }, (tx) => tx.selectFrom('memberships').select('organization_id').execute());
  t.same(
    own.map((r) => r.organization_id),
    [globex],
  );
});

t.test('a one-round-trip read (readInScope) sees what inScope sees, and its settings end with it', async (t) => {
  const ctx = await createTestApp(t);
  const { db } = ctx.database;
  const { acme, globex } = ctx.orgs;
  const members = (org: string, where: string) =>
    readInScope(db, { org }, (q) => q.selectFrom('memberships').select('organization_id').where('organization_id', '=', where));

  t.equal((await members(acme, acme)).length, 3, "acme's scope reads acme's 3 memberships");
  t.equal((await members(acme, globex)).length, 0, "acme's scope asking for globex's rows by id reads none");
  t.equal((await members(globex, globex)).length, 2, "globex's scope reads globex's 2 memberships");
  const all = await readInScope(db, { org: acme }, (q) => q.selectFrom('organizations').select('id'));
  t.same(
    all.map((r) => r.id),
    [acme],
    'no WHERE clause: one organization',
  );
  const asWho = await readInScope(db, { org: acme }, (q) =>
    q.selectNoFrom([sql<string>`current_user`.as('role'), sql<string>`current_setting('linkyard.org_id')`.as('org')]),
  );
  t.same(asWho, [{ role: 'linkyard_app', org: acme }], 'the query runs as the application role in the scope');

  // Parameters reach the query as pg would send them: text with quotes and backslashes, dates, nulls, arrays.
  const tricky = "O'Brien \\ 'x' \\' --";
  const echoed = await readInScope(db, { org: acme }, (q) =>
    q.selectNoFrom([
      sql<string>`${tricky}::text`.as('text'),
      sql<string>`to_char(${new Date('2026-01-02T03:04:05.678Z')}::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS')`.as('date'),
      sql<null>`${null}::text`.as('nothing'),
      sql<number>`cardinality(${['a', "b'c"]}::text[])`.as('items'),
    ]),
  );
  t.same(echoed, [{ text: tricky, date: '2026-01-02 03:04:05.678', nothing: null, items: 2 }], 'parameters arrive unchanged');
  // Texts that a dollar-quoted literal could not hold as they are.
  for (const text of ['$lyq$); SELECT 1; --', 'ends in $lyq', '$$ $lyq', "it's $lyq$ \\ '"]) {
    const [row] = await readInScope(db, { org: acme }, (q) => q.selectNoFrom(sql<string>`${text}::text`.as('text')));
    t.equal(row.text, text, `${JSON.stringify(text)} arrives unchanged`);
  }

  // Every pooled connection is clean afterwards (default role, no organization), after a read and after a failed one.
  await t.rejects(
    readInScope(db, { org: acme }, (q) => q.selectNoFrom(sql<number>`1 / ${0}::int`.as('x'))),
    /division by zero/,
    "a failing read's error reaches the caller",
  );
  for (let i = 0; i < 12; i++) await members(acme, acme);
  await assertConnectionsUnscoped(t, db, 'the next user of the connection is not the application role');
});

t.test('a streamed read (copyInScope) sees what inScope sees, its values as UTF-8 bytes, and its settings end with it', async (t) => {
  const ctx = await createTestApp(t);
  const { db } = ctx.database;
  const { acme, globex } = ctx.orgs;
  const values = async (org: string, build: Parameters<typeof copyInScope>[2]) => {
    const out: string[] = [];
    const count = await copyInScope(db, { org }, build, (bytes, start, end) => out.push(bytes.toString('utf8', start, end)));
    t.equal(count, out.length, 'the count is the number of values passed on');
    return out;
  };
  const members = (org: string, where: string) =>
    values(org, (q) =>
      q
        .selectFrom('memberships')
        .select(sql<string>`organization_id::text`.as('v'))
        .where('organization_id', '=', where),
    );

  t.equal((await members(acme, acme)).length, 3, "acme's scope reads acme's 3 memberships");
  t.same(await members(acme, globex), [], "acme's scope asking for globex's rows by id reads none");
  t.same(
    await values(acme, (q) => q.selectFrom('organizations').select(sql<string>`id::text`.as('v'))),
    [acme],
    'no WHERE clause: one organization',
  );
  const tricky = "O'Brien \\ 'x' $1 -- Zoë 🦄 \n\t";
  t.same(
    await values(acme, (q) =>
      q.selectNoFrom(sql<string>`current_user || ' ' || current_setting('linkyard.org_id') || ' ' || ${tricky}::text`.as('v')),
    ),
    [`linkyard_app ${acme} ${tricky}`],
    'as the application role in the scope; a parameter with quotes, backslashes, $1 and text outside ASCII arrives unchanged',
  );
  const many = await values(acme, (q) =>
    q.selectFrom(sql<{ s: number }>`generate_series(1, 5000)`.as('s')).select(sql<string>`repeat('é', s % 300) || s`.as('v')),
  );
  t.equal(many.length, 5000, 'many rows, some split across reads from the socket');
  t.ok(
    many.every((v, i) => v === 'é'.repeat((i + 1) % 300) + (i + 1)),
    'each value whole and in order',
  );

  await t.rejects(
    values(acme, (q) => q.selectNoFrom(sql<string>`(1 / ${0}::int)::text`.as('v'))),
    /division by zero/,
    "a failing read's error reaches the caller",
  );
  await t.rejects(
    copyInScope(
      db,
      { org: acme },
      (q) => q.selectFrom(sql<{ s: number }>`generate_series(1, 100)`.as('s')).select(sql<string>`s::text`.as('v')),
      (bytes, start, end) => {
        if (bytes.toString('utf8', start, end) === '50') throw new Error('the receiver gave up');
      },
    ),
    /the receiver gave up/,
    "the receiver's error reaches the caller",
  );
  await assertConnectionsUnscoped(t, db, 'the next user of the connection is not the application role');
  t.equal((await members(globex, globex)).length, 2, 'and reads go on as before');
});

t.test(
  'a batched transaction (inScopeBatched) runs in the scope, returns the rows of each query, and commits or rolls back whole',
  async (t) => {
    const ctx = await createTestApp(t);
    const { db } = ctx.database;
    const { acme, globex } = ctx.orgs;
    const names = () =>
      sql<{ name: string }>`SELECT name FROM organizations ORDER BY name`.execute(db.kysely).then((r) => r.rows.map((x) => x.name));
    const before = await names();

    const rows = await inScopeBatched(db, { org: acme }, async (q, send) => {
      const [who, orgs] = await send([
        q.selectNoFrom([sql<string>`current_user`.as('role'), sql<string>`current_setting('linkyard.org_id')`.as('org')]).compile(),
        q.selectFrom('organizations').select('id').compile(),
      ]);
      const [renamed, text] = await send(
        [
          q.updateTable('organizations').set({ name: 'Acme (batched)' }).where('id', 'in', [acme, globex]).returning('id').compile(),
          q.selectNoFrom(sql<string>`${"it's $lyq$ \\"}::text`.as('text')).compile(),
        ],
        { commit: true },
      );
      return { who, orgs, renamed, text };
    });
    t.same(rows.who, [{ role: 'linkyard_app', org: acme }], 'the queries run as the application role in the scope');
    t.same(rows.orgs, [{ id: acme }], 'row-level security applies: one organization');
    t.same(rows.renamed, [{ id: acme }], "the update reaches acme's row only");
    t.same(rows.text, [{ text: "it's $lyq$ \\" }], 'parameters arrive unchanged');
    t.ok((await names()).includes('Acme (batched)'), 'committed');

    await t.rejects(
      inScopeBatched(db, { org: acme }, async (q, send) => {
        await send([q.updateTable('organizations').set({ name: 'Acme (rolled back)' }).where('id', '=', acme).compile()]);
        await send([q.selectNoFrom(sql<number>`1 / ${0}::int`.as('x')).compile()], { commit: true });
      }),
      /division by zero/,
      "a failing query's error reaches the caller",
    );
    t.notOk((await names()).includes('Acme (rolled back)'), 'the batch before the failure is rolled back with it');
    await t.rejects(
      inScopeBatched(db, { org: acme }, async (q, send) => {
        await send([q.updateTable('organizations').set({ name: 'Acme (thrown)' }).where('id', '=', acme).compile()]);
        throw new Error('the caller gave up');
      }),
      /gave up/,
    );
    t.notOk((await names()).includes('Acme (thrown)'), 'an error thrown between batches rolls back');
    t.equal(before.length, (await names()).length);

    await assertConnectionsUnscoped(t, db, 'the next user of a connection is not the application role');
  },
);

t.test('audit events are append-only, even for the table owner', async (t) => {
  const ctx = await createTestApp(t);
  const { db } = ctx.database;
  await t.rejects(sql`UPDATE audit_events SET action = 'x'`.execute(db.kysely), /append-only/, 'UPDATE refused');
  await t.rejects(sql`DELETE FROM audit_events`.execute(db.kysely), /append-only/, 'DELETE refused');
  await t.rejects(sql`TRUNCATE audit_events`.execute(db.kysely), /append-only/, 'TRUNCATE refused');
});
