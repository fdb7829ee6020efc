import t from 'tap';
import { sql } from 'kysely';
import { createTestApp, type TestContext } from '../../../helpers/app.js';

async function addMembers(ctx: TestContext, n: number) {
  const auth = { authorization: await ctx.bearer('super@acme.test') };
  for (let i = 0; i < n; i++) {
    const r = await ctx.app.inject({
      method: 'POST',
      url: `/api/orgs/${ctx.orgs.acme}/members`,
      headers: auth,
      payload: { email: `m${i}@acme.test`, role: 'viewer' },
    });
    if (r.statusCode !== 201) throw new Error(r.body);
  }
}

/** Runs statements as the superuser with triggers off: what an attacker with database access could do. */
async function tamper(ctx: TestContext, statement: string) {
  const { db } = ctx.database;
  await db.kysely.connection().execute(async (conn) => {
    await db.execStatements(conn, ['BEGIN', 'SET LOCAL session_replication_role = replica', statement, 'COMMIT']);
  });
}

t.test('state changes are audited with actor, target and ip; filters and pagination work', async (t) => {
  const ctx = await createTestApp(t);
  await addMembers(ctx, 5);
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const res = await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/audit?action=member.invited&limit=2`, headers: admin });
  t.equal(res.statusCode, 200);
  const page1 = res.json();
  t.equal(page1.items.length, 2);
  t.ok(page1.nextCursor);
  t.match(page1.items[0], {
    action: 'member.invited',
    actor: { email: 'super@acme.test' },
    target: { type: 'invitation' },
    metadata: { email: 'm4@acme.test', role: 'viewer' },
    ip: '127.0.0.1',
  });

  const seen = [...page1.items];
  let cursor = page1.nextCursor;
  while (cursor) {
    const next = (
      await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/audit?action=member.invited&limit=2&cursor=${cursor}`, headers: admin })
    ).json();
    seen.push(...next.items);
    cursor = next.nextCursor;
  }
  const emails = seen.map((e) => e.metadata.email);
  t.equal(new Set(seen.map((e) => e.id)).size, seen.length, 'no event twice across pages');
  t.same(emails.slice(0, 5), ['m4@acme.test', 'm3@acme.test', 'm2@acme.test', 'm1@acme.test', 'm0@acme.test'], 'newest first');
  t.equal(seen.length, 5, 'the 5 invited now');

  const superId = (
    await ctx.database.db.kysely.selectFrom('users').select('id').where('email', '=', 'super@acme.test').executeTakeFirstOrThrow()
  ).id;
  const byActor = (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/audit?actorId=${superId}`, headers: admin })).json();
  t.equal(byActor.items.length, 5, 'actor filter');
  const future = (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/audit?from=2999-01-01T00:00:00Z`, headers: admin })).json();
  t.same(future, { items: [], nextCursor: null }, 'time filter; empty result is a valid page');

  const globexAdmin = { authorization: await ctx.bearer('admin@globex.test') };
  const globexTrail = (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.globex}/audit`, headers: globexAdmin })).json();
  t.notOk(
    globexTrail.items.some((e: { metadata: { email?: string } }) => e.metadata.email?.endsWith('@acme.test')),
    'another org never sees these events',
  );

  const owner = { authorization: await ctx.bearer('owner@linkyard.test') };
  const platform = (
    await ctx.app.inject({ url: `/api/platform/audit?orgId=${ctx.orgs.acme}&action=member.invited&limit=200`, headers: owner })
  ).json();
  t.equal(platform.items.length, 5, 'the platform owner sees the org trail');
  const logins = (await ctx.app.inject({ url: '/api/platform/audit?action=auth.login&limit=200', headers: owner })).json();
  t.ok(logins.items.length >= 4, 'platform-level events (sign-ins) are in the platform trail');
  t.ok(logins.items.every((e: { organizationId: string | null }) => e.organizationId === null));

  t.equal(
    (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/audit?cursor=garbage`, headers: admin })).statusCode,
    400,
    'bad cursor → 400',
  );
});

t.test('verify finds the first broken link after superuser tampering', async (t) => {
  const ctx = await createTestApp(t);
  await addMembers(ctx, 3);
  const owner = { authorization: await ctx.bearer('owner@linkyard.test') };
  const verify = async () => (await ctx.app.inject({ url: '/api/platform/audit/verify', headers: owner })).json();

  const clean = await verify();
  t.equal(clean.ok, true);
  t.ok(clean.checked >= 9, `checked ${clean.checked} events`);
  t.equal(clean.firstBrokenEventId, null);

  const events = await ctx.database.db.kysely
    .selectFrom('audit_events')
    .select(['id', 'seq'])
    .where('organization_id', '=', ctx.orgs.acme)
    .orderBy('seq')
    .execute();
  const victim = events[events.length - 2];
  await tamper(ctx, `UPDATE audit_events SET metadata = '{"email":"someone-else@acme.test"}' WHERE id = '${victim.id}'`);
  const edited = await verify();
  t.equal(edited.ok, false, 'an edited event breaks the chain');
  t.equal(edited.firstBrokenEventId, victim.id, 'and verify names it');

  // Deleting an event (after restoring the edit by deleting it) breaks the link of its successor.
  await tamper(ctx, `DELETE FROM audit_events WHERE id = '${victim.id}'`);
  const deleted = await verify();
  t.equal(deleted.ok, false);
  t.equal(deleted.firstBrokenEventId, events[events.length - 1].id, 'the event after the hole is reported');

  // A removed tail is caught by the chain head.
  const ctx2 = await createTestApp(t);
  const owner2 = { authorization: await ctx2.bearer('owner@linkyard.test') };
  const last = await ctx2.database.db.kysely
    .selectFrom('audit_events')
    .select('id')
    .where('organization_id', '=', ctx2.orgs.globex)
    .orderBy('seq', 'desc')
    .executeTakeFirstOrThrow();
  await tamper(ctx2, `DELETE FROM audit_events WHERE id = '${last.id}'`);
  const tail = (await ctx2.app.inject({ url: '/api/platform/audit/verify', headers: owner2 })).json();
  t.equal(tail.ok, false, 'a deleted last event is detected');
});

t.test('concurrent writers keep one unbroken chain', async (t) => {
  const ctx = await createTestApp(t);
  const auth = { authorization: await ctx.bearer('super@acme.test') };
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/orgs/${ctx.orgs.acme}/members`,
        headers: auth,
        payload: { email: `c${i}@acme.test`, role: 'viewer' },
      }),
    ),
  );
  t.same(new Set(results.map((r) => r.statusCode)), new Set([201]));
  const seqs = await sql<{ seq: number }>`SELECT seq FROM audit_events WHERE organization_id = ${ctx.orgs.acme} ORDER BY seq`.execute(
    ctx.database.db.kysely,
  );
  t.same(
    seqs.rows.map((r) => Number(r.seq)),
    Array.from({ length: seqs.rows.length }, (_, i) => i + 1),
    'sequence has no gaps or duplicates',
  );
  const owner = { authorization: await ctx.bearer('owner@linkyard.test') };
  t.equal((await ctx.app.inject({ url: '/api/platform/audit/verify', headers: owner })).json().ok, true);
});
