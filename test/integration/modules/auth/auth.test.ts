import t from 'tap';
import { createTestApp, DEMO_PASSWORD, type TestContext } from '../../../helpers/app.js';

/**
 * One app for the tests that sign in, read, and refresh or revoke sessions of their own; the tests that lower limits,
 * serve another PUBLIC_URL or count audit events that another test causes too build their own.
 */
let shared: Promise<TestContext> | undefined;
const sharedApp = () => (shared ??= createTestApp(t));

const login = (email: string, password = DEMO_PASSWORD) => ({
  method: 'POST' as const,
  url: '/api/auth/login',
  payload: { email, password },
});

function cookieValue(setCookie: string | string[] | undefined, name: string): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const c = all.find((x) => x.startsWith(`${name}=`));
  return c ? c.split(';')[0].slice(name.length + 1) : undefined;
}

t.test('sign-in, profile, cookies and uniform failures', async (t) => {
  const { app } = await sharedApp();

  const ok = await app.inject(login('Admin@Acme.test'));
  t.equal(ok.statusCode, 200, 'email is case-insensitive');
  const body = ok.json();
  t.equal(body.user.email, 'admin@acme.test');
  t.equal(body.user.platformRole, null);
  t.same(
    body.memberships.map((m: { organizationSlug: string; role: string }) => [m.organizationSlug, m.role]),
    [['acme', 'admin']],
  );
  t.equal(body.expiresIn, 900);
  t.notOk('refreshToken' in body, 'the refresh token travels only in its httpOnly cookie');
  const setCookie = ok.headers['set-cookie'] as string[];
  t.match(
    setCookie.find((c) => c.startsWith('ly_access=')),
    /HttpOnly/,
  );
  t.match(
    setCookie.find((c) => c.startsWith('ly_refresh=')),
    /Path=\/; .*HttpOnly.*SameSite=Strict/,
  );

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
  const { app, config } = await sharedApp();
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
  t.equal(
    (await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${foreign}` } })).statusCode,
    401,
    'wrong audience refused',
  );
});

t.test('refresh tokens rotate; a reused one revokes the whole family', async (t) => {
  const { app } = await sharedApp();
  const first = await app.inject(login('admin@acme.test'));
  const r1 = cookieValue(first.headers['set-cookie'], 'ly_refresh')!;
  const access1 = first.json().accessToken;

  // A browser sends its Origin with every POST; the API refuses cookie-authenticated writes without ours.
  const second = await app.inject({
    method: 'POST',
    url: '/api/auth/refresh',
    cookies: { ly_refresh: r1 },
    headers: { origin: 'http://localhost' },
  });
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
  const { app } = await sharedApp();
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

t.test('access tokens must carry every claim, and their session must belong to their user', async (t) => {
  const { app, config } = await sharedApp();
  const admin = JSON.parse(
    Buffer.from((await app.inject(login('admin@acme.test'))).json().accessToken.split('.')[1], 'base64url').toString(),
  );
  const viewer = JSON.parse(
    Buffer.from((await app.inject(login('viewer@acme.test'))).json().accessToken.split('.')[1], 'base64url').toString(),
  );
  // HS256 with the real key, so only the claims decide.
  const { createHmac } = await import('node:crypto');
  const sign = (payload: Record<string, unknown>) => {
    const body = [{ alg: 'HS256', typ: 'JWT' }, payload].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.');
    return `${body}.${createHmac('sha256', config.jwtSecret).update(body).digest('base64url')}`;
  };
  const now = Math.floor(Date.now() / 1000);
  const full = { sub: admin.sub, sid: admin.sid, iss: config.jwtIssuer, aud: config.jwtAudience, iat: now, exp: now + 600 };
  const me = async (token: string) => (await app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode;

  t.equal(await me(sign(full)), 200, 'a token with every claim works');
  for (const claim of ['exp', 'aud', 'iss', 'sid', 'sub'] as const) {
    const { [claim]: _dropped, ...rest } = full;
    t.equal(await me(sign(rest)), 401, `a token without ${claim} is refused`);
  }
  t.equal(await me(sign({ ...full, sub: 'not-a-uuid' })), 401, 'a non-UUID sub is a 401, not a 500');
  t.equal(await me(sign({ ...full, sid: 'not-a-uuid' })), 401, 'a non-UUID sid is a 401');
  t.equal(await me(sign({ ...full, sid: viewer.sid })), 401, 'another user’s session does not vouch for this user');
  t.equal(await me(sign({ ...full, sid: '01900000-0000-7000-8000-000000000000' })), 401, 'a session that does not exist is refused');
});

t.test('an unknown email costs the same password hashing as a real account', async (t) => {
  const { hashPassword, scryptParamsOf } = await import('../../../../server/src/lib/passwords.js');
  for (const cost of [10, 15]) {
    const real = scryptParamsOf(await hashPassword('correct horse battery', cost), cost)!;
    const unknown = scryptParamsOf(null, cost)!;
    t.same(
      { N: unknown.N, r: unknown.r, p: unknown.p, keyLength: unknown.key.length },
      { N: real.N, r: real.r, p: real.p, keyLength: real.key.length },
      `cost ${cost}: the dummy check does the work of a real one`,
    );
  }
  // Wired through login: with a cost beyond what scrypt's memory cap allows, the unknown-email path fails
  // as a real hash would (so it really runs at the configured cost, not a cheap fixed one).
  const { verifyPassword } = await import('../../../../server/src/lib/passwords.js');
  await t.rejects(verifyPassword('x', null, 22), /memory/i, 'the dummy hash runs at the configured cost');
});

t.test('accept-invitation is limited per token and per IP, not in one bucket shared by everyone', async (t) => {
  const { app, orgs, bearer } = await createTestApp(t, {
    env: { RATE_LIMIT_LOGIN_ACCOUNT_PER_MINUTE: '5', RATE_LIMIT_LOGIN_IP_PER_MINUTE: '20' },
  });
  const invited = await app.inject({
    method: 'POST',
    url: `/api/orgs/${orgs.acme}/members`,
    headers: { authorization: await bearer('super@acme.test') },
    payload: { email: 'newcomer@acme.test', role: 'viewer' },
  });
  t.equal(invited.statusCode, 201);
  const token = invited.json().invitation.token;
  // Someone hammers the endpoint with made-up tokens from one address…
  for (let i = 0; i < 8; i++) {
    await app.inject({
      method: 'POST',
      url: '/api/auth/accept-invitation',
      remoteAddress: '203.0.113.9',
      payload: { token: `guess-${i}`, password: 'a-long-enough-password' },
    });
  }
  // …and guessing one token over and over from many addresses is limited on that token.
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) {
    statuses.push(
      (
        await app.inject({
          method: 'POST',
          url: '/api/auth/accept-invitation',
          remoteAddress: `198.51.100.${i}`,
          payload: { token: 'same-guess', password: 'a-long-enough-password' },
        })
      ).statusCode,
    );
  }
  t.ok(statuses.includes(429), `one token is limited across addresses (${statuses.join(', ')})`);
  // The invited person, elsewhere, still gets in.
  const accepted = await app.inject({
    method: 'POST',
    url: '/api/auth/accept-invitation',
    remoteAddress: '192.0.2.44',
    payload: { token, password: 'a-long-enough-password' },
  });
  t.equal(accepted.statusCode, 200, 'the real invitee is not blocked by other callers');
});

t.test('the admin UI’s session refresh shares only the refresh in flight; a later replay of the spent token is reuse', async (t) => {
  const { app, config } = await createTestApp(t);
  const { createApiBridge } = await import('../../../../server/src/plugins/admin-ui/api-bridge.js');
  const bridge = createApiBridge(app as never, config.publicUrl);
  const signedIn = await app.inject(login('admin@acme.test'));
  const refresh = cookieValue(signedIn.headers['set-cookie'], 'ly_refresh')!;
  // A page request whose access cookie has expired: only the refresh cookie comes with it.
  const pageRequest = (n: number) =>
    ({ id: `page-${n}`, ip: '127.0.0.1', headers: { 'user-agent': 'test' }, cookies: { ly_refresh: refresh } }) as never;

  // Two requests arriving together share the one refresh.
  const [a, b] = await Promise.all([
    bridge(pageRequest(1)).call({ method: 'GET', path: '/api/auth/me' }),
    bridge(pageRequest(2)).call({ method: 'GET', path: '/api/auth/me' }),
  ]);
  t.equal(a.status, 200);
  t.equal(b.status, 200, 'concurrent requests share the refresh in flight');

  // After it answered, the same (now spent) refresh token presented again is what a stolen copy looks like.
  const replay = await bridge(pageRequest(3)).call({ method: 'GET', path: '/api/auth/me' });
  t.equal(replay.status, 401, 'the replayed token does not sign in');
  const reuse = await app.inject({
    url: '/api/platform/audit?action=auth.refresh_token_reused',
    headers: { authorization: `Bearer ${(await app.inject(login('owner@linkyard.test'))).json().accessToken}` },
  });
  t.equal(reuse.json().items.length, 1, 'the reuse is detected and audited');
});

t.test('security headers: API answers allow no content, HSTS where Linkyard is served over https', async (t) => {
  const http = await sharedApp();
  const res = await http.app.inject({ url: '/healthz' });
  t.equal(res.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
  t.equal(res.headers['strict-transport-security'], undefined, 'no HSTS on a plain-http URL');
  const docs = await http.app.inject({ url: '/docs/static/index.html' });
  t.match(String(docs.headers['content-security-policy']), /script-src 'self'/, 'the API reference has its own policy');
  t.notMatch(String(docs.headers['content-security-policy']), /upgrade-insecure-requests/);

  const https = await createTestApp(t, { env: { PUBLIC_URL: 'https://linkyard.example.com' } });
  const secure = await https.app.inject({ url: '/healthz' });
  t.equal(secure.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
});
