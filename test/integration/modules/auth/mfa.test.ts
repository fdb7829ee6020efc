import t from 'tap';
import { Secret, TOTP } from 'otpauth';
import { createTestApp, DEMO_PASSWORD, type TestContext } from '../../../helpers/app.js';

let ctx: TestContext;
t.before(async () => {
  ctx = await createTestApp(t, { env: { PLATFORM_OWNER_MFA: 'required' } });
});

const login = (email: string, password = DEMO_PASSWORD) =>
  ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
/** The code an authenticator app shows `offset` steps from now. */
const codeFor = (secret: string, offset = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + offset * 30_000 });

async function enrol(authorization: string) {
  const setup = await ctx.app.inject({ method: 'POST', url: '/api/auth/mfa/setup', headers: { authorization }, payload: {} });
  const { secret, otpauthUrl } = setup.json();
  const enabled = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/mfa/enable',
    headers: { authorization },
    payload: { code: codeFor(secret) },
  });
  return { setup, secret, otpauthUrl, enabled };
}

t.test('enrolment, then sign-in with a code and with a recovery code (each recovery code works once)', async (t) => {
  const authorization = `Bearer ${(await login('admin@acme.test')).json().accessToken}`;
  const early = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/mfa/enable',
    headers: { authorization },
    payload: { code: '123456' },
  });
  t.equal(early.statusCode, 400, 'enable before setup');
  t.equal(early.json().field, '/code');

  const setup = await ctx.app.inject({ method: 'POST', url: '/api/auth/mfa/setup', headers: { authorization }, payload: {} });
  t.equal(setup.statusCode, 200);
  const { secret, otpauthUrl } = setup.json();
  t.match(otpauthUrl, /^otpauth:\/\/totp\/Linkyard:admin%40acme\.test\?/);
  t.match(otpauthUrl, new RegExp(`secret=${secret}`));
  const stored = await ctx.database.db.kysely
    .selectFrom('users')
    .selectAll()
    .where('email', '=', 'admin@acme.test')
    .executeTakeFirstOrThrow();
  t.notOk(JSON.stringify(stored).includes(secret), 'the secret is sealed at rest');

  const wrong = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/mfa/enable',
    headers: { authorization },
    payload: { code: '000000' },
  });
  t.equal(wrong.statusCode, 400);
  t.equal(wrong.json().field, '/code');
  t.equal(
    (await ctx.app.inject({ url: '/api/auth/me', headers: { authorization } })).json().user.mfaEnabled,
    false,
    'a wrong code changes nothing',
  );

  const enableCode = codeFor(secret);
  const enabled = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/mfa/enable',
    headers: { authorization },
    payload: { code: enableCode },
  });
  t.equal(enabled.statusCode, 200);
  const { recoveryCodes } = enabled.json();
  t.equal(recoveryCodes.length, 10);
  t.equal((await ctx.app.inject({ url: '/api/auth/me', headers: { authorization } })).json().user.mfaEnabled, true);

  const first = await login('admin@acme.test');
  t.equal(first.statusCode, 200);
  t.match(first.json(), { mfaRequired: true, mfaToken: String });
  t.notOk(first.json().accessToken, 'no tokens before the second step');
  t.notOk(first.headers['set-cookie'], 'and no cookies');
  const step = (payload: object) => ctx.app.inject({ method: 'POST', url: '/api/auth/login/mfa', payload });

  const bad = await step({ mfaToken: first.json().mfaToken, code: '000000' });
  t.equal(bad.statusCode, 401);
  const reused = await step({ mfaToken: first.json().mfaToken, code: enableCode });
  t.equal(reused.statusCode, 401, 'the code used to enable cannot sign in again');
  const withNextCode = await step({ mfaToken: first.json().mfaToken, code: codeFor(secret, 1) });
  t.equal(withNextCode.statusCode, 200, 'the next code (within the drift window) completes the sign-in');
  t.ok(withNextCode.json().accessToken);
  t.equal((await step({ mfaToken: first.json().mfaToken, code: codeFor(secret, 1) })).statusCode, 401, 'a challenge works once');

  const second = (await login('admin@acme.test')).json();
  const recovered = await step({ mfaToken: second.mfaToken, recoveryCode: recoveryCodes[0].toUpperCase() });
  t.equal(recovered.statusCode, 200, 'a recovery code signs in (case does not matter)');
  const third = (await login('admin@acme.test')).json();
  t.equal((await step({ mfaToken: third.mfaToken, recoveryCode: recoveryCodes[0] })).statusCode, 401, 'a recovery code works once');
  const both = await step({ mfaToken: third.mfaToken, code: '123456', recoveryCode: recoveryCodes[1] });
  t.equal(both.statusCode, 400);
  t.equal(both.json().field, '/code');

  const actions = (
    await ctx.database.db.kysely.selectFrom('audit_events').select('action').where('action', 'like', 'auth.mfa%').execute()
  ).map((r) => r.action);
  t.ok(actions.includes('auth.mfa_enabled'));
  t.ok(actions.includes('auth.mfa_failed'));
  const events = JSON.stringify(await ctx.database.db.kysely.selectFrom('audit_events').select('metadata').execute());
  t.notOk(events.includes(secret) || events.includes(recoveryCodes[1]), 'no secret or code in the audit trail');

  const newAuth = `Bearer ${recovered.json().accessToken}`;
  const off = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/mfa/disable',
    headers: { authorization: newAuth },
    payload: { recoveryCode: recoveryCodes[1] },
  });
  t.equal(off.statusCode, 204);
  t.ok((await login('admin@acme.test')).json().accessToken, 'with it off, the password alone signs in again');
});

