import http from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { inScope } from '../../../../server/src/lib/db-scope.js';
import { tokenContext } from '../../../../server/src/modules/integrations/integrations.port.js';
import { createWebhookProcessor } from '../../../../server/src/modules/webhooks-in/webhook-processor.js';
import { createTestApp } from '../../../helpers/app.js';
import { freePort } from '../../../helpers/net.js';
import { startFakeProvider } from '../../../fixtures/providers/index.js';

/**
 * `POST …/integrations/:id/webhook/register` against the fake GitHub API (test/fixtures/providers/github-hooks.ts,
 * written from GitHub's repository webhooks docs): the hook is created with our URL and a secret that verifies what
 * GitHub then signs and delivers; registering again updates that hook (never a second one), also after the record or
 * the hook was lost; the connection's token is refreshed after a 401 like every provider call; and an integration that
 * cannot register (provider, connection, scope, repository) gets a 4xx naming what to fix, with nothing stored or sent.
 * The secret appears in no response, log line or audit event.
 */
t.setTimeout(180_000);

const CLIENT_SECRET = 'github-client-secret-0123456789abcdef';
const REFRESH_TOKEN = 'github-refresh-token-fedcba9876543210';

const port = await freePort();
const publicUrl = `http://127.0.0.1:${port}`;
const ctx = await createTestApp(t, { env: { PUBLIC_URL: publicUrl, ALLOW_PRIVATE_NETWORK_TARGETS: 'true' } });
await ctx.app.listen({ port, host: '127.0.0.1' });
const fake = await startFakeProvider('github', { records: 5 });
const hooks = fake.githubHooks!;

// GitHub's token endpoint for the refresh after a 401: hands out the fake API's current token.
let refreshes = 0;
const tokenServer = http.createServer((req, res) => {
  refreshes += 1;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      access_token: fake.token,
      token_type: 'bearer',
      scope: 'repo,read:user',
      refresh_token: REFRESH_TOKEN,
      expires_in: 28800,
    }),
  );
});
await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', () => resolve()));
t.teardown(async () => {
  await fake.close();
  await new Promise((resolve) => tokenServer.close(resolve));
});

const db = ctx.database.db.kysely;
const admin = { authorization: await ctx.bearer('admin@acme.test') };
const viewer = { authorization: await ctx.bearer('viewer@acme.test') };
const orgId = ctx.orgs.acme;
const base = `/api/orgs/${orgId}`;
const responses: string[] = [];

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, headers = admin) {
  const res = await ctx.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  responses.push(res.body);
  return res;
}

async function createGithub(name: string, settings: Record<string, string>) {
  const res = await call('POST', `${base}/integrations`, {
    provider: 'github',
    name,
    clientId: 'github-client-id',
    clientSecret: CLIENT_SECRET,
    settings: {
      apiBaseUrl: fake.apiBaseUrl,
      tokenUrl: `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`,
      ...settings,
    },
  });
  if (res.statusCode !== 201) throw new Error(`create ${name}: ${res.statusCode} ${res.body}`);
  return res.json().id as string;
}

/** What the OAuth callback stores, stored directly: the fake's token, sealed like the callback seals it. */
async function connect(id: string, scopes = ['repo', 'read:user'], accessToken = fake.token) {
  const vault = ctx.app.services.vault;
  await inScope(ctx.database.db, { org: orgId }, async (tx) => {
    await tx
      .insertInto('connections')
      .values({
        integration_id: id,
        organization_id: orgId,
        access_token_encrypted: await vault.encrypt(tx, tokenContext(orgId, id, 'access_token_encrypted'), accessToken),
        refresh_token_encrypted: await vault.encrypt(tx, tokenContext(orgId, id, 'refresh_token_encrypted'), REFRESH_TOKEN),
        token_type: 'bearer',
        expires_at: new Date(Date.now() + 3_600_000),
        scopes,
        external_account: 'octocat',
        connection_values: JSON.stringify({}),
        updated_at: new Date(),
      })
      .execute();
    await tx.updateTable('integrations').set({ status: 'ACTIVE' }).where('id', '=', id).execute();
  });
}

const register = (id: string, headers = admin) => call('POST', `${base}/integrations/${id}/webhook/register`, undefined, headers);
const registrationRow = (id: string) =>
  db.selectFrom('webhook_registrations').selectAll().where('integration_id', '=', id).executeTakeFirst();
const sealedSecret = async (id: string) =>
  (await db.selectFrom('integrations').select('webhook_secret_encrypted').where('id', '=', id).executeTakeFirstOrThrow())
    .webhook_secret_encrypted;
