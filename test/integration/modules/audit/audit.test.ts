import t from 'tap';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { systemContext } from '../../../../server/src/lib/context.js';
import { inScope } from '../../../../server/src/lib/db-scope.js';
import { recordAudit } from '../../../../server/src/modules/audit/audit.service.js';
import { createTestApp, type TestContext } from '../../../helpers/app.js';
import { usingPostgres } from '../../../helpers/database.js';
import { waitUntil } from '../../../helpers/wait-until.js';

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

t.test(
  "a transaction that has recorded an event does not hold up the organization's other audited writes while it goes on",
  { skip: !usingPostgres() && 'Postgres only: PGlite has one connection, so one transaction at a time' },
  async (t) => {
    const ctx = await createTestApp(t);
    const { db } = ctx.database;
    const orgId = ctx.orgs.acme;
    const auth = { authorization: await ctx.bearer('super@acme.test') };
    // Sessions of this database waiting for a lock (a row lock shows as a wait for the holder's transaction).
    const waitingForLock = async () =>
      Number(
        (
          await sql<{ n: string }>`SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(db.kysely)
        ).rows[0].n,
      ) > 0;
    // Text the hash is computed over in SQL: non-ASCII, quotes, backslashes, the literal quoting's marker, and keys
    // named like the chain's own fields.
    const metadata = { step: 'first', seq: 0, at: '"seq":0', note: 'naïve "quoted" — ✓ \\ $lyq$' };

    let second: LightMyRequestResponse | undefined;
    let pending: Promise<unknown> = Promise.resolve();
    await inScope(db, { org: orgId }, async (tx) => {
      await recordAudit(tx, systemContext('audit-test'), {
        organizationId: orgId,
        action: 'organization.settings_changed',
        target: { type: 'organization', id: orgId },
        metadata,
      });
      // The transaction goes on after its event (most do: the reads for the response). Meanwhile another audited write
      // of the same organization, on another connection:
      pending = ctx.app
        .inject({
          method: 'POST',
          url: `/api/orgs/${orgId}/members`,
          headers: auth,
          payload: { email: 'during@acme.test', role: 'viewer' },
        })
        .then((r) => (second = r));
      await waitUntil(async () => second !== undefined || (await waitingForLock()), 'the second write to finish or to wait for a lock');
      t.equal(second?.statusCode, 201, 'the second write committed while the first transaction was still open, waiting for no lock');
    });
    await pending;

    const events = await db.kysely
      .selectFrom('audit_events')
      .select(['seq', 'at', 'action', 'metadata'])
      .where('organization_id', '=', orgId)
      .orderBy('seq', 'desc')
      .limit(2)
      .execute();
    t.same(
      events.map((e) => e.action),
      ['organization.settings_changed', 'member.invited'],
      'the chain has the events in the order they committed',
    );
    t.same(events[0].metadata, metadata);
    t.ok(events[0].at.getTime() >= events[1].at.getTime(), "an event's time follows its place in the chain");
    const owner = { authorization: await ctx.bearer('owner@linkyard.test') };
    const verified = (await ctx.app.inject({ url: '/api/platform/audit/verify', headers: owner })).json();
    t.equal(verified.ok, true, 'the hashes computed by Postgres verify');
  },
);

t.test('an event that cannot be appended fails its transaction and rolls back the change it describes', async (t) => {
  const ctx = await createTestApp(t);
  const { db } = ctx.database;
  const orgId = ctx.orgs.acme;
  const before = await db.kysely.selectFrom('organizations').select('name').where('id', '=', orgId).executeTakeFirstOrThrow();
  // The platform's chain is out of an organization's scope (row-level security): its event cannot be appended there.
  const failed = inScope(db, { org: orgId }, async (tx) => {
    await tx.updateTable('organizations').set({ name: 'Renamed without a trail' }).where('id', '=', orgId).execute();
    await recordAudit(tx, systemContext('audit-test'), {
      organizationId: null,
      action: 'organization.settings_changed',
      target: { type: 'organization', id: orgId },
    });
  });
  await t.rejects(failed, { message: /row-level security/ }, 'the transaction fails at its commit, where the event is written');
  const after = await db.kysely.selectFrom('organizations').select('name').where('id', '=', orgId).executeTakeFirstOrThrow();
  t.equal(after.name, before.name, 'and the change is not there');
});
