import t from 'tap';
import { createTestApp, type TestContext } from '../../../helpers/app.js';

let ctx: TestContext;
t.before(async () => {
  ctx = await createTestApp(t);
});

const asSuper = async () => ({ authorization: await ctx.bearer('super@acme.test') });
const invite = async (email: string, role = 'viewer') =>
  ctx.app.inject({ method: 'POST', url: `/api/orgs/${ctx.orgs.acme}/members`, headers: await asSuper(), payload: { email, role } });
const tokenOf = (url: string) => decodeURIComponent(url.split('/invite/')[1]);
const preview = (token: string) => ctx.app.inject({ method: 'POST', url: '/api/auth/invitations/preview', payload: { token } });
const acmeMembers = async () =>
  (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/members`, headers: await asSuper() }))
    .json()
    .items.map((m: { email: string }) => m.email);

t.test('an invitation link accepted by a new person: name and password, then a member', async (t) => {
  const res = await invite('newcomer@example.test', 'admin');
  t.equal(res.statusCode, 201);
  const { url } = res.json().invitation;
  t.match(url, new RegExp(`^${ctx.config.publicUrl}/invite/[A-Za-z0-9_-]+$`), 'the link is $PUBLIC_URL/invite/<token>');
  const token = tokenOf(url);

  const seen = await preview(token);
  t.equal(seen.statusCode, 200);
  t.same(seen.json(), {
    organizationName: 'Acme',
    email: 'newcomer@example.test',
    role: 'admin',
    expiresAt: seen.json().expiresAt,
    hasAccount: false,
  });
  t.notOk((await acmeMembers()).includes('newcomer@example.test'), 'not a member before accepting');

  const accepted = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/accept-invitation',
    payload: { token, name: 'New Comer', password: 'newcomer-password-1' },
  });
  t.equal(accepted.statusCode, 200);
  t.equal(accepted.json().user.name, 'New Comer');
  t.ok((await acmeMembers()).includes('newcomer@example.test'));
  t.equal((await preview(token)).statusCode, 400, 'the link works once');
  t.equal((await preview(token)).json().field, '/token');
});

t.test('an existing user accepts while signed in; someone else signed in cannot', async (t) => {
  const res = await invite('admin@globex.test');
  const token = tokenOf(res.json().invitation.url);
  t.equal((await preview(token)).json().hasAccount, true, 'the page knows to ask for no new password');

  const stranger = { authorization: await ctx.bearer('super@globex.test') };
  const wrong = await ctx.app.inject({ method: 'POST', url: '/api/auth/invitations/accept', headers: stranger, payload: { token } });
  t.equal(wrong.statusCode, 403);
  t.match(wrong.json().message, /for admin@globex\.test/);

  const own = { authorization: await ctx.bearer('admin@globex.test') };
  const accepted = await ctx.app.inject({ method: 'POST', url: '/api/auth/invitations/accept', headers: own, payload: { token } });
  t.equal(accepted.statusCode, 200);
  t.equal(accepted.json().organizationId, ctx.orgs.acme);
  const orgs = (await ctx.app.inject({ url: '/api/orgs', headers: own })).json().items.map((o: { slug: string }) => o.slug);
  t.same(orgs.sort(), ['acme', 'globex'], 'a member of both now, at once');
  const joined = await ctx.database.db.kysely.selectFrom('audit_events').select('metadata').where('action', '=', 'member.joined').execute();
  t.ok(
    joined.some((e) => (e.metadata as { email?: string }).email === 'admin@globex.test'),
    'audited',
  );
});

t.test('resend: a new link, the old one is dead; list and revoke; bad input is a clear 4xx', async (t) => {
  const headers = await asSuper();
  const first = (await invite('resend-me@example.test')).json().invitation;
  const resent = await ctx.app.inject({ method: 'POST', url: `/api/orgs/${ctx.orgs.acme}/invitations/${first.id}/resend`, headers });
  t.equal(resent.statusCode, 200);
  t.equal(resent.json().id, first.id);
  t.not(resent.json().url, first.url);
  t.equal((await preview(tokenOf(first.url))).statusCode, 400, 'the old link is dead');
  t.equal((await preview(tokenOf(resent.json().url))).statusCode, 200, 'the new one works');
  const oldAccept = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/accept-invitation',
    payload: { token: tokenOf(first.url), password: 'resend-password-1' },
  });
  t.equal(oldAccept.statusCode, 400, 'and cannot be accepted');

  const list = (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/invitations`, headers })).json();
  t.ok(list.items.some((i: { email: string }) => i.email === 'resend-me@example.test'));
  t.notOk(JSON.stringify(list).includes(tokenOf(resent.json().url)), 'the list never shows tokens');

  const unknown = await ctx.app.inject({
    method: 'POST',
    url: `/api/orgs/${ctx.orgs.acme}/invitations/01900000-0000-7000-8000-000000000000/resend`,
    headers,
  });
  t.equal(unknown.statusCode, 404);
  const malformed = await ctx.app.inject({ method: 'POST', url: `/api/orgs/${ctx.orgs.acme}/invitations/nope/resend`, headers });
  t.equal(malformed.statusCode, 400);
  t.equal(malformed.json().field, 'params.invitationId');
  const asAdmin = { authorization: await ctx.bearer('admin@acme.test') };
  t.equal(
    (await ctx.app.inject({ method: 'POST', url: `/api/orgs/${ctx.orgs.acme}/invitations/${first.id}/resend`, headers: asAdmin }))
      .statusCode,
    403,
    'only a Super Admin resends',
  );

  t.equal((await ctx.app.inject({ method: 'DELETE', url: `/api/orgs/${ctx.orgs.acme}/invitations/${first.id}`, headers })).statusCode, 204);
  t.equal((await preview(tokenOf(resent.json().url))).statusCode, 400, 'a revoked invitation’s link is dead');
  t.ok(
    (await ctx.database.db.kysely.selectFrom('audit_events').select('id').where('action', '=', 'member.invitation_resent').execute())
      .length,
    'resending is audited',
  );
  t.notOk(ctx.logs.join('\n').includes(tokenOf(resent.json().url)), 'no token in the logs');
});
