/**
 * Platform SSO (GET /api/auth/sso/start, GET /api/auth/sso/callback) end to end, over real HTTP:
 * the app listens on a real port, a real OpenID Provider (test/fixtures/oidc-server.ts) logs the
 * fake browser in and redirects it back, and the app exchanges the code and calls userinfo.
 */
import t, { type Test } from 'tap';
import { createTestApp, type TestContext } from '../../../helpers/app.js';
import { followAuthorization, startOidcServer, type OidcServer } from '../../../fixtures/oidc-server.js';
import { freePort } from '../../../helpers/net.js';

const CLIENT_ID = 'linkyard-sso-test';
const CLIENT_SECRET = 'linkyard-sso-test-secret-0123456789';
const REFUSED_LOCATION = `/login?error=${encodeURIComponent('Single sign-on failed: no active account matches this identity')}`;

const ACCOUNTS = {
  super: { id: 'idp-super', email: 'super@acme.test', emailVerified: true, name: 'Sam Super' },
  superMixedCase: { id: 'idp-super-case', email: 'Super@ACME.test', emailVerified: true, name: 'Sam Super' },
  stranger: { id: 'idp-stranger', email: 'nobody@elsewhere.test', emailVerified: true, name: 'No Body' },
  unverified: { id: 'idp-unverified', email: 'admin@acme.test', emailVerified: false, name: 'Ada Admin' },
  disabled: { id: 'idp-disabled', email: 'viewer@acme.test', emailVerified: true, name: 'Vic Viewer' },
  invited: { id: 'idp-invited', email: 'invitee@acme.test', emailVerified: true, name: 'Ivy Invitee' },
};

/** A one-host cookie jar for the app's origin (name → value; paths ignored, expired cookies dropped). */
class CookieJar {
  readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [nameValue, ...attrs] = header.split(';');
      const i = nameValue.indexOf('=');
      const name = nameValue.slice(0, i).trim();
      const value = nameValue.slice(i + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v = ''] = a.trim().split('=');
        if (k.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (k.toLowerCase() === 'expires') return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** The Set-Cookie header for one cookie name, if the response sets it. */
function setCookie(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

/** A Set-Cookie that clears the cookie (empty value and/or an expiry in the past). */
function isClearing(header: string): boolean {
  const [nameValue, ...attrs] = header.split(';');
  if (nameValue.slice(nameValue.indexOf('=') + 1).trim() === '') return true;
  return attrs.some((a) => {
    const [k, v = ''] = a.trim().split('=');
    return (k.toLowerCase() === 'max-age' && Number(v) <= 0) || (k.toLowerCase() === 'expires' && Date.parse(v) <= Date.now());
  });
}

interface SsoEnv {
  ctx: TestContext;
  oidc: OidcServer;
  base: string;
  callbackUri: string;
}

async function startSsoApp(t: Test): Promise<SsoEnv> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const callbackUri = `${base}/api/auth/sso/callback`;
  const oidc = await startOidcServer({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [callbackUri] }],
    accounts: Object.values(ACCOUNTS),
    requirePkce: true,
  });
  // Registered first so it runs last (teardowns are LIFO): the app closes before its provider.
  t.teardown(() => oidc.close());
  const ctx = await createTestApp(t, {
    env: {
      PUBLIC_URL: base,
      SSO_ISSUER: oidc.issuer,
      SSO_CLIENT_ID: CLIENT_ID,
      SSO_CLIENT_SECRET: CLIENT_SECRET,
      SSO_NAME: 'Test IdP',
    },
  });
  await ctx.app.listen({ port, host: '127.0.0.1' });
  return { ctx, oidc, base, callbackUri };
}

interface Flow {
  jar: CookieJar;
  start: Response;
  authorizationUrl: URL;
  /** Where the provider sent the browser back (the callback URL with code & state, or error), not yet requested. */
  returned: URL;
}

