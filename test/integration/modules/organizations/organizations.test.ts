import t from 'tap';
import { createTestApp } from '../../../helpers/app.js';

t.test('platform owner creates an organization; its first Super Admin accepts the invitation', async (t) => {
  const ctx = await createTestApp(t);
  const owner = { authorization: await ctx.bearer('owner@linkyard.test') };
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/orgs',
    headers: owner,
    payload: { name: 'Initech', slug: 'initech', superAdminEmail: 'bill@initech.test' },
  });
  t.equal(created.statusCode, 201);
  const org = created.json();
  t.match(org, { slug: 'initech', name: 'Initech', status: 'active', role: null, superAdmin: { email: 'bill@initech.test' } });
  const token = org.superAdmin.invitation.token;
  t.ok(token, 'a new user gets a one-time invitation token');

  t.equal(
    (await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'bill@initech.test', password: 'anything-at-all' } }))
      .statusCode,
    401,
    'invited users cannot sign in yet',
  );
  const accepted = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/accept-invitation',
    payload: { token, password: 'a-long-enough-password', name: 'Bill L.' },
  });
  t.equal(accepted.statusCode, 200);
  t.same(
    accepted.json().memberships.map((m: { organizationSlug: string; role: string }) => [m.organizationSlug, m.role]),
    [['initech', 'super_admin']],
  );
  t.equal(accepted.json().user.name, 'Bill L.');
  t.equal(
    (await ctx.app.inject({ method: 'POST', url: '/api/auth/accept-invitation', payload: { token, password: 'a-long-enough-password' } }))
      .statusCode,
    400,
    'the token works once',
  );
  t.equal(
    (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'bill@initech.test', password: 'a-long-enough-password' },
      })
    ).statusCode,
    200,
  );

  t.equal(
    (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/orgs',
        headers: owner,
        payload: { name: 'Again', slug: 'initech', superAdminEmail: 'x@initech.test' },
      })
    ).statusCode,
    409,
    'slug taken → 409',
  );

  const existing = await ctx.app.inject({
    method: 'POST',
    url: '/api/orgs',
    headers: owner,
    payload: { name: 'Acme Labs', slug: 'acme-labs', superAdminEmail: 'admin@acme.test' },
  });
  t.ok(existing.json().superAdmin.invitation.token, 'an existing user is invited too: nobody joins without accepting');
  const adminOrgs = async () =>
    (await ctx.app.inject({ url: '/api/orgs', headers: { authorization: await ctx.bearer('admin@acme.test') } }))
      .json()
      .items.map((o: { slug: string }) => o.slug);
  t.same(await adminOrgs(), ['acme'], 'not a member before accepting');
  const joined = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/accept-invitation',
    payload: { token: existing.json().superAdmin.invitation.token, password: 'linkyard-demo-test' },
  });
  t.equal(joined.statusCode, 200, 'accepted with their current password');
  t.same(await adminOrgs(), ['acme', 'acme-labs']);

  const list = (await ctx.app.inject({ url: '/api/orgs?limit=2', headers: owner })).json();
  t.equal(list.items.length, 2);
  const rest = (await ctx.app.inject({ url: `/api/orgs?limit=10&cursor=${list.nextCursor}`, headers: owner })).json();
  t.same(
    [...list.items, ...rest.items].map((o: { slug: string }) => o.slug),
    ['acme', 'acme-labs', 'globex', 'initech'],
    'the owner pages through all organizations',
  );

  const tenants = (await ctx.app.inject({ url: '/api/platform/tenants', headers: owner })).json();
  const initech = tenants.items.find((x: { organization: { slug: string } }) => x.organization.slug === 'initech');
  t.match(initech, { organization: { name: 'Initech', status: 'active' }, members: 1, lastActivityAt: String });
  t.equal(tenants.items.find((x: { organization: { slug: string } }) => x.organization.slug === 'acme').members, 3);
});

