import t from 'tap';
import { createTestApp, DEMO_PASSWORD } from '../helpers/app.js';

const login = (email: string, password = DEMO_PASSWORD) => ({ method: 'POST' as const, url: '/api/auth/login', payload: { email, password } });

function cookieValue(setCookie: string | string[] | undefined, name: string): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const c = all.find((x) => x.startsWith(`${name}=`));
  return c ? c.split(';')[0].slice(name.length + 1) : undefined;
}

t.test('sign-in, profile, cookies and uniform failures', async (t) => {
  const { app } = await createTestApp(t);

  const ok = await app.inject(login('Admin@Acme.test'));
  t.equal(ok.statusCode, 200, 'email is case-insensitive');
  const body = ok.json();
  t.equal(body.user.email, 'admin@acme.test');
  t.equal(body.user.platformRole, null);
  t.same(body.memberships.map((m: { organizationSlug: string; role: string }) => [m.organizationSlug, m.role]), [['acme', 'admin']]);
  t.equal(body.expiresIn, 900);
  t.notOk('refreshToken' in body, 'the refresh token travels only in its httpOnly cookie');
  const setCookie = ok.headers['set-cookie'] as string[];
  t.match(setCookie.find((c) => c.startsWith('ly_access=')), /HttpOnly/);
  t.match(setCookie.find((c) => c.startsWith('ly_refresh=')), /Path=\/; .*HttpOnly.*SameSite=Strict/);

  const viaCookie = await app.inject({ url: '/api/auth/me', cookies: { ly_access: cookieValue(setCookie, 'ly_access')! } });
  t.equal(viaCookie.statusCode, 200, 'the access cookie authenticates');
  t.equal(viaCookie.json().user.email, 'admin@acme.test');

  const owner = await app.inject(login('owner@linkyard.test'));
  t.equal(owner.json().user.platformRole, 'platform_owner');

  const wrongPassword = await app.inject(login('admin@acme.test', 'nope-nope-nope'));
  const unknownUser = await app.inject(login('nobody@acme.test', 'nope-nope-nope'));
  t.equal(wrongPassword.statusCode, 401);
  t.equal(unknownUser.statusCode, 401);
  t.equal(wrongPassword.json().message, unknownUser.json().message, 'unknown user and wrong password look the same');
  t.equal(wrongPassword.json().message, 'Invalid email or password');

  t.equal((await app.inject({ url: '/api/auth/me' })).statusCode, 401, 'no token: 401');
  t.equal((await app.inject({ url: '/api/auth/me', headers: { authorization: 'Bearer not.a.jwt' } })).statusCode, 401);
});

t.test('access tokens: pinned algorithm, issuer and audience', async (t) => {
  const { app, config } = await createTestApp(t, { seed: true });
  const good = (await app.inject(login('admin@acme.test'))).json();
  const [, payload] = good.accessToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  t.equal(claims.iss, config.jwtIssuer);
  t.equal(claims.aud, config.jwtAudience);
  t.equal(claims.exp - claims.iat, 900, 'access tokens live 15 minutes');

  // alg=none with the same claims must be refused.
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
  t.equal((await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${none}` } })).statusCode, 401, 'alg none refused');

  // A token signed with the right key but for another audience is refused.
  const foreign = app.jwt.sign({ sub: claims.sub, sid: claims.sid }, { aud: 'someone-else' } as never);
  t.equal((await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${foreign}` } })).statusCode, 401, 'wrong audience refused');
});

t.test('refresh tokens rotate; a reused one revokes the whole family', async (t) => {
  const { app } = await createTestApp(t);
  const first = await app.inject(login('admin@acme.test'));
  const r1 = cookieValue(first.headers['set-cookie'], 'ly_refresh')!;
  const access1 = first.json().accessToken;

  const second = await app.inject({ method: 'POST', url: '/api/auth/refresh', cookies: { ly_refresh: r1 } });
  t.equal(second.statusCode, 200, 'refresh with the cookie works');
  const r2 = cookieValue(second.headers['set-cookie'], 'ly_refresh')!;
  t.not(r2, r1, 'a new refresh token each time');

  const third = await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: r2 } });
  t.equal(third.statusCode, 200, 'refresh with the body works');
  const r3 = cookieValue(third.headers['set-cookie'], 'ly_refresh')!;
  const access3 = third.json().accessToken;

  // An attacker replays the stolen r1.
  const reuse = await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: r1 } });
  t.equal(reuse.statusCode, 401, 'reused refresh token: 401');
  t.match(reuse.json().message, /already used/);

  const afterReuse = await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: r3 } });
  t.equal(afterReuse.statusCode, 401, 'the newest refresh token of the family is revoked too');
  for (const token of [access1, access3]) {
    const me = await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    t.equal(me.statusCode, 401, 'access tokens of the revoked family stop working');
  }

  // Another sign-in (another family) is unaffected.
  const other = await app.inject(login('admin@acme.test'));
  t.equal((await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${other.json().accessToken}` } })).statusCode, 200);

  const audit = await app.inject({
    url: '/api/platform/audit?action=auth.refresh_token_reused',
    headers: { authorization: `Bearer ${(await app.inject(login('owner@linkyard.test'))).json().accessToken}` },
  });
  t.equal(audit.json().items.length, 1, 'the reuse is in the audit trail');

  t.equal((await app.inject({ method: 'POST', url: '/api/auth/refresh' })).statusCode, 401, 'no refresh token: 401');
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: 'made-up' } })).statusCode, 401);
});

t.test('logout revokes the session and its access token', async (t) => {
  const { app } = await createTestApp(t);
  const signedIn = await app.inject(login('viewer@acme.test'));
  const access = signedIn.json().accessToken;
  const refresh = cookieValue(signedIn.headers['set-cookie'], 'ly_refresh')!;
  const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${access}` } });
  t.equal(out.statusCode, 204);
  t.match((out.headers['set-cookie'] as string[]).join('\n'), /ly_access=;/, 'cookies cleared');
  t.equal((await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${access}` } })).statusCode, 401);
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: refresh } })).statusCode, 401);
});

t.test('login is rate-limited per account and per IP', async (t) => {
  const { app } = await createTestApp(t, {
    env: { RATE_LIMIT_LOGIN_ACCOUNT_PER_MINUTE: '3', RATE_LIMIT_LOGIN_IP_PER_MINUTE: '6' },
  });
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await app.inject(login('admin@acme.test', 'wrong-password'))).statusCode);
  t.same(statuses, [401, 401, 401, 429], 'the 4th attempt on one account within a minute is refused');
  const limited = await app.inject(login('admin@acme.test'));
  t.equal(limited.statusCode, 429, 'even with the right password while limited');
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After tells when to come back');
  t.match(limited.json(), { statusCode: 429, error: 'Too Many Requests' });

  // Another account from the same IP still works until the IP limit (6 per minute) is reached.
  t.equal((await app.inject(login('viewer@acme.test'))).statusCode, 200, '6th request from this IP, first for this account: allowed');
  t.equal((await app.inject(login('super@acme.test'))).statusCode, 429, '7th request from this IP: refused whatever the account');
});