/** /start in the app, then the provider's login and consent, stopping before the callback request. */
async function startAndAuthorize(env: SsoEnv, accountId: string): Promise<Flow> {
  const jar = new CookieJar();
  const start = await fetch(`${env.base}/api/auth/sso/start`, { redirect: 'manual' });
  jar.store(start);
  await start.arrayBuffer();
  const location = start.headers.get('location');
  if (!location) throw new Error(`/start answered ${start.status} without a location`);
  const authorizationUrl = new URL(location);
  env.oidc.setLoginAccount(accountId);
  const returned = await followAuthorization(authorizationUrl.href);
  return { jar, start, authorizationUrl, returned };
}

async function requestCallback(url: URL | string, jar?: CookieJar): Promise<Response> {
  const cookie = jar?.header();
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  jar?.store(res);
  await res.arrayBuffer();
  return res;
}

/** Full sign-in as one provider account; returns the callback response and the browser's cookies. */
async function signInVia(env: SsoEnv, accountId: string) {
  const flow = await startAndAuthorize(env, accountId);
  const callback = await requestCallback(flow.returned, flow.jar);
  return { ...flow, callback };
}

async function me(env: SsoEnv, jar: CookieJar) {
  const res = await fetch(`${env.base}/api/auth/me`, { headers: { cookie: jar.header() } });
  return {
    status: res.status,
    body: (await res.json()) as {
      user?: { email: string; platformRole: string | null };
      memberships?: { organizationSlug: string; role: string }[];
    },
  };
}

async function ssoLoginEvents(env: SsoEnv) {
  const res = await env.ctx.app.inject({
    url: '/api/platform/audit?action=auth.login',
    headers: { authorization: await env.ctx.bearer('owner@linkyard.test') },
  });
  if (res.statusCode !== 200) throw new Error(`audit list answered ${res.statusCode}: ${res.body}`);
  const items = res.json().items as {
    action: string;
    actor: { id: string | null; email: string | null };
    target: { type: string; id: string | null };
    metadata: Record<string, unknown>;
    organizationId: string | null;
  }[];
  return items.filter((e) => e.metadata.method === 'sso');
}

function assertRefused(t: Test, res: Response, what: string) {
  t.equal(res.status, 302, `${what}: redirects`);
  t.equal(res.headers.get('location'), REFUSED_LOCATION, `${what}: back to the login page with an error`);
  t.notOk(setCookie(res, 'ly_access'), `${what}: no access cookie`);
  t.notOk(setCookie(res, 'ly_refresh'), `${what}: no refresh cookie`);
}

