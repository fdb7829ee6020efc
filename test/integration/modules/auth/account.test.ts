import t from 'tap';
import { createTestApp, DEMO_PASSWORD, type TestContext } from '../../../helpers/app.js';

/** One app for the file: each test signs in as its own demo user, so they do not disturb each other. */
let ctx: TestContext;
t.before(async () => {
  ctx = await createTestApp(t);
});

const signIn = async (email: string, password = DEMO_PASSWORD) => {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  return { status: res.statusCode, authorization: res.statusCode === 200 ? `Bearer ${res.json().accessToken}` : '' };
};
const me = (authorization: string) => ctx.app.inject({ url: '/api/auth/me', headers: { authorization } });

t.test('profile: name and time zone change; bad input is a 400 with its field and changes nothing', async (t) => {
  const { authorization } = await signIn('viewer@acme.test');
  const patch = (payload: unknown) =>
    ctx.app.inject({ method: 'PATCH', url: '/api/auth/me', headers: { authorization }, payload: payload as object });

  t.equal((await patch({ name: 'Vera Viewer', timezone: 'Europe/Berlin' })).statusCode, 204);
  t.match((await me(authorization)).json().user, { name: 'Vera Viewer', timezone: 'Europe/Berlin', mfaEnabled: false });

  const badZone = await patch({ name: 'Someone Else', timezone: 'Mars/Olympus' });
  t.equal(badZone.statusCode, 400);
  t.equal(badZone.json().field, '/timezone');
  t.match(badZone.json().message, /not a time zone/);
  const blank = await patch({ name: '   ' });
  t.equal(blank.statusCode, 400);
  t.equal(blank.json().field, '/name');
  const nul = await patch({ name: 'a\u0000b' });
  t.equal(nul.statusCode, 400);
  t.equal(nul.json().field, '/name');
  t.match((await me(authorization)).json().user, { name: 'Vera Viewer', timezone: 'Europe/Berlin' }, 'refusals changed nothing');

  t.equal((await patch({ timezone: null })).statusCode, 204, 'null follows the browser again');
  t.equal((await me(authorization)).json().user.timezone, null);
  t.equal((await ctx.app.inject({ method: 'PATCH', url: '/api/auth/me', payload: { name: 'x' } })).statusCode, 401);
});

t.test('password change: other sessions end, this one stays; wrong current password changes nothing', async (t) => {
  const email = 'admin@globex.test';
  const here = await signIn(email);
  const elsewhere = await signIn(email);
  const elsewhereRefresh = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: DEMO_PASSWORD } });
  const refreshToken = (elsewhereRefresh.headers['set-cookie'] as string[])
    .find((c) => c.startsWith('ly_refresh='))!
    .split(';')[0]
    .slice(11);
  const change = (payload: object) =>
    ctx.app.inject({ method: 'POST', url: '/api/auth/password', headers: { authorization: here.authorization }, payload });

  const wrong = await change({ currentPassword: 'not-my-password', newPassword: 'a-brand-new-password' });
  t.equal(wrong.statusCode, 400);
  t.equal(wrong.json().field, '/currentPassword');
  const short = await change({ currentPassword: DEMO_PASSWORD, newPassword: 'short' });
  t.equal(short.statusCode, 400);
  t.equal(short.json().field, '/newPassword');
  const same = await change({ currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD });
  t.equal(same.statusCode, 400);
  t.equal(same.json().field, '/newPassword');
  t.equal((await me(elsewhere.authorization)).statusCode, 200, 'refusals ended no session');
  t.equal((await signIn(email)).status, 200, 'and left the password as it was');

  const changed = await change({ currentPassword: DEMO_PASSWORD, newPassword: 'a-brand-new-password' });
  t.equal(changed.statusCode, 200);
  t.ok(changed.json().otherSessionsEnded >= 2);
  t.equal((await me(here.authorization)).statusCode, 200, 'the session that changed it stays');
  t.equal((await me(elsewhere.authorization)).statusCode, 401, 'another session ends at once');
  const refreshed = await ctx.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
  t.equal(refreshed.statusCode, 401, 'and cannot refresh');
  t.equal((await signIn(email)).status, 401, 'the old password no longer works');
  t.equal((await signIn(email, 'a-brand-new-password')).status, 200, 'the new one does');

  const audit = await ctx.database.db.kysely
    .selectFrom('audit_events')
    .select(['action', 'metadata'])
    .where('action', '=', 'auth.password_changed')
    .execute();
  t.equal(audit.length, 1, 'audited once (the refusals are not changes)');
  t.notMatch(JSON.stringify(audit), /brand-new|linkyard-demo/, 'no password in the audit trail');
});