const registeredAudits = (id: string) =>
  db.selectFrom('audit_events').selectAll().where('action', '=', 'integration.webhook_registered').where('target_id', '=', id).execute();

const mainId = await createGithub('GitHub main', { owner: 'octo-org', repo: 'octo-repo' });
await connect(mainId);
const sync = (
  await call('POST', `${base}/integrations/${mainId}/syncs`, {
    resource: 'pull_requests',
    mode: 'incremental',
    schedule: null,
    mappings: [{ source: 'id', target: 'id' }],
  })
).json();

await t.test('register creates the hook with our URL and a secret that verifies what GitHub signs', async (t) => {
  const res = await register(mainId);
  t.equal(res.statusCode, 200, res.body);
  const body = res.json();
  t.match(body, { registered: 'created', target: 'octo-org/octo-repo', url: `${publicUrl}/api/webhooks/${mainId}` });
  const [hook] = hooks.on('octo-org', 'octo-repo');
  t.equal(hooks.on('octo-org', 'octo-repo').length, 1, 'one hook');
  t.equal(body.hookId, String(hook.id), "the answer names GitHub's hook id");
  t.same(hook.config.url, `${publicUrl}/api/webhooks/${mainId}`);
  t.equal(hook.config.content_type, 'json');
  t.match(hook.config.secret, /^[0-9a-f]{64}$/, 'a generated 256-bit secret');
  t.ok(hook.events.includes('pull_request') && hook.events.includes('issues'), 'the events the definition maps');
  t.equal((await registrationRow(mainId))?.provider_hook_id, String(hook.id), 'the hook id is recorded');

  const settings = (await call('GET', `${base}/integrations/${mainId}/webhook`)).json();
  t.match(settings, { canRegister: true, hasWebhookSecret: true, registered: { target: 'octo-org/octo-repo', hookId: String(hook.id) } });
  const [audit] = await registeredAudits(mainId);
  t.match(audit.metadata, {
    provider: 'github',
    target: 'octo-org/octo-repo',
    hookId: String(hook.id),
    outcome: 'created',
    signingKey: 'generated',
  });

  // GitHub signs a pull_request delivery with the hook's secret: accepted, and the pull requests sync gets a run.
  const [delivery] = await hooks.deliver('octo-org', 'octo-repo', 'pull_request', { action: 'opened', number: 7 });
  t.equal(delivery.status, 202, delivery.body);
  const event = await db.selectFrom('webhook_events').selectAll().where('integration_id', '=', mainId).executeTakeFirstOrThrow();
  t.match(event, { status: 'accepted', type: 'pull_request' });
  const processor = createWebhookProcessor({
    db: ctx.database.db,
    logger: ctx.app.log,
    dispatcher: { dispatch: () => {} },
    pollMs: 600_000,
  });
  t.equal(await processor.processPending(), 1);
  const runs = await db.selectFrom('sync_runs').select(['trigger', 'status']).where('sync_id', '=', sync.id).execute();
  t.same(runs, [{ trigger: 'webhook', status: 'queued' }], 'the effect: a webhook run of the sync');

  // A delivery signed with another secret is refused: the registered secret is what verifies.
  const forged = hooks.on('octo-org', 'octo-repo')[0];
  const kept = forged.config.secret;
  forged.config.secret = 'not-the-registered-secret';
  const [refused] = await hooks.deliver('octo-org', 'octo-repo', 'issues', { action: 'opened' });
  forged.config.secret = kept;
  t.equal(refused.status, 401);
});