t.test('members: add, change role, remove; the last Super Admin stays', async (t) => {
  const ctx = await createTestApp(t);
  const acme = ctx.orgs.acme;
  const sup = { authorization: await ctx.bearer('super@acme.test') };
  const url = `/api/orgs/${acme}/members`;

  const added = await ctx.app.inject({
    method: 'POST',
    url,
    headers: sup,
    payload: { email: 'New.Person@Acme.test', name: 'New Person', role: 'admin' },
  });
  t.equal(added.statusCode, 201);
  t.match(added.json(), { email: 'New.Person@Acme.test', role: 'admin', status: 'invited', invitation: { id: String, token: String } });
  const accepted = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/accept-invitation',
    payload: { token: added.json().invitation.token, password: 'a-long-enough-password' },
  });
  t.equal(accepted.statusCode, 200);
  t.equal(accepted.json().user.name, 'New Person', 'a new account takes the name the inviter gave');
  const newId = accepted.json().user.id;
  t.equal(
    (await ctx.app.inject({ method: 'POST', url, headers: sup, payload: { email: 'new.person@acme.test', role: 'viewer' } })).statusCode,
    409,
    'same email in another case → already a member',
  );

  // Someone who already has an account (in another organization) is invited the same way, and must accept.
  const globexAdmin = await ctx.app.inject({ method: 'POST', url, headers: sup, payload: { email: 'admin@globex.test', role: 'viewer' } });
  t.equal(globexAdmin.statusCode, 201);
  t.same(Object.keys(globexAdmin.json()).sort(), Object.keys(added.json()).sort(), 'the same answer as for a new email');
  t.notMatch(globexAdmin.body, /Globex|globex\.test"[^}]*name/, 'nothing about the account (such as its name) is revealed');
  const globexOrgs = async () =>
    (await ctx.app.inject({ url: '/api/orgs', headers: { authorization: await ctx.bearer('admin@globex.test') } })).json().items;
  t.same(
    (await globexOrgs()).map((o: { slug: string }) => o.slug),
    ['globex'],
    'not a member of Acme before accepting',
  );
  t.equal(
    (await ctx.app.inject({ url: `/api/orgs/${acme}/integrations`, headers: { authorization: await ctx.bearer('admin@globex.test') } }))
      .statusCode,
    404,
    'a pending invitation grants nothing',
  );
  const pending = (await ctx.app.inject({ url: `/api/orgs/${acme}/invitations`, headers: sup })).json();
  t.same(
    pending.items.map((i: { email: string; role: string }) => [i.email, i.role]),
    [['admin@globex.test', 'viewer']],
    'the pending invitation is listed',
  );
  const wrong = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/accept-invitation',
    payload: { token: globexAdmin.json().invitation.token, password: 'not-their-password-at-all' },
  });
  t.equal(wrong.statusCode, 401, 'an existing account accepts with its own password only');
  t.equal(
    (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/accept-invitation',
        payload: { token: globexAdmin.json().invitation.token, password: 'linkyard-demo-test' },
      })
    ).statusCode,
    200,
  );
  t.same(
    (await globexOrgs()).map((o: { slug: string; role: string }) => [o.slug, o.role]),
    [
      ['acme', 'viewer'],
      ['globex', 'admin'],
    ],
    'one user, two organizations, two roles',
  );
  t.same((await ctx.app.inject({ url: `/api/orgs/${acme}/invitations`, headers: sup })).json().items, [], 'no longer pending');

  const revoked = await ctx.app.inject({ method: 'POST', url, headers: sup, payload: { email: 'someone@else.test', role: 'viewer' } });
  t.equal(
    (await ctx.app.inject({ method: 'DELETE', url: `/api/orgs/${acme}/invitations/${revoked.json().invitation.id}`, headers: sup }))
      .statusCode,
    204,
  );
  t.equal(
    (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/auth/accept-invitation',
        payload: { token: revoked.json().invitation.token, password: 'a-long-enough-password' },
      })
    ).statusCode,
    400,
    'a revoked invitation does not work',
  );

  const page = (await ctx.app.inject({ url: `${url}?limit=2`, headers: sup })).json();
  t.equal(page.items.length, 2);
  const page2 = (await ctx.app.inject({ url: `${url}?limit=10&cursor=${page.nextCursor}`, headers: sup })).json();
  t.same(
    [...page.items, ...page2.items].map((m: { email: string }) => m.email.toLowerCase()),
    ['admin@acme.test', 'admin@globex.test', 'new.person@acme.test', 'super@acme.test', 'viewer@acme.test'],
    'members sorted by email, paged',
  );

  const promoted = await ctx.app.inject({ method: 'PATCH', url: `${url}/${newId}`, headers: sup, payload: { role: 'super_admin' } });
  t.equal(promoted.statusCode, 200);
  t.equal(promoted.json().role, 'super_admin');

  const superId = (
    await ctx.database.db.kysely.selectFrom('users').select('id').where('email', '=', 'super@acme.test').executeTakeFirstOrThrow()
  ).id;
  t.equal(
    (await ctx.app.inject({ method: 'DELETE', url: `${url}/${newId}`, headers: sup })).statusCode,
    204,
    'one of two super admins can go',
  );
  const demote = await ctx.app.inject({ method: 'PATCH', url: `${url}/${superId}`, headers: sup, payload: { role: 'admin' } });
  t.equal(demote.statusCode, 409, 'the last Super Admin cannot be demoted');
  t.match(demote.json().message, /last Super Admin/);
  t.equal((await ctx.app.inject({ method: 'DELETE', url: `${url}/${superId}`, headers: sup })).statusCode, 409, 'nor removed');
  t.equal(
    (await ctx.app.inject({ method: 'DELETE', url: `${url}/${newId}`, headers: sup })).statusCode,
    404,
    'removing a non-member → 404',
  );

  const actions = (await ctx.app.inject({ url: `/api/orgs/${acme}/audit?limit=200`, headers: sup }))
    .json()
    .items.map((e: { action: string }) => e.action);
  for (const a of ['member.invited', 'member.joined', 'member.invitation_revoked', 'member.role_changed', 'member.removed'])
    t.ok(actions.includes(a), `${a} audited`);
});

