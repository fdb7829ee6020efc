/**
 * Per-integration OAuth 2 (connect, callback, connection, disconnect, token refresh, credential test) end to
 * end over real HTTP: the app listens on a real port (PUBLIC_URL → the exact redirect URI), a real OAuth
 * server (test/fixtures/oidc-server.ts) plays the provider for 'custom' integrations whose settings point at
 * it, and two organizations connect with their own, different client credentials.
 */
import { createHash } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import t, { type Test } from 'tap';
import { defineAbilityFor } from '../../../../server/src/lib/ability.js';
import type { PersonContext } from '../../../../server/src/lib/context.js';
import { inScope } from '../../../../server/src/lib/db-scope.js';
import { createOAuthService } from '../../../../server/src/modules/oauth/oauth.service.js';
import { tokenContext } from '../../../../server/src/modules/integrations/integrations.port.js';
import { IntegrationTokenError } from '../../../../server/src/modules/oauth/token-manager.js';
import { getProvider } from '../../../../server/src/providers/catalog.js';
import type { ProviderDefinition } from '../../../../server/src/providers/provider-definition.js';
import { followAuthorization, startOidcServer, type OidcServer } from '../../../fixtures/oidc-server.js';
import { createTestApp, type TestContext } from '../../../helpers/app.js';
import { freePort } from '../../../helpers/net.js';

const ACME_CLIENT = { clientId: 'linkyard-acme-app', clientSecret: 'acme-client-secret-0123456789abcdef' };
const GLOBEX_CLIENT = { clientId: 'linkyard-globex-app', clientSecret: 'globex-client-secret-fedcba9876543210' };
const WRONG_SECRET = 'definitely-not-the-client-secret-42';
const ACCOUNTS = {
  acme: { id: 'acme-ops', email: 'ops@acme.example', emailVerified: true, name: 'Acme Ops' },
  globex: { id: 'globex-ops', email: 'ops@globex.example', emailVerified: true, name: 'Globex Ops' },
};
const BINDING = 'ly_oauth_binding';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

function cookieOf(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

function isClearing(header: string | undefined): boolean {
  if (!header) return false;
  const [nameValue, ...attrs] = header.split(';');
  if (nameValue.slice(nameValue.indexOf('=') + 1).trim() === '') return true;
  return attrs.some((a) => {
    const [k, v = ''] = a.trim().split('=');
    return (k.toLowerCase() === 'max-age' && Number(v) <= 0) || (k.toLowerCase() === 'expires' && Date.parse(v) <= Date.now());
  });
}

interface Env {
  ctx: TestContext;
  oidc: OidcServer;
  base: string;
  callbackUri: string;
  /** Every token and secret seen in the test: none may appear in a log line, response or audit event. */
  canaries: Set<string>;
}

interface Started {
  res: Response;
  body: { authorizationUrl: string; state: string };
  binding: string;
  setCookie: string;
}

interface CallbackResult {
  res: Response;
  location: string;
  /** The `error` or `connected` parameter of the redirect. */
  error: string | null;
  connected: string | null;
}

async function setup(t: Test): Promise<Env> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const callbackUri = `${base}/api/oauth/callback`;
  const oidc = await startOidcServer({
    clients: [
      { ...ACME_CLIENT, redirectUris: [callbackUri] },
      { ...GLOBEX_CLIENT, redirectUris: [callbackUri] },
    ],
    accounts: Object.values(ACCOUNTS),
    requirePkce: true,
  });
  t.teardown(() => oidc.close());
  const ctx = await createTestApp(t, { env: { PUBLIC_URL: base, ALLOW_PRIVATE_NETWORK_TARGETS: 'true' } });
  await ctx.app.listen({ port, host: '127.0.0.1' });
  const canaries = new Set([ACME_CLIENT.clientSecret, GLOBEX_CLIENT.clientSecret, WRONG_SECRET]);
  return { ctx, oidc, base, callbackUri, canaries };
}

async function api(env: Env, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, email: string, payload?: object) {
  const res = await env.ctx.app.inject({
    method,
    url,
    headers: { authorization: await env.ctx.bearer(email) },
    ...(payload ? { payload } : {}),
  });
  for (const c of env.canaries) if (res.body.includes(c)) throw new Error(`${method} ${url} returned a secret or token`);
  return res;
}

function fixtureSettings(env: Env, extra: Record<string, string> = {}) {
  return {
    authorizationUrl: env.oidc.url('/auth'),
    tokenUrl: env.oidc.url('/token'),
    apiBaseUrl: env.oidc.issuer,
    listPath: '/me',
    ...extra,
  };
}