t.test('five wrong codes spend the sign-in step', async (t) => {
  const authorization = `Bearer ${(await login('super@globex.test')).json().accessToken}`;
  const { secret } = await enrol(authorization);
  const { mfaToken } = (await login('super@globex.test')).json();
  for (let i = 0; i < 5; i++) await ctx.app.inject({ method: 'POST', url: '/api/auth/login/mfa', payload: { mfaToken, code: '000000' } });
  const late = await ctx.app.inject({ method: 'POST', url: '/api/auth/login/mfa', payload: { mfaToken, code: codeFor(secret, 1) } });
  t.equal(late.statusCode, 401);
  t.match(late.json().message, /sign in again/);
});

t.test('PLATFORM_OWNER_MFA=required: a Platform Owner has no platform powers until two-factor is on', async (t) => {
  const authorization = `Bearer ${(await login('owner@linkyard.test')).json().accessToken}`;
  t.equal((await ctx.app.inject({ url: '/api/auth/me', headers: { authorization } })).json().user.mfaRequired, true);
  t.equal((await ctx.app.inject({ url: '/api/platform/tenants', headers: { authorization } })).statusCode, 403);
  const { enabled } = await enrol(authorization);
  t.equal(enabled.statusCode, 200);
  t.equal((await ctx.app.inject({ url: '/api/platform/tenants', headers: { authorization } })).statusCode, 200, 'powers return with it on');
  t.equal((await ctx.app.inject({ url: '/api/auth/me', headers: { authorization } })).json().user.mfaRequired, false);
});

t.test('accepting an invitation with the password does not skip the code step', async (t) => {
  // super@globex.test turned two-factor on in the test above.
  const superAcme = { authorization: `Bearer ${(await login('super@acme.test')).json().accessToken}` };
  const invited = await ctx.app.inject({
    method: 'POST',
    url: `/api/orgs/${ctx.orgs.acme}/members`,
    headers: superAcme,
    payload: { email: 'super@globex.test', role: 'viewer' },
  });
  const token = decodeURIComponent(invited.json().invitation.url.split('/invite/')[1]);
  const accepted = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/accept-invitation',
    payload: { token, password: DEMO_PASSWORD },
  });
  t.equal(accepted.statusCode, 200);
  t.match(accepted.json(), { mfaRequired: true, mfaToken: String });
  t.notOk(accepted.json().accessToken, 'no session from the password alone');
  t.notOk(accepted.headers['set-cookie'], 'and no cookies');
});
