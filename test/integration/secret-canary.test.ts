/**
 * Secret canary (docs/architecture.md, "Secrets in motion"): secrets set through the API never appear in an API
 * response, an export (JSON, CSV, the CSVs of a ZIP, a PDF's text), a log line or an audit event, and are
 * stored only as ciphertext.
 *
 * Distinctive canary values go in through every door a secret has — an OAuth client secret (on create and
 * replaced by PATCH), a Stripe API key, an Apple Calendar app password, sign-in and invitation passwords —
 * and the secrets Linkyard receives or mints are recorded too: the OAuth access, refresh and ID tokens that a
 * real OAuth server issued during a real connect flow (read off the wire by a proxy in front of its token
 * endpoint), the authorization code, the PKCE verifier, the state and browser binding of each attempt, the
 * invitation tokens, and Linkyard's own access and refresh tokens. Then the API is exercised broadly —
 * connect (failing and succeeding), credential tests, forced and failing token refreshes, disconnect with
 * revocation, bad input, sync runs, every registered GET route as every role, sign-in refresh and reuse, the
 * audit endpoints, /openapi.json, /metrics with its token — against careless providers too (an API that echoes
 * the credential it got, a token endpoint that puts it into its error code). At the end every response (body and headers), every
 * log line and every audit_events row is searched for every canary, and a dump of every table for plaintext.
 *
 * The app is built here rather than with createTestApp: its log lines must come from the production logger
 * options (lib/logger.ts: redaction and URL masking) at trace level, which that helper does not use.
 *
 * A canary matches on its full value and on 16-character fragments of its random part, so a truncated or
 * partly masked copy is caught as well; Basic-auth encodings of the credentials are searched for too. The
 * only places a canary may appear are the responses that hand it out by design (a sign-in sets the refresh
 * cookie, connect returns the state, POST /members returns the invitation token), each allowed for that one
 * response and that one part.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pino from 'pino';
import t from 'tap';
import { buildApp } from '../../server/src/app.js';
import { inScope } from '../../server/src/lib/db-scope.js';
import { loggerOptions } from '../../server/src/lib/logger.js';
import { secretContext, tokenContext } from '../../server/src/modules/integrations/integrations.port.js';
import { seedDemo } from '../../server/src/seed/demo.js';
import { followAuthorization, startOidcServer } from '../fixtures/oidc-server.js';
import { DEMO_PASSWORD, testConfig } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { freePort } from '../helpers/net.js';
import { pdfText, unzip } from '../helpers/export-files.js';
import { waitUntil } from '../helpers/wait-until.js';

/* ------------------------------------------------------------------------------------------ */
/* Canaries                                                                                    */
/* ------------------------------------------------------------------------------------------ */

interface Canary {
  label: string;
  value: string;
  /** Strings whose presence means the canary (or a recognisable part of it) leaked. */
  needles: string[];
  /** `${captureId}:${part}` where this canary is handed out by design. */
  allowed: Set<string>;
}

const canaries: Canary[] = [];

function addCanary(label: string, value: string, extraNeedles: string[] = []): Canary {
  if (!value || value.length < 12) throw new Error(`canary ${label} is too short to search for: ${JSON.stringify(value)}`);
  const existing = canaries.find((c) => c.value === value);
  if (existing) return existing;
  const needles = new Set([value, encodeURIComponent(value), ...extraNeedles]);
  const core = /^CANARY-[a-z-]+-([0-9a-f]{32})$/.exec(value)?.[1];
  if (core) {
    needles.add(core.slice(0, 16)).add(core.slice(-16));
  } else if (value.split('.').length === 3) {
    const signature = value.split('.')[2]; // a JWT: its signature is the part unique to it
    needles.add(signature).add(signature.slice(-16));
  } else if (value.length >= 32) {
    needles.add(value.slice(0, 16)).add(value.slice(-16));
  }
  const canary = { label, value, needles: [...needles], allowed: new Set<string>() };
  canaries.push(canary);
  return canary;
}

/** CANARY-<kind>-<32 random hex>: impossible to produce by accident, easy to spot in a failure message. */
const canaryValue = (kind: string) => `CANARY-${kind}-${randomBytes(16).toString('hex')}`;
const basic = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');
/** RFC 6749 §2.3.1: client_secret_basic form-encodes id and secret before base64. */
const clientBasic = (id: string, secret: string) => basic(encodeURIComponent(id), encodeURIComponent(secret));
const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');

interface Hit {
  canary: string;
  needle: string;
  context: string;
}

function findCanaries(text: string, skip?: (c: Canary) => boolean, extra: (n: string) => string[] = () => []): Hit[] {
  const hits: Hit[] = [];
  for (const canary of canaries) {
    if (skip?.(canary)) continue;
    for (const needle of canary.needles.flatMap((n) => [n, ...extra(n)])) {
      const at = text.indexOf(needle);
      if (at >= 0) {
        hits.push({
          canary: canary.label,
          needle: needle.slice(0, 12) + '…',
          context: text.slice(Math.max(0, at - 80), at + needle.length + 40),
        });
        break;
      }
    }
  }
  return hits;
}

/* ------------------------------------------------------------------------------------------ */
/* Response capture                                                                            */
/* ------------------------------------------------------------------------------------------ */

interface Capture {
  id: number;
  what: string;
  status: number;
  /** Every header but Set-Cookie, as JSON. */
  headers: string;
  setCookie: string;
  body: string;
}

const captures: Capture[] = [];

function capture(what: string, status: number, headers: Record<string, unknown>, setCookies: string[], body: string): Capture {
  const { 'set-cookie': _cookies, ...rest } = headers;
  const c = { id: captures.length, what, status, headers: JSON.stringify(rest), setCookie: setCookies.join('\n'), body };
  captures.push(c);
  return c;
}

const allow = (canary: Canary, c: Capture, part: 'body' | 'setCookie') => canary.allowed.add(`${c.id}:${part}`);