t.test('renaming: Super Admin and Platform Owner may, Admin may not', async (t) => {
  const ctx = await createTestApp(t);
  const acme = ctx.orgs.acme;
  const patch = async (email: string, payload: object) =>
    ctx.app.inject({ method: 'PATCH', url: `/api/orgs/${acme}`, headers: { authorization: await ctx.bearer(email) }, payload });
  t.equal((await patch('super@acme.test', { name: 'Acme Corp' })).json().name, 'Acme Corp');
  t.equal((await patch('owner@linkyard.test', { name: 'Acme Corporation' })).json().name, 'Acme Corporation');
  t.equal((await patch('super@acme.test', { status: 'suspended' })).statusCode, 403, 'a Super Admin cannot suspend');
  t.equal((await patch('admin@acme.test', { name: 'Hacked' })).statusCode, 403);
  const got = await ctx.app.inject({ url: `/api/orgs/${acme}`, headers: { authorization: await ctx.bearer('viewer@acme.test') } });
  t.match(got.json(), { name: 'Acme Corporation', role: 'viewer' });
});

t.test('migration 0006: invitations pending under the old model keep working, and grant nothing until accepted', async (t) => {
  const { createTestDatabase } = await import('../../../helpers/database.js');
  const { createMigrator, unwrap } = await import('../../../../db/migrate.js');
  const { sha256 } = await import('../../../../server/src/lib/passwords.js');
  const { sql } = await import('kysely');
  const database = await createTestDatabase({ migrate: false });
  t.teardown(() => database.close());
  const db = database.db.kysely;
  unwrap(await createMigrator(db).migrateTo('0005-rls-once-per-query'));
  // The old model: an invited user with the token on the users row, and a membership already in place.
  const orgId = '01900000-0000-7000-8000-0000000000a1';
  const userId = '01900000-0000-7000-8000-0000000000b1';
  await sql`INSERT INTO organizations (id, slug, name, status, updated_at) VALUES (${orgId}, 'oldco', 'Old Co', 'active', now())`.execute(
    db,
  );
  await sql`INSERT INTO users (id, email, name, status, invitation_token_hash, invitation_expires_at, updated_at)
            VALUES (${userId}, 'pending@oldco.test', 'Pending Person', 'invited', ${sha256('old-token')}, now() + interval '3 days', now())`.execute(
    db,
  );
  await sql`INSERT INTO memberships (organization_id, user_id, role) VALUES (${orgId}, ${userId}, 'admin')`.execute(db);

  unwrap(await createMigrator(db).migrateToLatest());
  const memberships = await db.selectFrom('memberships').selectAll().where('user_id', '=', userId).execute();
  t.same(memberships, [], 'the pending person is no member until they accept');
  const invitation = await db.selectFrom('invitations').selectAll().where('organization_id', '=', orgId).executeTakeFirstOrThrow();
  t.match(invitation, { email: 'pending@oldco.test', role: 'admin', token_hash: sha256('old-token'), accepted_at: null });
  t.ok(invitation.expires_at.getTime() > Date.now(), 'with its old expiry');
});