async function createCustom(
  env: Env,
  orgId: string,
  email: string,
  name: string,
  client: { clientId: string; clientSecret: string },
  scopes = ['openid', 'email'],
) {
  const res = await api(env, 'POST', `/api/orgs/${orgId}/integrations`, email, {
    provider: 'custom',
    name,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    scopes,
    settings: fixtureSettings(env),
  });
  if (res.statusCode !== 201) throw new Error(`create ${name}: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

async function startConnect(env: Env, orgId: string, id: string, email: string, body?: object): Promise<Started> {
  const res = await fetch(`${env.base}/api/orgs/${orgId}/integrations/${id}/connect`, {
    method: 'POST',
    headers: { authorization: await env.ctx.bearer(email), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`connect answered ${res.status}: ${JSON.stringify(json)}`);
  const setCookie = cookieOf(res, BINDING) ?? '';
  const binding = setCookie.slice(BINDING.length + 1).split(';')[0];
  return { res, body: json, binding, setCookie };
}

async function authorize(env: Env, started: Started, account: keyof typeof ACCOUNTS): Promise<URL> {
  env.oidc.setLoginAccount(ACCOUNTS[account].id);
  return followAuthorization(started.body.authorizationUrl);
}

async function callback(url: URL | string, binding?: string): Promise<CallbackResult> {
  const res = await fetch(url, { redirect: 'manual', headers: binding ? { cookie: `${BINDING}=${binding}` } : {} });
  await res.arrayBuffer();
  const location = res.headers.get('location') ?? '';
  const parsed = new URL(location, 'http://ui.invalid');
  return { res, location, error: parsed.searchParams.get('error'), connected: parsed.searchParams.get('connected') };
}

async function connectFully(env: Env, orgId: string, id: string, email: string, account: keyof typeof ACCOUNTS) {
  const started = await startConnect(env, orgId, id, email);
  const returned = await authorize(env, started, account);
  const cb = await callback(returned, started.binding);
  if (cb.connected !== '1') throw new Error(`connect of ${id} failed: ${cb.location}`);
  return { started, returned, cb };
}

async function connectionRow(env: Env, id: string) {
  return env.ctx.database.db.kysely.selectFrom('connections').selectAll().where('integration_id', '=', id).executeTakeFirst();
}

async function integrationRow(env: Env, id: string) {
  return env.ctx.database.db.kysely.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function auditEvents(env: Env, action: string) {
  return env.ctx.database.db.kysely
    .selectFrom('audit_events')
    .selectAll()
    .where('action', '=', action)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

async function lastAudit(env: Env, action: string) {
  return (await auditEvents(env, action))[0];
}

/** Decrypts a stored token the way the app does (only tests read plaintext tokens out of the vault). */
async function storedToken(env: Env, orgId: string, id: string, column: 'access_token_encrypted' | 'refresh_token_encrypted') {
  const row = (await connectionRow(env, id))!;
  const cipher = row[column]!;
  return inScope(env.ctx.database.db, { org: orgId }, (tx) =>
    env.ctx.app.services.vault.decrypt(tx, tokenContext(orgId, id, column), cipher),
  );
}

async function introspect(env: Env, client: { clientId: string; clientSecret: string }, token: string) {
  const res = await fetch(env.oidc.url('/token/introspection'), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }),
  });
  return (await res.json()) as { active: boolean; client_id?: string; scope?: string };
}

async function adminContext(env: Env, orgId: string, email: string): Promise<PersonContext> {
  const user = await env.ctx.database.db.kysely
    .selectFrom('users')
    .select(['id', 'email'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return {
    actor: {
      type: 'user',
      userId: user.id,
      email: user.email,
      platformRole: null,
      orgId,
      orgStatus: 'active',
      role: 'admin',
      ability: defineAbilityFor({ platformRole: null, orgId, role: 'admin' }),
    },
    ip: null,
    userAgent: 'oauth.test',
    requestId: null,
  };
}

t.test('per-integration OAuth through a real OAuth server', async (t) => {
  const env = await setup(t);
  const { ctx, oidc } = env;
  const { acme, globex } = ctx.orgs;
  const db = ctx.database.db.kysely;
  const tokens = ctx.app.services.tokens;

  const acmeId = await createCustom(env, acme, 'admin@acme.test', 'Acme API', ACME_CLIENT);
  // Globex asks for plain OAuth 2 scopes only: no ID token comes back, and none is required.
  const globexId = await createCustom(env, globex, 'admin@globex.test', 'Globex API', GLOBEX_CLIENT, ['email']);

  t.test('the routes declare their access', async (t) => {
    const find = (method: string, url: string) => ctx.app.routeAccess.find((r) => r.method === method && r.url === url)?.access;
    const base = '/api/orgs/:orgId/integrations/:id';
    t.same(find('POST', `${base}/connect`), { action: 'update', subject: 'Integration', callers: 'people' });
    t.same(find('POST', `${base}/disconnect`), { action: 'update', subject: 'Integration' });
    t.same(find('POST', `${base}/test`), { action: 'update', subject: 'Integration' });
    t.same(find('GET', `${base}/connection`), { action: 'read', subject: 'Integration' });
    t.equal(find('GET', '/api/oauth/callback'), 'public', 'the provider redirect carries no session');
  });

  t.test('connect builds the authorization URL (PKCE S256, exact redirect URI, hashed single-use state, browser binding)', async (t) => {
    const started = await startConnect(env, acme, acmeId, 'admin@acme.test');
    t.equal(started.res.headers.get('cache-control'), 'no-store');
    const url = new URL(started.body.authorizationUrl);
    t.equal(`${url.origin}${url.pathname}`, oidc.url('/auth'), "the integration's authorization URL setting");
    t.equal(url.searchParams.get('response_type'), 'code');
    t.equal(url.searchParams.get('client_id'), ACME_CLIENT.clientId, "Acme's own client id");
    t.equal(url.searchParams.get('redirect_uri'), env.callbackUri, 'the exact redirect URI');
    t.equal(url.searchParams.get('scope'), 'openid email', 'scopes joined with the provider separator');
    t.equal(url.searchParams.get('code_challenge_method'), 'S256');
    t.match(url.searchParams.get('code_challenge'), /^[\w-]{43}$/);
    t.equal(url.searchParams.get('state'), started.body.state);
    t.ok(started.body.state.length >= 32, 'a long random state');

    const row = await db
      .selectFrom('oauth_states')
      .selectAll()
      .where('integration_id', '=', acmeId)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    t.equal(row.state_hash, sha256(started.body.state), 'only the SHA-256 of the state is stored');
    t.notOk(JSON.stringify(row).includes(started.body.state), 'the state itself is stored nowhere');
    t.equal(row.browser_binding_hash, sha256(started.binding), 'the binding cookie value is stored hashed');
    t.notOk(JSON.stringify(row).includes(started.binding));
    t.match(row.code_verifier_encrypted, /\S{40,}/, 'an encrypted code verifier');
    t.equal(row.redirect_uri, env.callbackUri);
    const ttl = (row.expires_at.getTime() - row.created_at.getTime()) / 1000;
    t.ok(ttl > 590 && ttl <= 601, `expires in 10 minutes (${ttl} s)`);
    t.equal(row.used_at, null);

    t.match(started.setCookie, /HttpOnly/i, 'binding cookie is httpOnly');
    t.match(started.setCookie, /SameSite=Lax/i, 'SameSite=Lax: the provider redirect is a cross-site top-level GET');
    t.match(started.setCookie, /Path=\/api\/oauth(;|$)/);
    t.notMatch(started.setCookie, /Secure/i, 'not Secure on an http PUBLIC_URL');
    t.match(started.setCookie, /Max-Age=600/);
  });

  t.test('connect refuses what it cannot connect', async (t) => {
    const base = `/api/orgs/${acme}/integrations/${acmeId}/connect`;
    const offSite = [
      '//evil.example/x',
      'https://evil.example/',
      '/\\evil.example',
      'relative/path',
      '/a b',
      // Each of these normalises (WHATWG URL, browsers) into the protocol-relative `//evil.example/…`.
      '/.//evil.example/x',
      '/%2e%2e//evil.example',
      '/a/..//evil.example',
      '/./%2E//evil.example',
      '/\t/evil.example/x',
      '/\n/evil.example',
      // Same origin, but not a page of the admin UI.
      '/api/auth/logout',
      '/docs',
    ];
    for (const returnTo of offSite) {
      const res = await api(env, 'POST', base, 'admin@acme.test', { returnTo });
      t.equal(res.statusCode, 400, `returnTo ${JSON.stringify(returnTo)}`);
      t.match(res.json().message, /returnTo must be a path of the admin UI on this site/);
    }
    const stripe = await api(env, 'POST', `/api/orgs/${acme}/integrations`, 'admin@acme.test', {
      provider: 'stripe',
      name: 'Stripe for connect',
      apiKey: 'sk_test_connect_123456',
    });
    const res = await api(env, 'POST', `/api/orgs/${acme}/integrations/${stripe.json().id}/connect`, 'admin@acme.test');
    t.equal(res.statusCode, 400, 'an API-key integration has nothing to connect');
    t.match(res.json().message, /API key, not OAuth 2/);

    const noSecret = await createCustom(env, acme, 'admin@acme.test', 'No secret', ACME_CLIENT);
    await db.updateTable('integrations').set({ secret_encrypted: null, secret_hint: null }).where('id', '=', noSecret).execute();
    const missing = await api(env, 'POST', `/api/orgs/${acme}/integrations/${noSecret}/connect`, 'admin@acme.test', {});
    t.equal(missing.statusCode, 400);
    t.match(missing.json().message, /client ID and client secret/);
    await api(env, 'DELETE', `/api/orgs/${acme}/integrations/${noSecret}`, 'admin@acme.test');
  });

  t.test('two organizations connect the same provider with their own client credentials', async (t) => {
    for (const [orgId, id, email, account, client] of [
      [acme, acmeId, 'admin@acme.test', 'acme', ACME_CLIENT],
      [globex, globexId, 'admin@globex.test', 'globex', GLOBEX_CLIENT],
    ] as const) {
      const codeGrants = oidc.tokenRequests.authorization_code;
      const { started, returned, cb } = await connectFully(env, orgId, id, email, account);
      t.equal(new URL(started.body.authorizationUrl).searchParams.get('client_id'), client.clientId, `${account}: its own client id`);
      t.equal(`${returned.origin}${returned.pathname}`, env.callbackUri, `${account}: the provider returned to the exact redirect URI`);
      t.equal(cb.res.status, 302);
      t.equal(cb.location, `/orgs/${orgId}/integrations/${id}?connected=1`, `${account}: back to the integration page`);
      t.ok(isClearing(cookieOf(cb.res, BINDING)), `${account}: the binding cookie is cleared`);
      t.equal(cb.res.headers.get('cache-control'), 'no-store');
      t.equal(oidc.tokenRequests.authorization_code, codeGrants + 1, `${account}: one code exchange`);

      const integration = (await api(env, 'GET', `/api/orgs/${orgId}/integrations/${id}`, email)).json();
      t.match(integration, { status: 'ACTIVE', connected: true, errorCount: 0, lastError: null });

      const row = (await connectionRow(env, id))!;
      const access = await storedToken(env, orgId, id, 'access_token_encrypted');
      const refresh = await storedToken(env, orgId, id, 'refresh_token_encrypted');
      env.canaries.add(access).add(refresh);
      t.ok(access.length > 10 && refresh.length > 10, `${account}: access and refresh tokens stored`);
      t.notOk(row.access_token_encrypted.includes(access), `${account}: the access token column holds ciphertext`);
      t.notOk(row.refresh_token_encrypted!.includes(refresh), `${account}: the refresh token column holds ciphertext`);
      t.notOk(
        JSON.stringify(row).includes(access) || JSON.stringify(row).includes(refresh),
        `${account}: no plaintext token anywhere in the row`,
      );
      const info = await introspect(env, client, access);
      t.equal(info.active, true);
      t.equal(info.client_id, client.clientId, `${account}: the token was issued to its own client`);

      const connection = (await api(env, 'GET', `/api/orgs/${orgId}/integrations/${id}/connection`, email)).json();
      t.equal(connection.status, 'connected');
      t.same([...connection.scopes].sort(), account === 'acme' ? ['email', 'openid'] : ['email']);
      const expiresIn = (Date.parse(connection.expiresAt) - Date.now()) / 1000;
      t.ok(expiresIn > 3500 && expiresIn <= 3600, `${account}: expires_in 3600 → expiresAt (${expiresIn} s)`);
      t.equal(connection.lastRefreshedAt, null);
      t.equal(connection.refreshFailures, 0);
      if (account === 'acme') t.equal(connection.externalAccount, ACCOUNTS.acme.id, 'the validated ID token names the account');

      const event = await lastAudit(env, 'integration.connected');
      t.equal(event.organization_id, orgId, `${account}: audited in its own organization`);
      t.equal(event.target_id, id);
      t.equal(event.actor_email, email, 'attributed to the admin who started the flow');
    }
  });

  t.test('connect honours returnTo', async (t) => {
    const started = await startConnect(env, globex, globexId, 'admin@globex.test', { returnTo: '/orgs/x/settings?tab=apps#oauth' });
    const cb = await callback(await authorize(env, started, 'globex'), started.binding);
    t.equal(cb.location, '/orgs/x/settings?tab=apps&connected=1#oauth');
  });

  t.test('returnTo is stored normalised, and a stored path that leaves the site is never followed', async (t) => {
    const started = await startConnect(env, globex, globexId, 'admin@globex.test', { returnTo: '/orgs/x/./settings/../apps' });
    const stored = await db
      .selectFrom('oauth_states')
      .select('return_to')
      .where('state_hash', '=', sha256(started.body.state))
      .executeTakeFirstOrThrow();
    t.equal(stored.return_to, '/orgs/x/apps', 'the normalised path is what is stored');

    // A row written before this check existed (or by hand): the callback must not send the browser off-site,
    // even when the state has expired.
    const old = await startConnect(env, globex, globexId, 'admin@globex.test');
    await db
      .updateTable('oauth_states')
      .set({ return_to: '/.//evil.example/x', expires_at: new Date(Date.now() - 1000) })
      .where('state_hash', '=', sha256(old.body.state))
      .execute();
    const cb = await callback(await authorize(env, old, 'globex'), old.binding);
    t.equal(cb.res.status, 302);
    t.ok(cb.location.startsWith('/') && !cb.location.startsWith('//'), `stays on this site: ${cb.location}`);
    t.notMatch(cb.location, /evil\.example/);
  });

  t.test('the client credentials come from the database at callback time', async (t) => {
    const patch = await api(env, 'PATCH', `/api/orgs/${globex}/integrations/${globexId}`, 'admin@globex.test', {
      clientSecret: WRONG_SECRET,
    });
    t.equal(patch.statusCode, 200);
    const before = await connectionRow(env, globexId);
    const codeGrants = oidc.tokenRequests.authorization_code;
    const started = await startConnect(env, globex, globexId, 'admin@globex.test');
    const cb = await callback(await authorize(env, started, 'globex'), started.binding);
    t.equal(oidc.tokenRequests.authorization_code, codeGrants + 1, 'the token endpoint was called…');
    t.equal(cb.location.split('?')[0], `/orgs/${globex}/integrations/${globexId}`, '…and the browser goes back to the integration page');
    t.match(cb.error, /refused the request \(HTTP 401, invalid_client\): the client ID or client secret is wrong/, 'with a readable error');
    t.ok(isClearing(cookieOf(cb.res, BINDING)), 'the attempt is over: the binding cookie is cleared');
    t.same(await connectionRow(env, globexId), before, 'the existing connection is untouched');
    t.equal((await integrationRow(env, globexId)).status, 'ACTIVE', 'status unchanged');
    const event = await lastAudit(env, 'integration.connect_failed');
    t.match(event, { organization_id: globex, target_id: globexId, actor_email: 'admin@globex.test' });
    t.match(event.metadata, { reason: 'token_endpoint_error', providerError: 'invalid_client' });

    await api(env, 'PATCH', `/api/orgs/${globex}/integrations/${globexId}`, 'admin@globex.test', {
      clientSecret: GLOBEX_CLIENT.clientSecret,
    });
    await connectFully(env, globex, globexId, 'admin@globex.test', 'globex');
    t.pass('the corrected secret connects again');
  });

  t.test('forced refresh calls the token endpoint exactly once; a valid token is reused', async (t) => {
    const old = await tokens.getAccessToken(acme, acmeId);
    const refreshes = oidc.tokenRequests.refresh_token;
    const fresh = await tokens.getAccessToken(acme, acmeId, { forceRefresh: true });
    env.canaries.add(fresh);
    t.not(fresh, old, 'a new access token');
    t.equal(oidc.tokenRequests.refresh_token, refreshes + 1, 'exactly one refresh');
    t.equal(await tokens.getAccessToken(acme, acmeId), fresh, 'the new token is reused while valid');
    t.equal(oidc.tokenRequests.refresh_token, refreshes + 1, 'no further refresh');
    t.equal((await introspect(env, ACME_CLIENT, fresh)).active, true);
    const connection = (await api(env, 'GET', `/api/orgs/${acme}/integrations/${acmeId}/connection`, 'viewer@acme.test')).json();
    t.ok(connection.lastRefreshedAt, 'lastRefreshedAt is set');
    t.equal((await connectionRow(env, acmeId))!.refresh_count, 1);
    t.notOk((await connectionRow(env, acmeId))!.access_token_encrypted.includes(fresh), 'the refreshed token is stored encrypted');
  });

  t.test('an access token close to expiry is refreshed before it is handed out', async (t) => {
    const old = await tokens.getAccessToken(acme, acmeId);
    await db
      .updateTable('connections')
      .set({ expires_at: new Date(Date.now() + 30_000) })
      .where('integration_id', '=', acmeId)
      .execute();
    const refreshes = oidc.tokenRequests.refresh_token;
    const fresh = await tokens.getAccessToken(acme, acmeId);
    env.canaries.add(fresh);
    t.not(fresh, old);
    t.equal(oidc.tokenRequests.refresh_token, refreshes + 1);
  });

  t.test('20 concurrent callers on an expired token cause exactly one upstream refresh', async (t) => {
    for (const forceRefresh of [true, false]) {
      const old = await tokens.getAccessToken(acme, acmeId);
      await db
        .updateTable('connections')
        .set({ expires_at: new Date(Date.now() - 60_000) })
        .where('integration_id', '=', acmeId)
        .execute();
      const refreshes = oidc.tokenRequests.refresh_token;
      const results = await Promise.all(Array.from({ length: 20 }, () => tokens.getAccessToken(acme, acmeId, { forceRefresh })));
      for (const r of results) env.canaries.add(r);
      t.equal(oidc.tokenRequests.refresh_token, refreshes + 1, `forceRefresh=${forceRefresh}: exactly one refresh for 20 callers`);
      t.equal(new Set(results).size, 1, `forceRefresh=${forceRefresh}: every caller got the same token`);
      t.not(results[0], old, 'the new token');
      t.equal(await storedToken(env, acme, acmeId, 'access_token_encrypted'), results[0], 'and it is the stored one');
    }
  });

  t.test('a failed refresh puts the integration in ERROR; the next good refresh recovers it', async (t) => {
    const before = await integrationRow(env, acmeId);
    await api(env, 'PATCH', `/api/orgs/${acme}/integrations/${acmeId}`, 'admin@acme.test', { clientSecret: WRONG_SECRET });
    const refreshes = oidc.tokenRequests.refresh_token;
    await t.rejects(tokens.getAccessToken(acme, acmeId, { forceRefresh: true }), {
      name: 'IntegrationTokenError',
      code: 'refresh_failed',
      message: /invalid_client/,
    });
    t.equal(oidc.tokenRequests.refresh_token, refreshes + 1, 'one attempt');
    const integration = (await api(env, 'GET', `/api/orgs/${acme}/integrations/${acmeId}`, 'admin@acme.test')).json();
    t.equal(integration.status, 'ERROR');
    t.equal(integration.errorCount, before.error_count + 1, 'errorCount incremented');
    t.match(integration.lastError, /Refreshing the access token of Acme API failed: .*invalid_client/);
    const connection = (await api(env, 'GET', `/api/orgs/${acme}/integrations/${acmeId}/connection`, 'admin@acme.test')).json();
    t.equal(connection.status, 'error', 'the connection reports the error');
    t.equal(connection.refreshFailures, 1);
    const event = await lastAudit(env, 'integration.token_refresh_failed');
    t.match(event, { organization_id: acme, target_id: acmeId });
    t.match(event.metadata, { reason: 'refresh_failed', providerError: 'invalid_client' });

    // Concurrent callers arriving after the failure each try again (the failure may have been transient),
    // but callers that queued behind a failing refresh share its result instead of hammering the provider.
    const queued = oidc.tokenRequests.refresh_token;
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => tokens.getAccessToken(acme, acmeId, { forceRefresh: true })));
    t.ok(
      outcomes.every((o) => o.status === 'rejected' && o.reason instanceof IntegrationTokenError),
      'all five fail',
    );
    t.equal(oidc.tokenRequests.refresh_token, queued + 1, 'with one upstream attempt');

    await api(env, 'PATCH', `/api/orgs/${acme}/integrations/${acmeId}`, 'admin@acme.test', { clientSecret: ACME_CLIENT.clientSecret });
    env.canaries.add(await tokens.getAccessToken(acme, acmeId, { forceRefresh: true }));
    const healed = (await api(env, 'GET', `/api/orgs/${acme}/integrations/${acmeId}`, 'admin@acme.test')).json();
    t.match(healed, { status: 'ACTIVE', lastError: null, errorCount: 0 });
    const conn = (await api(env, 'GET', `/api/orgs/${acme}/integrations/${acmeId}/connection`, 'admin@acme.test')).json();
    t.match(conn, { status: 'connected', refreshFailures: 0 });
  });

  t.test('every callback failure redirects with a readable error, changes nothing and is audited', async (t) => {
    const id = await createCustom(env, acme, 'admin@acme.test', 'Acme failures', ACME_CLIENT);
    const page = `/orgs/${acme}/integrations/${id}`;
    const unchanged = async (what: string) => {
      t.equal(await connectionRow(env, id), undefined, `${what}: no connection`);
      t.equal((await integrationRow(env, id)).status, 'INACTIVE', `${what}: status unchanged`);
    };
    const failedEvent = async (reason: string) => {
      const event = await lastAudit(env, 'integration.connect_failed');
      t.equal(event.metadata.reason, reason, `audited as ${reason}`);
      return event;
    };

    t.test('consent denied', async (t) => {
      const started = await startConnect(env, acme, id, 'admin@acme.test');
      oidc.denyNextConsent();
      const returned = await authorize(env, started, 'acme');
      t.equal(returned.searchParams.get('error'), 'access_denied');
      const codeGrants = oidc.tokenRequests.authorization_code;
      const cb = await callback(returned, started.binding);
      t.equal(cb.location.split('?')[0], page);
      t.equal(cb.error, 'Access was denied at the provider, so nothing was connected.');
      t.ok(isClearing(cookieOf(cb.res, BINDING)));
      t.equal(oidc.tokenRequests.authorization_code, codeGrants, 'no code exchange');
      await unchanged('consent denied');
      const event = await failedEvent('access_denied');
      t.match(event, { organization_id: acme, target_id: id, actor_email: 'admin@acme.test' });
      t.equal(event.metadata.providerError, 'access_denied');
      const state = await db
        .selectFrom('oauth_states')
        .select('used_at')
        .where('state_hash', '=', sha256(started.body.state))
        .executeTakeFirstOrThrow();
      t.ok(state.used_at, 'the state is used up');
    });

    t.test('unknown state and missing state', async (t) => {
      const codeGrants = oidc.tokenRequests.authorization_code;
      const cb = await callback(`${env.callbackUri}?code=made-up&state=not-a-state-we-issued`, 'some-binding');
      t.equal(cb.res.status, 302);
      t.equal(cb.location.split('?')[0], '/', 'no integration is known: back to the home page');
      t.match(cb.error, /connection attempt is unknown/);
      t.notOk(cookieOf(cb.res, BINDING), "the browser's binding cookie is left alone (it may belong to a live attempt)");
      let event = await failedEvent('unknown_state');
      t.equal(event.organization_id, null, 'audited on the platform chain');
      const none = await callback(env.callbackUri);
      t.equal(none.location.split('?')[0], '/');
      t.match(none.error, /without a state/);
      event = await failedEvent('missing_state');
      t.equal(event.organization_id, null);
      t.equal(oidc.tokenRequests.authorization_code, codeGrants, 'no code exchange');
      await unchanged('unknown state');
    });

    t.test('expired state', async (t) => {
      const started = await startConnect(env, acme, id, 'admin@acme.test');
      const returned = await authorize(env, started, 'acme');
      await db
        .updateTable('oauth_states')
        .set({ expires_at: new Date(Date.now() - 60_000) })
        .where('state_hash', '=', sha256(started.body.state))
        .execute();
      const codeGrants = oidc.tokenRequests.authorization_code;
      const cb = await callback(returned, started.binding);
      t.equal(cb.location.split('?')[0], page);
      t.match(cb.error, /expired/);
      t.equal(oidc.tokenRequests.authorization_code, codeGrants, 'no code exchange');
      await unchanged('expired');
      t.equal((await failedEvent('state_expired')).organization_id, acme);
    });

    t.test('state from another browser: refused without burning the legitimate attempt', async (t) => {
      const started = await startConnect(env, acme, id, 'admin@acme.test');
      const returned = await authorize(env, started, 'acme');
      const codeGrants = oidc.tokenRequests.authorization_code;
      for (const [what, binding] of [
        ['no cookie', undefined],
        ['another cookie', 'a-binding-of-some-other-browser'],
      ] as const) {
        const cb = await callback(returned, binding);
        t.match(cb.error, /started in another browser/, what);
        t.notOk(isClearing(cookieOf(cb.res, BINDING)), `${what}: no cookie is cleared`);
        t.equal((await failedEvent('browser_mismatch')).organization_id, acme);
      }
      t.equal(oidc.tokenRequests.authorization_code, codeGrants, 'no code exchange');
      await unchanged('another browser');
      const state = await db
        .selectFrom('oauth_states')
        .select('used_at')
        .where('state_hash', '=', sha256(started.body.state))
        .executeTakeFirstOrThrow();
      t.equal(state.used_at, null, 'the state is not used up');

      const legit = await callback(returned, started.binding);
      t.equal(legit.connected, '1', 'the browser that started the flow still completes it');
      t.equal((await integrationRow(env, id)).status, 'ACTIVE');
    });

    t.test('replayed state', async (t) => {
      const { started, returned } = await connectFully(env, acme, id, 'admin@acme.test', 'acme');
      const before = await connectionRow(env, id);
      const codeGrants = oidc.tokenRequests.authorization_code;
      for (const binding of [started.binding, undefined]) {
        const cb = await callback(returned, binding);
        t.equal(cb.location.split('?')[0], page);
        t.match(cb.error, /already used/);
        t.equal((await failedEvent('state_replayed')).organization_id, acme);
      }
      t.equal(oidc.tokenRequests.authorization_code, codeGrants, 'the code is not sent again');
      t.same(await connectionRow(env, id), before, 'the connection is untouched');
      // Back to "never connected" for the remaining cases.
      t.equal((await api(env, 'POST', `/api/orgs/${acme}/integrations/${id}/disconnect`, 'admin@acme.test')).statusCode, 204);
    });

    t.test('no code', async (t) => {
      const started = await startConnect(env, acme, id, 'admin@acme.test');
      const returned = await authorize(env, started, 'acme');
      returned.searchParams.delete('code');
      const cb = await callback(returned, started.binding);
      t.equal(cb.location.split('?')[0], page);
      t.match(cb.error, /no authorization code/);
      await unchanged('no code');
      await failedEvent('missing_code');
    });

    t.test('token endpoint error (wrong client secret)', async (t) => {
      await api(env, 'PATCH', `/api/orgs/${acme}/integrations/${id}`, 'admin@acme.test', { clientSecret: WRONG_SECRET });
      const started = await startConnect(env, acme, id, 'admin@acme.test');
      const cb = await callback(await authorize(env, started, 'acme'), started.binding);
      t.equal(cb.location.split('?')[0], page);
      t.match(cb.error, /invalid_client/);
      await unchanged('token endpoint error');
      const event = await failedEvent('token_endpoint_error');
      t.notOk(JSON.stringify(event).includes(WRONG_SECRET), 'the secret is not in the audit event');
    });

    t.test('a member who lost the admin role while at the provider cannot finish', async (t) => {
      await api(env, 'PATCH', `/api/orgs/${acme}/integrations/${id}`, 'admin@acme.test', { clientSecret: ACME_CLIENT.clientSecret });
      const started = await startConnect(env, acme, id, 'admin@acme.test');
      const returned = await authorize(env, started, 'acme');
      const admin = await db.selectFrom('users').select('id').where('email', '=', 'admin@acme.test').executeTakeFirstOrThrow();
      await db
        .updateTable('memberships')
        .set({ role: 'viewer' })
        .where('user_id', '=', admin.id)
        .where('organization_id', '=', acme)
        .execute();
      const cb = await callback(returned, started.binding);
      await db
        .updateTable('memberships')
        .set({ role: 'admin' })
        .where('user_id', '=', admin.id)
        .where('organization_id', '=', acme)
        .execute();
      t.match(cb.error, /may no longer connect/);
      await unchanged('demoted');
      await failedEvent('not_allowed');
    });
  });

  t.test('the credential test', async (t) => {
    t.test('oauth2: a call with the stored token; a failing call is reported, not thrown', async (t) => {
      const ok = await api(env, 'POST', `/api/orgs/${acme}/integrations/${acmeId}/test`, 'admin@acme.test');
      t.equal(ok.statusCode, 200);
      t.equal(ok.json().ok, true, ok.body);
      t.match(ok.json().message, /^Custom API accepted the credentials \(HTTP 200 in \d+ ms\)$/);
      let event = await lastAudit(env, 'integration.tested');
      t.match(event.metadata, { ok: true, httpStatus: 200 });

      await api(env, 'PATCH', `/api/orgs/${acme}/integrations/${acmeId}`, 'admin@acme.test', {
        settings: fixtureSettings(env, { listPath: '/no-such-endpoint' }),
      });
      const bad = await api(env, 'POST', `/api/orgs/${acme}/integrations/${acmeId}/test`, 'admin@acme.test');
      t.same(bad.json(), {
        ok: false,
        message: "Custom API answered HTTP 404: check the API base URL and paths in the integration's settings",
      });
      event = await lastAudit(env, 'integration.tested');
      t.match(event.metadata, { ok: false, httpStatus: 404 });
      await api(env, 'PATCH', `/api/orgs/${acme}/integrations/${acmeId}`, 'admin@acme.test', { settings: fixtureSettings(env) });

      const never = await createCustom(env, acme, 'admin@acme.test', 'Never connected', ACME_CLIENT);
      const notConnected = await api(env, 'POST', `/api/orgs/${acme}/integrations/${never}/test`, 'admin@acme.test');
      t.same(notConnected.json(), { ok: false, message: 'Never connected is not connected; connect it first' });
    });

    t.test('api_key and basic: success marks the integration verified and ACTIVE', async (t) => {
      const GOOD_KEY = 'sk_test_good_key_0123456789';
      const BAD_KEY = 'sk_test_bad_key_9876543210';
      const PASSWORD = 'app-password-abcd-efgh';
      env.canaries.add(GOOD_KEY).add(BAD_KEY).add(PASSWORD);
      const seen: { method: string; url: string; auth: string | undefined; depth: string | undefined }[] = [];
      const provider = createHttpServer((req, res) => {
        seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, depth: req.headers.depth as string | undefined });
        const okStripe = req.url === '/v1/balance' && req.headers.authorization === `Bearer ${GOOD_KEY}`;
        const okDav =
          req.method === 'PROPFIND' &&
          req.headers.authorization === `Basic ${Buffer.from(`me@icloud.example:${PASSWORD}`).toString('base64')}`;
        res.statusCode = okStripe ? 200 : okDav ? 207 : 401;
        res.setHeader('content-type', 'application/json');
        // A careless provider echoing the credential must not get it into our message.
        res.end(JSON.stringify({ echoed: req.headers.authorization ?? null }));
      });
      const providerBase = await listen(provider);
      t.teardown(() => new Promise<void>((resolve) => provider.close(() => resolve())));

      const created = await api(env, 'POST', `/api/orgs/${acme}/integrations`, 'admin@acme.test', {
        provider: 'stripe',
        name: 'Stripe test',
        apiKey: GOOD_KEY,
        settings: { apiBaseUrl: providerBase },
      });
      t.equal(created.statusCode, 201, created.body);
      const stripeId = created.json().id;
      t.equal((await integrationRow(env, stripeId)).status, 'INACTIVE');
      const ok = await api(env, 'POST', `/api/orgs/${acme}/integrations/${stripeId}/test`, 'admin@acme.test');
      t.equal(ok.json().ok, true, ok.body);
      t.match(ok.json().message, /^Stripe accepted the credentials/);
      const verified = await integrationRow(env, stripeId);
      t.equal(verified.status, 'ACTIVE', 'a successful test makes an API-key integration ACTIVE');
      t.ok(verified.verified_at, 'verified_at is set');
      t.match(seen.at(-1), { method: 'GET', url: '/v1/balance', auth: `Bearer ${GOOD_KEY}` });

      await api(env, 'PATCH', `/api/orgs/${acme}/integrations/${stripeId}`, 'admin@acme.test', { apiKey: BAD_KEY });
      const bad = await api(env, 'POST', `/api/orgs/${acme}/integrations/${stripeId}/test`, 'admin@acme.test');
      t.same(bad.json(), { ok: false, message: 'Stripe rejected the credentials (HTTP 401)' });
      t.equal((await integrationRow(env, stripeId)).verified_at, null, 'the new key is unproven');

      const dav = await api(env, 'POST', `/api/orgs/${acme}/integrations`, 'admin@acme.test', {
        provider: 'apple_calendar',
        name: 'Calendar test',
        username: 'me@icloud.example',
        password: PASSWORD,
        settings: { calendarUrl: `${providerBase}/dav/` },
      });
      t.equal(dav.statusCode, 201, dav.body);
      const davOk = await api(env, 'POST', `/api/orgs/${acme}/integrations/${dav.json().id}/test`, 'admin@acme.test');
      t.equal(davOk.json().ok, true, davOk.body);
      t.match(seen.at(-1), { method: 'PROPFIND', url: '/dav/', depth: '0' });
      t.equal((await integrationRow(env, dav.json().id)).status, 'ACTIVE');

      const paused = await api(env, 'POST', `/api/orgs/${acme}/integrations/${dav.json().id}/pause`, 'admin@acme.test');
      t.equal(paused.json().status, 'PAUSED');
      await api(env, 'POST', `/api/orgs/${acme}/integrations/${dav.json().id}/test`, 'admin@acme.test');
      t.equal((await integrationRow(env, dav.json().id)).status, 'PAUSED', 'a paused integration stays paused');

      const events = await auditEvents(env, 'integration.tested');
      t.notOk(JSON.stringify(events).includes(GOOD_KEY) || JSON.stringify(events).includes(PASSWORD), 'no credential in the audit trail');
    });
  });

  t.test('stored credentials never follow a change of the URLs they are sent to', async (t) => {
    const heard: { url: string; auth: string | undefined; body: string }[] = [];
    const attacker = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        heard.push({ url: req.url!, auth: req.headers.authorization, body });
        res.setHeader('content-type', 'application/json');
        res.end('{"access_token":"x","token_type":"bearer"}');
      });
    });
    const attackerBase = await listen(attacker);
    t.teardown(() => new Promise<void>((resolve) => attacker.close(() => resolve())));

    // OAuth 2: a connected integration; an Admin points its API or token URL elsewhere.
    const id = await createCustom(env, acme, 'admin@acme.test', 'Credential destination', ACME_CLIENT);
    await connectFully(env, acme, id, 'admin@acme.test', 'acme');
    const before = await integrationRow(env, id);
    for (const key of ['apiBaseUrl', 'tokenUrl', 'authorizationUrl']) {
      const res = await api(env, 'PATCH', `/api/orgs/${acme}/integrations/${id}`, 'admin@acme.test', {
        settings: { ...fixtureSettings(env), [key]: `${attackerBase}/x` },
      });
      t.equal(res.statusCode, 400, `${key}: refused without the client secret`);
      t.match(res.json().message, new RegExp(`settings\\.${key}.*client secret \\(clientSecret\\) again`));
    }
    t.same(await integrationRow(env, id), before, 'nothing changed');
    t.ok(await connectionRow(env, id), 'the tokens are still there');
    await api(env, 'POST', `/api/orgs/${acme}/integrations/${id}/test`, 'admin@acme.test');
    await tokens.getAccessToken(acme, id, { forceRefresh: true }).catch(() => {});

    // With the secret entered again the change is taken, and the tokens of the old endpoints are dropped.
    const moved = await api(env, 'PATCH', `/api/orgs/${acme}/integrations/${id}`, 'admin@acme.test', {
      settings: { ...fixtureSettings(env), apiBaseUrl: attackerBase },
      clientSecret: ACME_CLIENT.clientSecret,
    });
    t.equal(moved.statusCode, 200, moved.body);
    t.match(moved.json(), { status: 'INACTIVE', connected: false });
    t.equal(await connectionRow(env, id), undefined, 'the stored tokens are deleted');
    const tested = await api(env, 'POST', `/api/orgs/${acme}/integrations/${id}/test`, 'admin@acme.test');
    t.equal(tested.json().ok, false, 'nothing to authenticate with until it reconnects');

    // API key: the same rule.
    const stripe = await api(env, 'POST', `/api/orgs/${acme}/integrations`, 'admin@acme.test', {
      provider: 'stripe',
      name: 'Stripe destination',
      apiKey: 'sk_test_destination_0123456789',
      settings: { apiBaseUrl: env.oidc.issuer },
    });
    env.canaries.add('sk_test_destination_0123456789');
    const stripeId = stripe.json().id;
    const refused = await api(env, 'PATCH', `/api/orgs/${acme}/integrations/${stripeId}`, 'admin@acme.test', {
      settings: { apiBaseUrl: attackerBase },
    });
    t.equal(refused.statusCode, 400, 'apiBaseUrl of an API-key integration: refused without the API key');
    t.match(refused.json().message, /API key \(apiKey\) again/);
    await api(env, 'POST', `/api/orgs/${acme}/integrations/${stripeId}/test`, 'admin@acme.test');

    t.same(heard, [], 'the outside host never received a request, let alone a credential');
    const audit = await lastAudit(env, 'integration.updated');
    t.match(audit.metadata, { destinationChanged: ['apiBaseUrl'], reconnectRequired: true });
  });

  t.test('permissions: viewers get 403 on writes, other organizations 404 on everything', async (t) => {
    const base = `/api/orgs/${acme}/integrations/${acmeId}`;
    const writes: ['POST', string][] = [
      ['POST', `${base}/connect`],
      ['POST', `${base}/disconnect`],
      ['POST', `${base}/test`],
    ];
    for (const [method, url] of writes) {
      t.equal((await api(env, method, url, 'viewer@acme.test')).statusCode, 403, `viewer: ${method} ${url}`);
    }
    t.equal((await api(env, 'GET', `${base}/connection`, 'viewer@acme.test')).statusCode, 200, 'a viewer reads the connection');
    for (const [method, url] of [...writes, ['GET', `${base}/connection`]] as ['GET' | 'POST', string][]) {
      t.equal((await api(env, method, url, 'admin@globex.test')).statusCode, 404, `other org: ${method} ${url}`);
    }
    const foreign = `/api/orgs/${globex}/integrations/${acmeId}`;
    for (const [method, suffix] of [
      ['POST', 'connect'],
      ['POST', 'disconnect'],
      ['POST', 'test'],
      ['GET', 'connection'],
    ] as const) {
      t.equal((await api(env, method, `${foreign}/${suffix}`, 'admin@globex.test')).statusCode, 404, `foreign id under own org: ${suffix}`);
    }
    t.equal(
      (await api(env, 'GET', `/api/orgs/${acme}/integrations/00000000-0000-4000-8000-000000000000/connection`, 'admin@acme.test'))
        .statusCode,
      404,
    );
    t.equal((await integrationRow(env, acmeId)).status, 'ACTIVE', 'nothing was changed by refused calls');
    t.ok(await connectionRow(env, acmeId));
  });

  t.test('disconnect forgets the tokens and makes the integration INACTIVE', async (t) => {
    const res = await api(env, 'POST', `/api/orgs/${acme}/integrations/${acmeId}/disconnect`, 'admin@acme.test');
    t.equal(res.statusCode, 204);
    t.equal(await connectionRow(env, acmeId), undefined, 'connection gone');
    const integration = (await api(env, 'GET', `/api/orgs/${acme}/integrations/${acmeId}`, 'admin@acme.test')).json();
    t.match(integration, { status: 'INACTIVE', connected: false });
    const connection = (await api(env, 'GET', `/api/orgs/${acme}/integrations/${acmeId}/connection`, 'admin@acme.test')).json();
    t.same(connection, {
      status: 'not_connected',
      scopes: [],
      expiresAt: null,
      externalAccount: null,
      lastRefreshedAt: null,
      refreshFailures: 0,
    });
    const event = await lastAudit(env, 'integration.disconnected');
    t.match(event, { organization_id: acme, target_id: acmeId, actor_email: 'admin@acme.test' });
    t.match(event.metadata, { revocation: 'not_supported', from: 'ACTIVE', to: 'INACTIVE' });
    await t.rejects(tokens.getAccessToken(acme, acmeId), { code: 'not_connected' });
  });

  t.test('disconnect revokes at the provider when the definition has a revocation endpoint (RFC 7009)', async (t) => {
    const withRevocation =
      (revocationUrl: string) =>
      (key: string): ProviderDefinition | undefined => {
        const definition = getProvider(key);
        if (!definition || definition.authType !== 'oauth2' || key !== 'custom') return definition;
        return { ...definition, oauth: { ...definition.oauth, revocationUrl } };
      };
    const deps = { db: ctx.database.db, config: ctx.config, vault: ctx.app.services.vault, http: ctx.app.services.http, tokens };
    const adminCtx = await adminContext(env, globex, 'admin@globex.test');

    const access = await tokens.getAccessToken(globex, globexId);
    const refresh = await storedToken(env, globex, globexId, 'refresh_token_encrypted');
    t.equal((await introspect(env, GLOBEX_CLIENT, access)).active, true);
    t.equal((await introspect(env, GLOBEX_CLIENT, refresh)).active, true);
    // The fixture's revocation endpoint is ${tokenUrl}/revocation; a leading placeholder stands for a whole URL.
    const revoking = createOAuthService({ ...deps, providers: withRevocation('{{tokenUrl}}/revocation') });
    t.same(await revoking.disconnect(adminCtx, globex, globexId), { revocation: 'revoked', revocationError: null });
    t.equal((await introspect(env, GLOBEX_CLIENT, access)).active, false, 'the access token is revoked');
    t.equal((await introspect(env, GLOBEX_CLIENT, refresh)).active, false, 'the refresh token is revoked');
    t.equal(await connectionRow(env, globexId), undefined);
    t.equal((await integrationRow(env, globexId)).status, 'INACTIVE');
    t.match((await lastAudit(env, 'integration.disconnected')).metadata, { revocation: 'revoked' });

    // Revocation is best effort: an unreachable endpoint does not stop the disconnect.
    await connectFully(env, globex, globexId, 'admin@globex.test', 'globex');
    const unreachable = createOAuthService({ ...deps, providers: withRevocation('http://127.0.0.1:9/revoke') });
    const result = await unreachable.disconnect(adminCtx, globex, globexId);
    t.equal(result.revocation, 'failed');
    t.match(result.revocationError, /Could not reach the provider's revocation endpoint/);
    t.equal(await connectionRow(env, globexId), undefined, 'disconnected anyway');
    t.equal((await integrationRow(env, globexId)).status, 'INACTIVE');
  });

  t.test('no token or secret in any log line', async (t) => {
    const logs = ctx.logs.join('\n');
    t.ok(logs.length > 0, 'the app logged');
    for (const canary of env.canaries) t.notOk(logs.includes(canary), `log lines do not contain ${canary.slice(0, 6)}…`);
    const audit = JSON.stringify(await db.selectFrom('audit_events').selectAll().execute());
    for (const canary of env.canaries) t.notOk(audit.includes(canary), `audit events do not contain ${canary.slice(0, 6)}…`);
  });
});