t.test('platform SSO through a real OpenID Provider', async (t) => {
  const env = await startSsoApp(t);
  const superUser = await env.ctx.database.db.kysely
    .selectFrom('users')
    .select(['id'])
    .where('email', '=', 'super@acme.test')
    .executeTakeFirstOrThrow();

  t.test('both SSO routes are declared public (route accounting)', async (t) => {
    for (const url of ['/api/auth/sso/start', '/api/auth/sso/callback']) {
      const declared = env.ctx.app.routeAccess.find((r) => r.method === 'GET' && r.url === url);
      t.ok(declared, `${url} is registered`);
      t.equal(declared?.access, 'public', `${url} declares access 'public'`);
    }
  });

  t.test('/start redirects to the provider with PKCE S256, the exact callback URI and a state cookie', async (t) => {
    const res = await fetch(`${env.base}/api/auth/sso/start`, { redirect: 'manual' });
    await res.arrayBuffer();
    t.equal(res.status, 302);
    const url = new URL(res.headers.get('location')!);
    t.equal(`${url.origin}${url.pathname}`, env.oidc.url('/auth'), 'the discovered authorization endpoint');
    t.equal(url.searchParams.get('response_type'), 'code');
    t.equal(url.searchParams.get('client_id'), CLIENT_ID);
    t.equal(url.searchParams.get('redirect_uri'), env.callbackUri);
    t.same(url.searchParams.get('scope')?.split(' ').sort(), ['email', 'openid', 'profile']);
    t.equal(url.searchParams.get('code_challenge_method'), 'S256');
    t.match(url.searchParams.get('code_challenge'), /^[\w-]{43}$/);
    const state = url.searchParams.get('state');
    t.ok(state && state.length >= 16, 'a random state');
    const stateCookie = setCookie(res, 'oauth2-redirect-state');
    t.ok(stateCookie?.startsWith(`oauth2-redirect-state=${state};`), 'the state is bound to this browser by a cookie');
    t.match(stateCookie, /HttpOnly/i);
    t.match(setCookie(res, 'oauth2-code-verifier'), /HttpOnly/i);
  });

  t.test('an existing active user with a verified email signs in', async (t) => {
    const before = env.oidc.tokenRequests.authorization_code;
    const { returned, callback, jar } = await signInVia(env, ACCOUNTS.super.id);
    t.equal(`${returned.origin}${returned.pathname}`, env.callbackUri, 'the provider returned to the exact callback URI');
    t.ok(returned.searchParams.get('code'), 'with a code');

    t.equal(callback.status, 302);
    t.equal(callback.headers.get('location'), '/', 'redirects to the admin UI');
    const access = setCookie(callback, 'ly_access');
    const refresh = setCookie(callback, 'ly_refresh');
    t.ok(access, 'sets ly_access');
    t.ok(refresh, 'sets ly_refresh');
    t.match(access, /HttpOnly/i);
    t.match(access, /Path=\/(;|$)/);
    t.match(refresh, /HttpOnly/i);
    t.match(refresh, /Path=\/(;|$)/, "the refresh cookie reaches the admin UI's pages too (README: sessions)");
    t.equal(env.oidc.tokenRequests.authorization_code, before + 1, 'exactly one code exchange');
    for (const name of ['oauth2-redirect-state', 'oauth2-code-verifier']) {
      const cleared = setCookie(callback, name);
      t.ok(cleared && isClearing(cleared), `${name} is cleared: the state is single-use`);
    }

    const who = await me(env, jar);
    t.equal(who.status, 200, 'the session cookie authenticates /api/auth/me');
    t.equal(who.body.user?.email, 'super@acme.test');
    t.equal(who.body.user?.platformRole, null);
    t.same(
      who.body.memberships?.map((m) => [m.organizationSlug, m.role]),
      [['acme', 'super_admin']],
    );

    // The refresh cookie is a real session too.
    const refreshed = await fetch(`${env.base}/api/auth/refresh`, {
      method: 'POST',
      headers: { cookie: `ly_refresh=${jar.cookies.get('ly_refresh')}`, origin: env.base },
    });
    t.equal(refreshed.status, 200, 'the refresh cookie rotates');
    await refreshed.arrayBuffer();
  });

  t.test('email matching is case-insensitive', async (t) => {
    const { callback, jar } = await signInVia(env, ACCOUNTS.superMixedCase.id);
    t.equal(callback.status, 302);
    t.equal(callback.headers.get('location'), '/');
    t.equal((await me(env, jar)).body.user?.email, 'super@acme.test');
  });

  t.test('an identity whose email matches no Linkyard user is refused', async (t) => {
    const { callback, jar } = await signInVia(env, ACCOUNTS.stranger.id);
    assertRefused(t, callback, 'unknown email');
    t.notOk(jar.cookies.has('ly_access'));
    t.equal((await me(env, jar)).status, 401, 'nobody is signed in');
    const users = await env.ctx.database.db.kysely.selectFrom('users').select('id').where('email', '=', ACCOUNTS.stranger.email).execute();
    t.equal(users.length, 0, 'SSO never creates accounts');
  });

  t.test('a matching email that the provider has not verified is refused', async (t) => {
    const { callback, jar } = await signInVia(env, ACCOUNTS.unverified.id);
    assertRefused(t, callback, 'email_verified=false');
    t.equal((await me(env, jar)).status, 401);
  });

  t.test('a matching verified email of a disabled user is refused', async (t) => {
    await env.ctx.database.db.kysely
      .updateTable('users')
      .set({ status: 'disabled' })
      .where('email', '=', ACCOUNTS.disabled.email)
      .execute();
    const { callback } = await signInVia(env, ACCOUNTS.disabled.id);
    assertRefused(t, callback, 'disabled user');
  });

  t.test('a matching verified email of an invited (not yet active) user is refused', async (t) => {
    const added = await env.ctx.app.inject({
      method: 'POST',
      url: `/api/orgs/${env.ctx.orgs.acme}/members`,
      headers: { authorization: await env.ctx.bearer('super@acme.test') },
      payload: { email: ACCOUNTS.invited.email, name: 'Ivy Invitee', role: 'viewer' },
    });
    t.equal(added.statusCode, 201, added.body);
    const { callback } = await signInVia(env, ACCOUNTS.invited.id);
    assertRefused(t, callback, 'invited user');
  });

  t.test('the provider denying consent is refused', async (t) => {
    env.oidc.denyNextConsent();
    const { returned, callback } = await signInVia(env, ACCOUNTS.super.id);
    t.equal(returned.searchParams.get('error'), 'access_denied');
    assertRefused(t, callback, 'access_denied');
  });

  t.test('a callback without the state cookie (bogus code and state) is refused', async (t) => {
    const before = env.oidc.tokenRequests.authorization_code;
    const res = await requestCallback(`${env.callbackUri}?code=bogus-code&state=bogus-state`);
    assertRefused(t, res, 'bogus code and state');
    const noParams = await requestCallback(env.callbackUri);
    assertRefused(t, noParams, 'no code and no state');
    t.equal(env.oidc.tokenRequests.authorization_code, before, 'no code exchange was attempted');
  });

  t.test('a real code with a tampered state is refused before the code is exchanged', async (t) => {
    const flow = await startAndAuthorize(env, ACCOUNTS.super.id);
    const before = env.oidc.tokenRequests.authorization_code;
    const tampered = new URL(flow.returned);
    tampered.searchParams.set('state', `${tampered.searchParams.get('state')}x`);
    assertRefused(t, await requestCallback(tampered, flow.jar), 'tampered state');

    // Another browser (no state cookie) presenting the genuine code and state: login CSRF.
    const flow2 = await startAndAuthorize(env, ACCOUNTS.super.id);
    assertRefused(t, await requestCallback(flow2.returned), 'state cookie of another browser');
    t.equal(env.oidc.tokenRequests.authorization_code, before, 'no code exchange was attempted');
  });

  t.test('a completed callback cannot be replayed', async (t) => {
    const flow = await startAndAuthorize(env, ACCOUNTS.super.id);
    const replayJar = new CookieJar();
    for (const [k, v] of flow.jar.cookies) replayJar.cookies.set(k, v);
    const first = await requestCallback(flow.returned, flow.jar);
    t.equal(first.headers.get('location'), '/');
    // Even with the original state and verifier cookies, the single-use code is gone.
    assertRefused(t, await requestCallback(flow.returned, replayJar), 'replayed callback');
  });

  t.test('a successful SSO sign-in writes an auth.login audit event with method sso; refusals write none', async (t) => {
    const events = await ssoLoginEvents(env);
    // Successful SSO sign-ins above: the first sign-in, the mixed-case one, and the replay test's first callback.
    t.equal(events.length, 3, 'one auth.login event per successful SSO sign-in, none for the refusals');
    for (const e of events) {
      t.equal(e.action, 'auth.login');
      t.equal(e.organizationId, null, 'a platform event');
      t.same(e.target, { type: 'user', id: superUser.id, name: 'super@acme.test', integration: null });
      t.same(e.actor, { type: 'user', id: superUser.id, email: 'super@acme.test' });
      t.same(e.metadata, { method: 'sso' });
    }

    const another = await signInVia(env, ACCOUNTS.super.id);
    t.equal(another.callback.headers.get('location'), '/');
    t.equal((await ssoLoginEvents(env)).length, 4, 'the next sign-in adds exactly one event');
  });
});

t.test('SSO routes do not exist when SSO is not configured', async (t) => {
  const ctx = await createTestApp(t);
  t.equal(ctx.config.sso, null);
  const start = await ctx.app.inject({ url: '/api/auth/sso/start' });
  t.equal(start.statusCode, 404);
  const callback = await ctx.app.inject({ url: '/api/auth/sso/callback?code=x&state=y' });
  t.equal(callback.statusCode, 404);
  t.notOk(
    ctx.app.routeAccess.some((r) => r.url.startsWith('/api/auth/sso/')),
    'no SSO route is registered',
  );
});