await t.test('registering again updates the same hook, also after the hook or the record was lost', async (t) => {
  const before = hooks.on('octo-org', 'octo-repo')[0];
  const secret = before.config.secret;
  const again = await register(mainId);
  t.equal(again.statusCode, 200, again.body);
  t.match(again.json(), { registered: 'updated', hookId: String(before.id) });
  t.equal(hooks.on('octo-org', 'octo-repo').length, 1, 'no second hook');
  t.equal(hooks.on('octo-org', 'octo-repo')[0].config.secret, secret, 'the stored secret is kept');
  t.equal(fake.requests.filter((r) => r.method === 'PATCH').length, 1, 'one PATCH of the recorded hook');

  // The record is lost (a restored backup): GitHub answers 422 for the same URL, the hook is found and updated.
  await db.deleteFrom('webhook_registrations').where('integration_id', '=', mainId).execute();
  const found = await register(mainId);
  t.match(found.json(), { registered: 'updated', hookId: String(before.id) });
  t.equal(hooks.on('octo-org', 'octo-repo').length, 1, 'still one hook');

  // The hook was deleted at GitHub: the PATCH answers 404 and a new hook is created, with the same secret.
  fake.resetRequests();
  t.equal(hooks.handle('DELETE', `/repos/octo-org/octo-repo/hooks/${before.id}`, undefined, fake.baseUrl)?.status, 204, 'deleted by hand');
  const recreated = await register(mainId);
  t.equal(recreated.statusCode, 200, recreated.body);
  const [hook] = hooks.on('octo-org', 'octo-repo');
  t.match(recreated.json(), { registered: 'created', hookId: String(hook.id) });
  t.not(hook.id, before.id);
  t.equal(hook.config.secret, secret);
  t.same(
    fake.requests.map((r) => `${r.method} ${r.status}`),
    ['PATCH 404', 'POST 201'],
  );
  t.equal((await registrationRow(mainId))?.provider_hook_id, String(hook.id));
});

await t.test('a rejected token is refreshed once and the call repeated, as for reads', async (t) => {
  fake.rotateToken();
  const before = refreshes;
  const res = await register(mainId);
  t.equal(res.statusCode, 200, res.body);
  t.equal(refreshes, before + 1, 'one refresh');
  t.equal(res.json().registered, 'updated');
});

await t.test('what cannot register gets a 4xx naming what to fix, and nothing is stored or sent', async (t) => {
  const stripe = (await call('POST', `${base}/integrations`, { provider: 'stripe', name: 'Stripe', apiKey: 'sk_test_register' })).json()
    .id as string;
  const notConnected = await createGithub('GitHub not connected', { owner: 'octo-org', repo: 'octo-repo' });
  const noRepo = await createGithub('GitHub no repo', { owner: 'octo-org' });
  await connect(noRepo);
  const unknownRepo = await createGithub('GitHub unknown repo', { owner: 'octo-org', repo: 'no-such-repo' });
  await connect(unknownRepo);
  const noScope = await createGithub('GitHub no scope', { owner: 'octo-org', repo: 'second-repo' });
  await connect(noScope, ['read:user']);
  fake.resetRequests();

  const cases: [string, string, number, string, RegExp][] = [
    ['a provider without programmatic registration', stripe, 409, 'params.id', /register the URL by hand/],
    ['an integration not connected', notConnected, 409, 'params.id', /not connected/],
    ['no repository set', noRepo, 400, '/settings/repo', /Repository/],
    ['a repository GitHub does not know', unknownRepo, 400, '/settings/repo', /octo-org\/no-such-repo/],
    ['a connection without a hooks scope', noScope, 409, '/scopes', /repo, write:repo_hook, admin:repo_hook/],
  ];
  for (const [what, id, status, field, message] of cases) {
    const res = await register(id);
    t.equal(res.statusCode, status, `${what}: ${res.body}`);
    t.equal(res.json().field, field, what);
    t.match(res.json().message, message, what);
    t.equal(await registrationRow(id), undefined, `${what}: no registration`);
    t.equal(await sealedSecret(id), null, `${what}: no secret stored`);
    t.same(await registeredAudits(id), [], `${what}: nothing audited`);
  }
  t.same(
    fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
    ['POST /repos/octo-org/no-such-repo/hooks 404'],
    'only the unknown repository reached GitHub',
  );
  t.equal(hooks.on('octo-org', 'second-repo').length, 0);

  const forbidden = await register(mainId, viewer);
  t.equal(forbidden.statusCode, 403, 'a viewer cannot register');
});

await t.test('the secret never appears in a response, a log line or an audit event', async (t) => {
  const secrets = [...hooks.on('octo-org', 'octo-repo')].map((h) => h.config.secret!);
  t.ok(secrets.length > 0 && secrets.every((s) => s.length === 64));
  const audit = JSON.stringify(await db.selectFrom('audit_events').selectAll().execute());
  for (const secret of secrets) {
    t.notOk(
      responses.some((body) => body.includes(secret)),
      'no response',
    );
    t.notOk(
      ctx.logs.some((line) => line.includes(secret)),
      'no log line',
    );
    t.notOk(audit.includes(secret), 'no audit event');
    t.notOk(JSON.stringify(fake.requests.map((r) => r.query)).includes(secret), 'never in a URL');
  }
  t.notOk(
    ctx.logs.some((line) => line.includes(fake.token)),
    'nor the access token',
  );
});