function cookieValue(setCookie: string, name: string): string | undefined {
  const line = setCookie.split('\n').find((l) => l.startsWith(`${name}=`));
  const value = line?.slice(name.length + 1).split(';')[0];
  return value ? decodeURIComponent(value) : undefined;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/* ------------------------------------------------------------------------------------------ */
/* The test                                                                                    */
/* ------------------------------------------------------------------------------------------ */

t.test('secrets set through the API never appear in a response, a log line or an audit event', async (t) => {
  // ---- canaries we choose ----------------------------------------------------------------
  const CLIENT_ID = 'linkyard-canary-app';
  const clientSecretCreated = addCanary('client secret (create)', canaryValue('client-secret'));
  const clientSecretPatched = addCanary('client secret (PATCH)', canaryValue('client-secret'));
  const clientSecretWrong = addCanary('client secret (PATCH, wrong)', canaryValue('client-secret'));
  const apiKey = addCanary('Stripe API key', canaryValue('api-key'));
  const apiKeyReplaced = addCanary('Stripe API key (PATCH)', canaryValue('api-key'));
  const apiKeyRevoked = addCanary('Stripe API key (PATCH, revoked at the provider)', canaryValue('api-key'));
  const APPLE_USER = 'canary@icloud.example';
  const applePassword = addCanary('Apple Calendar app password', canaryValue('password'));
  const rejectedApiKey = addCanary('API key in a rejected request', canaryValue('api-key'));
  const rejectedSecret = addCanary('client secret in a rejected request', canaryValue('client-secret'));
  const wrongLoginPassword = addCanary('wrong sign-in password', canaryValue('password'));
  const invitedPassword = addCanary('password set with an invitation', canaryValue('password'));
  const bogusInvitation = addCanary('made-up invitation token', canaryValue('invitation'));
  const bogusRefresh = addCanary('made-up refresh token', canaryValue('refresh'));
  const bogusCode = addCanary('made-up authorization code', canaryValue('code'));
  const bogusState = addCanary('made-up state', canaryValue('state'));
  addCanary('demo password', DEMO_PASSWORD);
  const metricsToken = addCanary('metrics token (METRICS_TOKEN)', canaryValue('metrics'));
  // Basic-auth encodings of the credentials, as they travel to providers.
  for (const c of [clientSecretCreated, clientSecretPatched, clientSecretWrong]) c.needles.push(clientBasic(CLIENT_ID, c.value));
  applePassword.needles.push(basic(APPLE_USER, applePassword.value));

  // ---- a real OAuth server, with a proxy in front of its token endpoint that records what it issues ----
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const callbackUri = `${base}/api/oauth/callback`;
  const oidc = await startOidcServer({
    clients: [{ clientId: CLIENT_ID, clientSecret: clientSecretPatched.value, redirectUris: [callbackUri] }],
    accounts: [{ id: 'canary-account', email: 'ops@canary.example', emailVerified: true, name: 'Canary Ops' }],
    requirePkce: true,
  });
  t.teardown(() => oidc.close());
  /** The client secret of a client_secret_basic header (RFC 6749 §2.3.1: form-encoded, then base64). */
  const clientSecretOf = (authorization: string | null) => {
    const decoded = Buffer.from(authorization?.replace(/^Basic /, '') ?? '', 'base64').toString('utf8');
    return decodeURIComponent(decoded.slice(decoded.indexOf(':') + 1).replace(/\+/g, ' '));
  };
  const wire: { authorization: string | null; form: URLSearchParams; status: number; response: Record<string, unknown> }[] = [];
  /** 'echo': a careless token endpoint that puts the credential it was sent into its error code. */
  let tokenEndpointMode: 'pass' | 'echo' = 'pass';
  const tokenProxy = createHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (tokenEndpointMode === 'echo') {
      const form = new URLSearchParams(body);
      const echoed = req.url!.includes('revocation')
        ? form.get('token')
        : form.get('grant_type') === 'refresh_token'
          ? form.get('refresh_token')
          : clientSecretOf(req.headers.authorization ?? null);
      const response = { error: echoed, error_description: `rejected ${req.headers.authorization} ${body}` };
      wire.push({ authorization: req.headers.authorization ?? null, form, status: 400, response });
      res.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(response));
      return;
    }
    const headers: Record<string, string> = {};
    for (const h of ['authorization', 'content-type', 'accept'])
      if (typeof req.headers[h] === 'string') headers[h] = req.headers[h] as string;
    const upstream = await fetch(oidc.url(req.url!), { method: req.method, headers, ...(req.method === 'POST' ? { body } : {}) });
    const text = await upstream.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: nothing issued
    }
    wire.push({
      authorization: req.headers.authorization ?? null,
      form: new URLSearchParams(body),
      status: upstream.status,
      response: json,
    });
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
      'cache-control': 'no-store',
    });
    res.end(text);
  });
  const proxyBase = await listen(tokenProxy);
  t.teardown(() => closeServer(tokenProxy));
  /** Every token the OAuth server issued (access, refresh, ID) and every code and verifier sent to it. */
  const learnFromWire = () => {
    for (const w of wire) {
      // The exact Authorization header sent (oauth4webapi escapes even "-"): a log of it must be caught too.
      const sentWith = canaries.find((c) => c.value === clientSecretOf(w.authorization));
      if (sentWith && w.authorization && !sentWith.needles.includes(w.authorization.slice(6)))
        sentWith.needles.push(w.authorization.slice(6));
      for (const key of ['access_token', 'refresh_token', 'id_token'] as const) {
        if (typeof w.response[key] === 'string') addCanary(`OAuth ${key} issued by the provider`, w.response[key] as string);
      }
      const code = w.form.get('code');
      if (code) addCanary('authorization code', code);
      const verifier = w.form.get('code_verifier');
      if (verifier) addCanary('PKCE code verifier', verifier);
    }
  };

  // ---- a careless provider API for the API-key and basic integrations: it echoes the credential back ----
  const providerApi = createHttpServer((req, res) => {
    if (req.url?.startsWith('/v1/customers') && req.headers.authorization === `Bearer ${apiKeyReplaced.value}`) {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          data: [
            { id: 'cus_1', email: 'a@example.com' },
            { id: 'cus_2', email: 'b@example.com' },
          ],
          has_more: false,
        }),
      );
      return;
    }
    const okStripe = req.url === '/v1/balance' && req.headers.authorization === `Bearer ${apiKey.value}`;
    const okDav = req.method === 'PROPFIND' && req.headers.authorization === `Basic ${basic(APPLE_USER, applePassword.value)}`;
    res.statusCode = okStripe ? 200 : okDav ? 207 : 401;
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-echo', String(req.headers.authorization ?? ''));
    res.end(JSON.stringify({ echoed: req.headers.authorization ?? null, error: { message: `bad key ${req.headers.authorization}` } }));
  });
  const providerBase = await listen(providerApi);
  t.teardown(() => closeServer(providerApi));

  // ---- the app: production logger options (redaction, URL masking) at trace level, into memory ----
  const database = await createTestDatabase();
  const config = testConfig({
    LOG_LEVEL: 'trace',
    PUBLIC_URL: base,
    ALLOW_PRIVATE_NETWORK_TARGETS: 'true',
    METRICS_TOKEN: metricsToken.value,
  });
  t.equal(config.logLevel, 'trace');
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  await seedDemo(database.db, DEMO_PASSWORD, undefined, config.passwordHashCost);
  const logger = pino(loggerOptions(config.logLevel) as pino.LoggerOptions, sink);
  const app = await buildApp({ config, db: database.db, logger: logger as never });
  await app.ready();
  t.teardown(async () => {
    await app.close();
    await database.close();
  });
  await app.listen({ port, host: '127.0.0.1' });
  const db = database.db.kysely;
  const orgRows = await db.selectFrom('organizations').select(['id', 'slug']).execute();
  const acme = orgRows.find((o) => o.slug === 'acme')!.id;
  const globex = orgRows.find((o) => o.slug === 'globex')!.id;

  // ---- request helpers: every response is captured ----
  const bearers = new Map<string, string>();
  type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
  async function call(
    method: Method,
    url: string,
    opts: { as?: string; payload?: unknown; headers?: Record<string, string>; what?: string } = {},
  ) {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.as)
      headers.authorization =
        bearers.get(opts.as) ??
        (() => {
          throw new Error(`not signed in: ${opts.as}`);
        })();
    const res = await app.inject({
      method,
      url,
      headers,
      ...(opts.payload === undefined
        ? {}
        : typeof opts.payload === 'string'
          ? { payload: opts.payload }
          : { payload: opts.payload as object }),
    });
    const setCookies = ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? []);
    const c = capture(opts.what ?? `${method} ${url} as ${opts.as ?? 'anonymous'}`, res.statusCode, res.headers, setCookies, res.body);
    return { res, c, json: () => JSON.parse(res.body) };
  }
  async function fetchCapture(what: string, url: string, init: RequestInit) {
    const res = await fetch(url, { redirect: 'manual', ...init });
    const body = await res.text();
    const c = capture(what, res.status, Object.fromEntries(res.headers), res.headers.getSetCookie(), body);
    return { res, c, body };
  }
  /** Signs in; the access token may only be in this response's body and cookies, the refresh token only in its cookie. */
  async function signIn(email: string, password = DEMO_PASSWORD, label = email) {
    const { res, c, json } = await call('POST', '/api/auth/login', { payload: { email, password }, what: `sign in as ${label}` });
    if (res.statusCode !== 200) throw new Error(`sign in as ${email}: ${res.statusCode} ${res.body}`);
    return sessionFrom(label, c, json());
  }
  function sessionFrom(label: string, c: Capture, body: { accessToken: string }) {
    const access = addCanary(`Linkyard access token (${label})`, body.accessToken);
    allow(access, c, 'body');
    allow(access, c, 'setCookie');
    const refreshToken = cookieValue(c.setCookie, 'ly_refresh');
    if (!refreshToken) throw new Error(`no refresh cookie for ${label}`);
    allow(addCanary(`Linkyard refresh token (${label})`, refreshToken), c, 'setCookie');
    return { accessToken: body.accessToken, refreshToken };
  }

  const ROLES = { super: 'super@acme.test', admin: 'admin@acme.test', viewer: 'viewer@acme.test', owner: 'owner@linkyard.test' } as const;
  for (const email of Object.values(ROLES)) bearers.set(email, `Bearer ${(await signIn(email)).accessToken}`);
  const ADMIN = ROLES.admin;

  const integrationsUrl = `/api/orgs/${acme}/integrations`;
  const fixtureSettings = {
    authorizationUrl: oidc.url('/auth'),
    tokenUrl: `${proxyBase}/token`,
    revocationUrl: `${proxyBase}/token/revocation`,
    apiBaseUrl: oidc.issuer,
    listPath: '/me',
  };
  const storedSecret = async (id: string) => {
    const row = await db.selectFrom('integrations').select('secret_encrypted').where('id', '=', id).executeTakeFirstOrThrow();
    return inScope(database.db, { org: acme }, (tx) => app.services.vault.decrypt(tx, secretContext(acme, id), row.secret_encrypted!));
  };
  const storedToken = async (id: string, column: 'access_token_encrypted' | 'refresh_token_encrypted') => {
    const row = await db.selectFrom('connections').selectAll().where('integration_id', '=', id).executeTakeFirstOrThrow();
    return inScope(database.db, { org: acme }, (tx) => app.services.vault.decrypt(tx, tokenContext(acme, id, column), row[column]!));
  };

  /** connect → the OAuth server (automatic login and consent) → the callback, as the browser would. */
  async function connect(id: string) {
    const started = await fetchCapture(`connect ${id}`, `${base}${integrationsUrl}/${id}/connect`, {
      method: 'POST',
      headers: { authorization: bearers.get(ADMIN)! },
    });
    if (started.res.status !== 200) throw new Error(`connect: ${started.res.status} ${started.body}`);
    const { state, authorizationUrl } = JSON.parse(started.body) as { state: string; authorizationUrl: string };
    const stateCanary = addCanary('OAuth state', state);
    allow(stateCanary, started.c, 'body');
    const binding = cookieValue(started.c.setCookie, 'ly_oauth_binding')!;
    allow(addCanary('OAuth browser binding', binding), started.c, 'setCookie');
    const returned = await followAuthorization(authorizationUrl);
    addCanary('authorization code', returned.searchParams.get('code')!);
    const stateRow = await db.selectFrom('oauth_states').selectAll().where('state_hash', '=', sha256(state)).executeTakeFirstOrThrow();
    const verifier = await inScope(database.db, { org: acme }, (tx) =>
      app.services.vault.decrypt(
        tx,
        {
          organizationId: acme,
          table: 'oauth_states',
          column: 'code_verifier_encrypted',
          rowId: stateRow.id,
        },
        stateRow.code_verifier_encrypted,
      ),
    );
    addCanary('PKCE code verifier', verifier);
    const cb = await fetchCapture('OAuth callback', returned.href, { headers: { cookie: `ly_oauth_binding=${binding}` } });
    learnFromWire();
    const location = new URL(cb.res.headers.get('location') ?? '', 'http://ui.invalid');
    return { cb, verifier, error: location.searchParams.get('error'), connected: location.searchParams.get('connected') };
  }

  // ---- 1. secrets in: an OAuth app whose first secret is wrong, then replaced ----
  const created = await call('POST', integrationsUrl, {
    as: ADMIN,
    payload: {
      provider: 'custom',
      name: 'Canary OAuth',
      clientId: CLIENT_ID,
      clientSecret: clientSecretCreated.value,
      scopes: ['openid', 'email'],
      settings: fixtureSettings,
    },
  });
  t.equal(created.res.statusCode, 201, created.res.body);
  const oauthId = created.json().id as string;
  t.match(created.json(), { hasClientSecret: true, secretHint: `••••${clientSecretCreated.value.slice(-4)}` });

  const failed = await connect(oauthId);
  t.match(failed.error, /invalid_client/, 'a connect with the wrong client secret fails with a readable error');
  t.ok(
    wire.some((w) => clientSecretOf(w.authorization) === clientSecretCreated.value),
    'the first secret really went to the token endpoint',
  );

  const patched = await call('PATCH', `${integrationsUrl}/${oauthId}`, { as: ADMIN, payload: { clientSecret: clientSecretPatched.value } });
  t.equal(patched.res.statusCode, 200, patched.res.body);
  t.equal(await storedSecret(oauthId), clientSecretPatched.value, 'the replaced secret is stored (decrypts to the canary)');

  const ok = await connect(oauthId);
  t.equal(ok.connected, '1', `connected (${ok.error ?? ''})`);
  const accessCanary = canaries.find((c) => c.label === 'OAuth access_token issued by the provider');
  t.ok(accessCanary, 'the provider issued an access token');
  t.ok(
    canaries.some((c) => c.label === 'OAuth refresh_token issued by the provider'),
    'and a refresh token',
  );
  t.ok(
    canaries.some((c) => c.label === 'OAuth id_token issued by the provider'),
    'and an ID token',
  );
  t.equal(
    wire.filter((w) => w.form.get('code_verifier') === ok.verifier).length,
    1,
    'the decrypted PKCE verifier is the one sent to the token endpoint',
  );
  const issued = wire.filter((w) => w.form.get('grant_type') === 'authorization_code' && w.status === 200).at(-1)!.response;
  t.equal(await storedToken(oauthId, 'access_token_encrypted'), issued.access_token, 'the stored access token decrypts to the issued one');
  t.equal(
    await storedToken(oauthId, 'refresh_token_encrypted'),
    issued.refresh_token,
    'the stored refresh token decrypts to the issued one',
  );

  // ---- 2. the OAuth integration at work: connection, credential test, refreshes (good and failing) ----
  t.equal((await call('GET', `${integrationsUrl}/${oauthId}/connection`, { as: ROLES.viewer })).json().status, 'connected');
  const tested = await call('POST', `${integrationsUrl}/${oauthId}/test`, { as: ADMIN });
  t.equal(tested.json().ok, true, tested.res.body);
  const tokens = app.services.tokens;
  const refreshed = await tokens.getAccessToken(acme, oauthId, { forceRefresh: true });
  learnFromWire();
  t.ok(
    canaries.some((c) => c.value === refreshed),
    'a forced refresh got a new access token from the provider',
  );
  t.equal((await call('POST', `${integrationsUrl}/${oauthId}/test`, { as: ADMIN })).json().ok, true);

  await call('PATCH', `${integrationsUrl}/${oauthId}`, { as: ADMIN, payload: { clientSecret: clientSecretWrong.value } });
  await t.rejects(
    tokens.getAccessToken(acme, oauthId, { forceRefresh: true }),
    { code: 'refresh_failed' },
    'a refresh with the wrong secret fails',
  );
  const broken = await call('GET', `${integrationsUrl}/${oauthId}`, { as: ROLES.viewer });
  t.match(broken.json(), { status: 'ERROR', lastError: /invalid_client/ }, 'the failure is reported');
  await call('POST', `${integrationsUrl}/${oauthId}/test`, { as: ADMIN });
  await call('PATCH', `${integrationsUrl}/${oauthId}`, { as: ADMIN, payload: { clientSecret: clientSecretPatched.value } });
  await tokens.getAccessToken(acme, oauthId, { forceRefresh: true });
  learnFromWire();
  t.equal((await call('GET', `${integrationsUrl}/${oauthId}`, { as: ADMIN })).json().status, 'ACTIVE', 'recovered');

  // A careless token endpoint that echoes the credential it got as its error code (refresh token, client secret).
  tokenEndpointMode = 'echo';
  await t.rejects(
    tokens.getAccessToken(acme, oauthId, { forceRefresh: true }),
    { code: 'refresh_failed' },
    'a refresh at an echoing endpoint fails',
  );
  await call('GET', `${integrationsUrl}/${oauthId}`, { as: ROLES.viewer });
  await call('GET', `${integrationsUrl}/${oauthId}/connection`, { as: ROLES.viewer });
  await call('POST', `${integrationsUrl}/${oauthId}/test`, { as: ADMIN });
  const echoedConnect = await connect(oauthId);
  t.ok(echoedConnect.error, 'a connect at an echoing endpoint fails');
  tokenEndpointMode = 'pass';
  await tokens.getAccessToken(acme, oauthId, { forceRefresh: true });
  learnFromWire();
  t.equal((await call('GET', `${integrationsUrl}/${oauthId}`, { as: ADMIN })).json().status, 'ACTIVE', 'recovered again');

  // ---- 3. an API key and an app password, tested against a provider that echoes them back ----
  const stripe = await call('POST', integrationsUrl, {
    as: ADMIN,
    payload: { provider: 'stripe', name: 'Canary Stripe', apiKey: apiKey.value, settings: { apiBaseUrl: providerBase } },
  });
  t.equal(stripe.res.statusCode, 201, stripe.res.body);
  const stripeId = stripe.json().id as string;
  t.equal((await call('POST', `${integrationsUrl}/${stripeId}/test`, { as: ADMIN })).json().ok, true);
  t.equal(await storedSecret(stripeId), apiKey.value, 'the API key is stored (decrypts to the canary)');
  await call('PATCH', `${integrationsUrl}/${stripeId}`, { as: ADMIN, payload: { apiKey: apiKeyReplaced.value } });
  t.same((await call('POST', `${integrationsUrl}/${stripeId}/test`, { as: ADMIN })).json(), {
    ok: false,
    message: 'Stripe rejected the credentials (HTTP 401)',
  });
  await call('POST', `${integrationsUrl}/${stripeId}/pause`, { as: ADMIN });
  await call('POST', `${integrationsUrl}/${stripeId}/resume`, { as: ADMIN });

  const apple = await call('POST', integrationsUrl, {
    as: ADMIN,
    payload: {
      provider: 'apple_calendar',
      name: 'Canary Calendar',
      username: APPLE_USER,
      password: applePassword.value,
      settings: { calendarUrl: `${providerBase}/dav/` },
    },
  });
  t.equal(apple.res.statusCode, 201, apple.res.body);
  const appleId = apple.json().id as string;
  t.equal((await call('POST', `${integrationsUrl}/${appleId}/test`, { as: ADMIN })).json().ok, true);
  t.equal(await storedSecret(appleId), applePassword.value, 'the app password is stored (decrypts to the canary)');

  // ---- 4. secrets in requests that are refused ----
  const refused: [string, Method, string, unknown, number][] = [
    [
      'unknown property next to an API key',
      'POST',
      integrationsUrl,
      { provider: 'stripe', name: 'x', apiKey: rejectedApiKey.value, bogus: rejectedApiKey.value },
      400,
    ],
    [
      'API key for an OAuth provider',
      'POST',
      integrationsUrl,
      { provider: 'hubspot', name: 'x', clientId: 'a', clientSecret: rejectedSecret.value, apiKey: rejectedApiKey.value },
      400,
    ],
    [
      'client secret for an API-key provider',
      'POST',
      integrationsUrl,
      { provider: 'stripe', name: 'x', clientSecret: rejectedSecret.value },
      400,
    ],
    [
      'unknown provider',
      'POST',
      integrationsUrl,
      { provider: 'myspace', name: 'x', clientId: 'a', clientSecret: rejectedSecret.value },
      400,
    ],
    ['duplicate name', 'POST', integrationsUrl, { provider: 'stripe', name: 'canary stripe', apiKey: rejectedApiKey.value }, 409],
    [
      'secret over the length limit',
      'PATCH',
      `${integrationsUrl}/${stripeId}`,
      { apiKey: `${rejectedApiKey.value}${'x'.repeat(4096)}` },
      400,
    ],
    ['secret of the wrong type', 'PATCH', `${integrationsUrl}/${stripeId}`, { apiKey: { value: rejectedApiKey.value } }, 400],
    ['client secret on an API-key integration', 'PATCH', `${integrationsUrl}/${stripeId}`, { clientSecret: rejectedSecret.value }, 400],
    ['malformed JSON', 'POST', integrationsUrl, `{"provider":"stripe","apiKey":"${rejectedApiKey.value}",`, 400],
    [
      'secret in a bad setting',
      'PATCH',
      `${integrationsUrl}/${stripeId}`,
      { settings: { apiBaseUrl: `https://user:${rejectedSecret.value}@example.com` } },
      400,
    ],
    ['wrong sign-in password', 'POST', '/api/auth/login', { email: ADMIN, password: wrongLoginPassword.value }, 401],
    [
      'unknown invitation token',
      'POST',
      '/api/auth/accept-invitation',
      { token: bogusInvitation.value, password: invitedPassword.value },
      400,
    ],
    ['unknown refresh token', 'POST', '/api/auth/refresh', { refreshToken: bogusRefresh.value }, 401],
  ];
  for (const [what, method, url, payload, status] of refused) {
    const as = url.startsWith('/api/auth/') ? undefined : ADMIN;
    const headers = typeof payload === 'string' ? { 'content-type': 'application/json' } : undefined;
    const res = await call(method, url, { as, payload, headers, what });
    t.equal(res.res.statusCode, status, `${what} → ${status} (${res.json().message})`);
  }
  // A viewer's write is refused before anything is read.
  t.equal(
    (await call('PATCH', `${integrationsUrl}/${stripeId}`, { as: ROLES.viewer, payload: { apiKey: rejectedApiKey.value } })).res.statusCode,
    403,
  );
  // Callbacks nobody started, with credential-looking parameters.
  await fetchCapture('callback with an unknown state', `${callbackUri}?code=${bogusCode.value}&state=${bogusState.value}`, {});
  await fetchCapture('callback without a state', `${callbackUri}?code=${bogusCode.value}`, {});

  // ---- 5. invitations, and sessions: refresh by cookie and by body, then reuse ----
  const invited = await call('POST', `/api/orgs/${acme}/members`, {
    as: ROLES.super,
    payload: { email: 'canary.member@acme.test', role: 'viewer' },
  });
  t.equal(invited.res.statusCode, 201, invited.res.body);
  const invitation = addCanary('invitation token (new member)', invited.json().invitation.token);
  allow(invitation, invited.c, 'body');
  const newOrg = await call('POST', '/api/orgs', {
    as: ROLES.owner,
    payload: { name: 'Canary Co', slug: 'canary-co', superAdminEmail: 'boss@canary.test' },
  });
  t.equal(newOrg.res.statusCode, 201, newOrg.res.body);
  allow(addCanary('invitation token (new organization)', newOrg.json().superAdmin.invitation.token), newOrg.c, 'body');
  const accepted = await call('POST', '/api/auth/accept-invitation', {
    payload: { token: invitation.value, password: invitedPassword.value },
    what: 'accept invitation',
  });
  t.equal(accepted.res.statusCode, 200, accepted.res.body);
  sessionFrom('invited member', accepted.c, accepted.json());
  t.equal(
    (
      await call('POST', '/api/auth/accept-invitation', {
        payload: { token: invitation.value, password: invitedPassword.value },
        what: 'accept invitation again',
      })
    ).res.statusCode,
    400,
    'an invitation works once',
  );
  bearers.set(
    'canary.member@acme.test',
    `Bearer ${(await signIn('canary.member@acme.test', invitedPassword.value, 'invited member, signing in')).accessToken}`,
  );

  const session = await signIn(ADMIN, DEMO_PASSWORD, 'admin, second session');
  // A browser sends its Origin; cookie-authenticated writes without this site's are refused (CSRF).
  const byCookie = await call('POST', '/api/auth/refresh', {
    headers: { cookie: `ly_refresh=${session.refreshToken}`, origin: 'http://localhost' },
    what: 'refresh by cookie',
  });
  t.equal(byCookie.res.statusCode, 200, byCookie.res.body);
  const second = sessionFrom('admin, refreshed by cookie', byCookie.c, byCookie.json());
  const byBody = await call('POST', '/api/auth/refresh', { payload: { refreshToken: second.refreshToken }, what: 'refresh by body' });
  t.equal(byBody.res.statusCode, 200, byBody.res.body);
  sessionFrom('admin, refreshed by body', byBody.c, byBody.json());
  t.equal(
    (await call('POST', '/api/auth/refresh', { payload: { refreshToken: session.refreshToken }, what: 'refresh token reuse' })).res
      .statusCode,
    401,
    'reuse is refused',
  );

  // ---- 5b. sync runs (their logs are API responses too), when the syncs module is registered ----
  const hasRoute = (method: string, url: string) => app.routeAccess.some((r) => r.method === method && r.url === url);
  if (hasRoute('POST', '/api/orgs/:orgId/integrations/:id/syncs') && hasRoute('POST', '/api/orgs/:orgId/syncs/:syncId/runs')) {
    const runToEnd = async (syncId: string) => {
      const queued = await call('POST', `/api/orgs/${acme}/syncs/${syncId}/runs`, { as: ADMIN });
      t.equal(queued.res.statusCode, 202, queued.res.body);
      const runId = queued.json().runId as string;
      let run = { status: 'queued', error: null as string | null };
      await waitUntil(async () => {
        run = (await call('GET', `/api/orgs/${acme}/runs/${runId}`, { as: ROLES.viewer })).json();
        return ['succeeded', 'failed', 'cancelled'].includes(run.status);
      }, `run ${runId} to finish`);
      return run;
    };
    // The runs' results also become webhook deliveries (their bodies are API responses: the delivery detail).
    if (hasRoute('POST', '/api/orgs/:orgId/webhook-endpoints')) {
      const hook = await call('POST', `/api/orgs/${acme}/webhook-endpoints`, {
        as: ADMIN,
        payload: { url: 'https://example.com/hooks', events: ['sync.succeeded', 'sync.failed', 'records.changed'] },
      });
      t.equal(hook.res.statusCode, 201, hook.res.body);
    }
    const stripeSync = await call('POST', `${integrationsUrl}/${stripeId}/syncs`, { as: ADMIN, payload: { resource: 'customers' } });
    t.equal(stripeSync.res.statusCode, 201, stripeSync.res.body);
    t.equal((await runToEnd(stripeSync.json().id)).status, 'succeeded', 'a Stripe sync run with the API key');
    await call('PATCH', `${integrationsUrl}/${stripeId}`, { as: ADMIN, payload: { apiKey: apiKeyRevoked.value } });
    const rejected = await runToEnd(stripeSync.json().id);
    t.equal(rejected.status, 'failed', `a Stripe sync run with a key the provider rejects and echoes (${rejected.error})`);
    const oauthSync = await call('POST', `${integrationsUrl}/${oauthId}/syncs`, { as: ADMIN, payload: { resource: 'records' } });
    t.equal(oauthSync.res.statusCode, 201, oauthSync.res.body);
    const oauthRun = await runToEnd(oauthSync.json().id);
    t.ok(oauthRun, `an OAuth sync run with the access token (${oauthRun.status}${oauthRun.error ? `: ${oauthRun.error}` : ''})`);
    const syncLogs = await call('GET', `/api/orgs/${acme}/logs?limit=200`, { as: ADMIN });
    t.equal(syncLogs.res.statusCode, 200);
    t.ok(
      syncLogs.json().items.length > 0,
      `the runs wrote ${syncLogs.json().items.length} sync log entries (searched with every response)`,
    );
  } else {
    t.comment('no syncs module registered: sync runs not exercised');
  }

  // ---- 5c. exports in every format (the walk below also fetches the default JSON export as every role) ----
  // Files are searched as their readers see them: the JSON and CSV text, every CSV inside the ZIP, the PDF's text.
  const exportAs = async (as: string, query: string, read: (body: Buffer) => Promise<string> | string) => {
    const res = await app.inject({ url: `/api/orgs/${acme}/export?${query}`, headers: { authorization: bearers.get(as)! } });
    t.equal(res.statusCode, 200, `export ${query} as ${as}`);
    capture(`export ${query} as ${as}`, res.statusCode, res.headers, [], await read(res.rawPayload));
    return res;
  };
  await exportAs(ADMIN, 'format=json', (b) => b.toString('utf8'));
  await exportAs(ADMIN, 'format=csv&entities=integrations', (b) => b.toString('utf8'));
  const zipped = await exportAs(ROLES.owner, 'format=csv', (b) =>
    [...unzip(b)].map(([name, data]) => `${name}\n${data.toString('utf8')}`).join('\n'),
  );
  t.same(
    [...unzip(zipped.rawPayload).keys()],
    ['integrations.csv', 'syncs.csv', 'runs.csv', 'logs.csv', 'records.csv', 'audit.csv'],
    'the ZIP holds every entity',
  );
  await exportAs(ROLES.super, 'format=pdf', (b) => pdfText(b));
  t.ok(captures.at(-1)!.body.includes('Canary Stripe'), 'the PDF text was extracted (and is searched)');

  // ---- 6. every GET route, as every role, while connected ----
  const members = await db.selectFrom('memberships').select('user_id').where('organization_id', '=', acme).execute();
  // Syncs and runs, when their tables exist (read generically: the walk does not depend on their module).
  const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
  const idsOf = async (table: string) => {
    const exists = await sql<{ n: number }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = ${table}`.execute(
      db,
    );
    if (!exists.rows[0].n) return [];
    return (await sql<{ id: string }>`SELECT id FROM ${sql.table(table)} WHERE organization_id = ${acme}`.execute(db)).rows.map(
      (r) => r.id,
    );
  };
  const syncIds = await idsOf('syncs');
  const runIds = await idsOf('sync_runs');
  const endpointIds = await idsOf('webhook_endpoints');
  const deliveryIds = await idsOf('webhook_deliveries');
  const conflictIds = await idsOf('conflicts');
  const gets = app.routeAccess.filter((r) => r.method === 'GET' && !r.url.startsWith('/docs/static') && r.url !== '/api/oauth/callback');
  t.ok(
    gets.some((r) => r.url === '/openapi.json') && gets.some((r) => r.url === '/api/platform/audit'),
    'the route table lists the routes we walk',
  );
  const expand = (url: string): string[] => {
    let urls = [url];
    const sub = (param: string, values: string[]) => {
      urls = urls.flatMap((u) => (u.includes(`:${param}`) ? values.map((v) => u.replace(`:${param}`, v)) : [u]));
    };
    sub('orgId', [acme, globex]);
    sub('id', [oauthId, stripeId, appleId]);
    sub(
      'userId',
      members.map((m) => m.user_id),
    );
    sub('syncId', syncIds.length ? syncIds : [NO_SUCH_ID]);
    sub('runId', runIds.length ? runIds : [NO_SUCH_ID]);
    // The public webhook endpoint's GET answers handshakes only.
    sub('integrationId', [oauthId, stripeId, appleId]);
    sub('endpointId', endpointIds.length ? endpointIds : [NO_SUCH_ID]);
    sub('deliveryId', deliveryIds.length ? deliveryIds : [NO_SUCH_ID]);
    sub('conflictId', conflictIds.length ? conflictIds : [NO_SUCH_ID]);
    // One provider's setup help (GET /api/providers/:key): the providers the canaries' integrations use.
    sub('key', ['custom', 'stripe', 'apple_calendar']);
    // A new route with another parameter must be taught here, so that no GET route escapes the walk.
    if (urls.some((u) => u.includes('/:'))) throw new Error(`GET ${url}: give the secret-canary walk a value for its path parameter`);
    return urls;
  };
  async function walk(round: string, walkers: (string | undefined)[]) {
    let requests = 0;
    let ok200 = 0;
    for (const route of gets) {
      for (const url of expand(route.url)) {
        for (const as of walkers) {
          let next: string | null = url;
          for (let page = 0; next && page < 50; page++) {
            const r = await call('GET', next, { as, what: `${round}: GET ${next} as ${as ?? 'anonymous'}` });
            requests++;
            if (r.res.statusCode === 200) ok200++;
            next = null;
            if (r.res.statusCode === 200 && (r.res.headers['content-type'] ?? '').toString().includes('json')) {
              const cursor = (r.json() as { nextCursor?: string | null }).nextCursor;
              if (cursor) next = `${url}${url.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`;
            }
          }
        }
      }
    }
    return { requests, ok200 };
  }
  const first = await walk('connected', [...Object.values(ROLES), 'canary.member@acme.test', undefined]);
  t.ok(first.ok200 > 50, `walked every GET route (${first.requests} requests, ${first.ok200} answered 200)`);

  // ---- 6b. GET /metrics (the walk got 401s there): what every request, run and refresh above left in it ----
  const scraped = await call('GET', '/metrics', {
    headers: { authorization: `Bearer ${metricsToken.value}` },
    what: 'GET /metrics with METRICS_TOKEN',
  });
  t.equal(scraped.res.statusCode, 200, 'the metrics are searched like every other response');
  t.match(
    scraped.res.body,
    /linkyard_http_request_duration_seconds_count\{method="GET",route="\/api\/orgs\/:orgId"/,
    'with the walk in it',
  );

  // ---- 7. the raw database while connected: ciphertext only ----
  const dumpWhileConnected = await dumpDatabase();
  t.ok(
    dumpWhileConnected.counts.connections >= 1 &&
      dumpWhileConnected.counts.oauth_states >= 1 &&
      dumpWhileConnected.counts.integrations >= 3,
    'the dump covers the secret tables',
  );

  // ---- 8. disconnect (revocation at an echoing endpoint, then for real), sign out, and walk again ----
  tokenEndpointMode = 'echo';
  t.equal(
    (await call('POST', `${integrationsUrl}/${oauthId}/disconnect`, { as: ADMIN })).res.statusCode,
    204,
    'disconnected although revocation failed',
  );
  tokenEndpointMode = 'pass';
  t.equal((await connect(oauthId)).connected, '1', 'connected again');
  const revocations = wire.filter((w) => w.form.has('token_type_hint')).length;
  t.equal((await call('POST', `${integrationsUrl}/${oauthId}/disconnect`, { as: ADMIN })).res.statusCode, 204);
  t.equal(
    wire.filter((w) => w.form.has('token_type_hint') && w.status === 200).length - revocations >= 1,
    true,
    'the tokens were revoked at the provider',
  );
  t.equal((await call('GET', `${integrationsUrl}/${oauthId}/connection`, { as: ADMIN })).json().status, 'not_connected');
  t.equal((await call('POST', `${integrationsUrl}/${oauthId}/test`, { as: ADMIN })).json().ok, false);
  t.equal((await call('DELETE', `${integrationsUrl}/${appleId}`, { as: ADMIN })).res.statusCode, 204);
  await call('POST', '/api/auth/logout', { headers: { cookie: `ly_refresh=${second.refreshToken}` }, what: 'logout' });
  // The roles that see the most (an organization's admin, the platform owner) walk again.
  const again = await walk('after disconnect', [ADMIN, ROLES.owner]);
  t.ok(again.ok200 > 30, `walked every GET route again as Admin and Platform Owner (${again.requests} requests)`);
  const dumpAtEnd = await dumpDatabase();

  // ---- the checks ----
  learnFromWire();
  t.ok(canaries.length >= 30, `${canaries.length} canaries`);
  t.ok(captures.length > 300, `${captures.length} responses captured`);

  t.test('the search can find a leak (positive controls)', async (t) => {
    for (const c of canaries) {
      t.ok(
        findCanaries(`x ${c.value} y`).some((h) => h.canary === c.label),
        `full value of ${c.label}`,
      );
      for (const needle of c.needles)
        t.ok(
          findCanaries(`…${needle}…`).some((h) => h.canary === c.label),
          `needle ${needle.slice(0, 8)}… of ${c.label}`,
        );
      if (c.value.length >= 32)
        t.ok(
          c.needles.some((n) => n.length <= c.value.length / 2),
          `${c.label}: a fragment is searched for too`,
        );
    }
    t.ok(
      findCanaries(JSON.stringify({ msg: 'oops', headers: { authorization: `Basic ${basic(APPLE_USER, applePassword.value)}` } })).length,
      'a Basic header of the app password',
    );
  });

  t.test('no canary in any API response (body or headers)', async (t) => {
    const leaks: string[] = [];
    for (const c of captures) {
      for (const [part, text] of [
        ['body', c.body],
        ['headers', c.headers],
        ['setCookie', c.setCookie],
      ] as const) {
        for (const hit of findCanaries(text, (canary) => canary.allowed.has(`${c.id}:${part}`))) {
          leaks.push(`${hit.canary} in the ${part} of "${c.what}" (${c.status}): …${hit.context}…`);
        }
      }
    }
    t.same(leaks, [], 'leaks in responses');
    const openapi = captures.find((c) => c.what.startsWith('connected: GET /openapi.json'));
    t.equal(openapi?.status, 200, '/openapi.json was searched');
    t.ok(
      captures.some((c) => c.what.startsWith('connected: GET /api/platform/audit as') && c.status === 200),
      'platform audit pages were searched',
    );
  });

  t.test('no canary in any log line', async (t) => {
    t.ok(logs.length > captures.length, `${logs.length} log lines captured at trace level`);
    t.ok(
      logs.some((l) => l.includes('state=[redacted]')),
      'callback URLs were logged, masked',
    );
    const leaks = logs.flatMap((line, i) => findCanaries(line).map((h) => `${h.canary} in log line ${i}: …${h.context}…`));
    t.same(leaks, [], 'leaks in log lines');
  });

  t.test('no canary in any audit event (every column)', async (t) => {
    const rows = await sql<{ j: string }>`SELECT row_to_json(a)::text AS j FROM audit_events a`.execute(db);
    t.ok(rows.rows.length > 30, `${rows.rows.length} audit events`);
    const actions = new Set(rows.rows.map((r) => (JSON.parse(r.j) as { action: string }).action));
    for (const a of [
      'integration.created',
      'integration.updated',
      'integration.connected',
      'integration.connect_failed',
      'integration.token_refresh_failed',
      'integration.tested',
      'integration.disconnected',
      'integration.token_refresh_recovered',
      'auth.refresh_token_reused',
    ]) {
      t.ok(actions.has(a), `${a} was audited (and searched)`);
    }
    const leaks = rows.rows.flatMap((r) => findCanaries(r.j).map((h) => `${h.canary} in audit event: …${h.context}…`));
    t.same(leaks, [], 'leaks in audit events');
  });

  t.test('no canary in plaintext anywhere in the database', async (t) => {
    for (const dump of [dumpWhileConnected, dumpAtEnd]) {
      t.same(
        dump.leaks,
        [],
        `plaintext in the ${dump === dumpAtEnd ? 'final' : 'connected'} dump (${Object.keys(dump.counts).length} tables)`,
      );
    }
  });

  async function dumpDatabase() {
    const tables = await sql<{ s: string; n: string }>`
      SELECT table_schema AS s, table_name AS n FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`.execute(db);
    const counts: Record<string, number> = {};
    const leaks: string[] = [];
    // bytea columns come out as hex; search for the hex and base64 of each needle too.
    const encodings = (n: string) => [Buffer.from(n).toString('hex'), Buffer.from(n).toString('base64')];
    for (const { s, n } of tables.rows) {
      const rows = await sql<{ j: string }>`SELECT row_to_json(x)::text AS j FROM ${sql.id(s, n)} x`.execute(db);
      counts[n] = rows.rows.length;
      for (const r of rows.rows)
        for (const h of findCanaries(r.j, undefined, encodings)) leaks.push(`${h.canary} in ${s}.${n}: …${h.context}…`);
    }
    return { counts, leaks };
  }
});
