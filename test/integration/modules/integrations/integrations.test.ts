import t from 'tap';
import { createTestApp, type TestContext } from '../../../helpers/app.js';

const SECRET = 'cs_live_SECRET_canary_1234567890';

async function create(ctx: TestContext, email: string, body: object, org = ctx.orgs.acme) {
  return ctx.app.inject({
    method: 'POST',
    url: `/api/orgs/${org}/integrations`,
    headers: { authorization: await ctx.bearer(email) },
    payload: body,
  });
}

t.test('providers catalog', async (t) => {
  const ctx = await createTestApp(t);
  const res = await ctx.app.inject({ url: '/api/providers', headers: { authorization: await ctx.bearer('viewer@acme.test') } });
  t.equal(res.statusCode, 200);
  const keys = res.json().items.map((p: { key: string }) => p.key);
  t.equal(keys.length, 25);
  t.ok(keys.includes('salesforce') && keys.includes('apple_calendar') && keys.includes('custom'));
  const zendesk = res.json().items.find((p: { key: string }) => p.key === 'zendesk');
  t.match(zendesk, { authType: 'oauth2', settings: [{ key: 'subdomain', required: true }] });
  // The list is what every integrations page loads: the setup help stays with the one provider that shows it.
  t.notOk(
    res.json().items.some((p: object) => 'setup' in p),
    'the list carries no setup help',
  );
});

t.test('one provider with its setup help', async (t) => {
  const ctx = await createTestApp(t);
  const viewer = { authorization: await ctx.bearer('viewer@acme.test') };
  const get = (key: string, headers: Record<string, string> = viewer) => ctx.app.inject({ url: `/api/providers/${key}`, headers });

  const zendesk = await get('zendesk');
  t.equal(zendesk.statusCode, 200, zendesk.body);
  const list = (await ctx.app.inject({ url: '/api/providers', headers: viewer })).json();
  const { setup, ...summary } = zendesk.json();
  t.same(
    summary,
    list.items.find((p: { key: string }) => p.key === 'zendesk'),
    'the same provider as in the list, plus setup',
  );
  // Setup help: its console and the steps, the callback URL's place among them.
  t.match(setup, { console: { name: 'Zendesk Admin Center', url: /^https:\/\// }, steps: [/OAuth Clients/] });
  t.match(setup.steps.join(' '), /callback URL/);
  const stripe = await get('stripe');
  t.match(stripe.json().setup, { console: { url: 'https://dashboard.stripe.com/apikeys' } }, 'an API key provider says where its keys are');

  const unknown = await get('myspace');
  t.equal(unknown.statusCode, 404);
  t.match(unknown.json(), { message: 'Provider not found' });
  t.equal((await get('zendesk', {})).statusCode, 401, 'signed in only, as the list');
});

t.test('create, read, list, update, pause, resume, delete', async (t) => {
  const ctx = await createTestApp(t);
  const created = await create(ctx, 'admin@acme.test', {
    provider: 'hubspot',
    name: 'HubSpot EU',
    clientId: 'client-123',
    clientSecret: SECRET,
  });
  t.equal(created.statusCode, 201, created.body);
  const integration = created.json();
  t.match(integration, {
    provider: 'hubspot',
    name: 'HubSpot EU',
    status: 'INACTIVE',
    authType: 'oauth2',
    clientId: 'client-123',
    hasClientSecret: true,
    connected: false,
    errorCount: 0,
  });
  t.ok(integration.scopes.length > 0, 'default scopes from the provider definition');
  t.equal(integration.secretHint, '••••7890', 'at most the last 4 characters');
  t.notOk(created.body.includes(SECRET), 'the secret is not in the response');

  const stored = await ctx.database.db.kysely
    .selectFrom('integrations')
    .select(['secret_encrypted'])
    .where('id', '=', integration.id)
    .executeTakeFirstOrThrow();
  t.notOk(stored.secret_encrypted!.includes(SECRET), 'the secret is stored encrypted');

  const auth = { authorization: await ctx.bearer('viewer@acme.test') };
  const base = `/api/orgs/${ctx.orgs.acme}/integrations`;
  t.equal((await ctx.app.inject({ url: `${base}/${integration.id}`, headers: auth })).json().name, 'HubSpot EU', 'a viewer reads it');

  await create(ctx, 'admin@acme.test', { provider: 'stripe', name: 'Stripe', apiKey: 'sk_test_abcdefghijklmnop' });
  await create(ctx, 'admin@acme.test', {
    provider: 'zendesk',
    name: 'Zendesk',
    clientId: 'z',
    clientSecret: 'zzzzzzzzzzzzzzzz',
    settings: { subdomain: 'acme' },
  });
  const all = (await ctx.app.inject({ url: base, headers: auth })).json();
  t.same(
    all.items.map((i: { name: string }) => i.name),
    ['HubSpot EU', 'Stripe', 'Zendesk'],
    'listed by name',
  );
  t.same(
    (await ctx.app.inject({ url: `${base}?provider=stripe`, headers: auth })).json().items.map((i: { name: string }) => i.name),
    ['Stripe'],
  );
  t.same(
    (await ctx.app.inject({ url: `${base}?q=desk`, headers: auth })).json().items.map((i: { name: string }) => i.name),
    ['Zendesk'],
  );
  const page1 = (await ctx.app.inject({ url: `${base}?limit=2`, headers: auth })).json();
  const page2 = (await ctx.app.inject({ url: `${base}?limit=2&cursor=${page1.nextCursor}`, headers: auth })).json();
  t.same(
    [...page1.items, ...page2.items].map((i: { name: string }) => i.name),
    ['HubSpot EU', 'Stripe', 'Zendesk'],
    'cursor pagination',
  );

  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const NEW_SECRET = 'replaced-secret-value-9876';
  const updated = await ctx.app.inject({
    method: 'PATCH',
    url: `${base}/${integration.id}`,
    headers: admin,
    payload: { name: 'HubSpot', clientSecret: NEW_SECRET, scopes: ['crm.objects.contacts.read'] },
  });
  t.equal(updated.statusCode, 200, updated.body);
  t.match(updated.json(), { name: 'HubSpot', secretHint: '••••9876', scopes: ['crm.objects.contacts.read'] });

  t.equal((await ctx.app.inject({ method: 'POST', url: `${base}/${integration.id}/pause`, headers: admin })).json().status, 'PAUSED');
  t.equal(
    (await ctx.app.inject({ method: 'POST', url: `${base}/${integration.id}/resume`, headers: admin })).json().status,
    'INACTIVE',
    'not connected yet → INACTIVE',
  );
  t.equal(
    (await ctx.app.inject({ method: 'POST', url: `${base}/${integration.id}/resume`, headers: admin })).statusCode,
    409,
    'resume when not paused → 409',
  );

  t.equal((await ctx.app.inject({ method: 'DELETE', url: `${base}/${integration.id}`, headers: admin })).statusCode, 204);
  t.equal((await ctx.app.inject({ url: `${base}/${integration.id}`, headers: admin })).statusCode, 404);

  const trail = (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/audit?limit=200`, headers: admin })).json();
  const actions = trail.items.map((e: { action: string }) => e.action);
  for (const a of ['integration.created', 'integration.updated', 'integration.paused', 'integration.resumed', 'integration.deleted'])
    t.ok(actions.includes(a), `${a} audited`);
  t.notOk(JSON.stringify(trail).includes(SECRET) || JSON.stringify(trail).includes(NEW_SECRET), 'no secret in the audit trail');
});

t.test('validation against the provider definition', async (t) => {
  const ctx = await createTestApp(t);
  const cases: [object, number, RegExp][] = [
    [{ provider: 'myspace', name: 'x', clientId: 'a', clientSecret: 'b' }, 400, /Unknown provider "myspace"/],
    [{ provider: 'zendesk', name: 'x', clientId: 'a', clientSecret: 'b' }, 400, /settings.subdomain \(.*\) is required for Zendesk/],
    [
      { provider: 'zendesk', name: 'x', clientId: 'a', clientSecret: 'b', settings: { subdomain: 'evil.com/x' } },
      400,
      /settings.subdomain .* is not valid/,
    ],
    [
      { provider: 'hubspot', name: 'x', clientId: 'a', clientSecret: 'b', settings: { color: 'red' } },
      400,
      /settings.color is not a setting of HubSpot/,
    ],
    [
      { provider: 'hubspot', name: 'x', clientId: 'a', clientSecret: 'b', settings: { apiBaseUrl: 'ftp://x' } },
      400,
      /apiBaseUrl must be an https:\/\/ URL/,
    ],
    [
      { provider: 'hubspot', name: 'x', clientId: 'a', clientSecret: 'b', scopes: ['two words'] },
      400,
      /scope "two words" is not a valid OAuth scope/,
    ],
    [{ provider: 'hubspot', name: 'x', clientId: 'a' }, 400, /HubSpot needs clientSecret/],
    [{ provider: 'hubspot', name: 'x', clientId: 'a', clientSecret: 'b', apiKey: 'c' }, 400, /apiKey is not used by HubSpot/],
    [{ provider: 'stripe', name: 'x' }, 400, /Stripe needs apiKey/],
    [{ provider: 'apple_calendar', name: 'x', username: 'me@icloud.com' }, 400, /needs password/],
    [{ provider: 'custom', name: 'x', clientId: 'a', clientSecret: 'b' }, 400, /settings.authorizationUrl .* is required/],
  ];
  for (const [body, status, message] of cases) {
    const res = await create(ctx, 'admin@acme.test', body);
    t.equal(res.statusCode, status, `${JSON.stringify(body)} → ${res.json().message}`);
    t.match(res.json().message, message);
  }
  t.equal((await create(ctx, 'admin@acme.test', { provider: 'stripe', name: 'Payments', apiKey: 'sk_1' })).statusCode, 201);
  t.equal(
    (await create(ctx, 'admin@acme.test', { provider: 'stripe', name: 'payments', apiKey: 'sk_2' })).statusCode,
    409,
    'duplicate name (any case) → 409',
  );
  t.equal(
    (await create(ctx, 'admin@globex.test', { provider: 'stripe', name: 'Payments', apiKey: 'sk_3' }, ctx.orgs.globex)).statusCode,
    201,
    'the same name in another organization is fine',
  );
  const owner = { authorization: await ctx.bearer('owner@linkyard.test') };
  const tenants = (await ctx.app.inject({ url: '/api/platform/tenants', headers: owner })).json().items;
  const acme = tenants.find((x: { organization: { slug: string } }) => x.organization.slug === 'acme');
  t.match(
    acme,
    { integrations: 1, integrationsByStatus: { INACTIVE: 1, ACTIVE: 0, ERROR: 0 } },
    'the tenants overview counts integrations by status',
  );
  const count = await ctx.database.db.kysely
    .selectFrom('integrations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  t.equal(Number(count.n), 2, 'rejected requests created nothing');
});

t.test('cross-tenant 404 on every integration route; viewer 403 on every write', async (t) => {
  const ctx = await createTestApp(t);
  const created = (await create(ctx, 'admin@acme.test', { provider: 'stripe', name: 'Stripe', apiKey: 'sk_test_123456789' })).json();
  const base = `/api/orgs/${ctx.orgs.acme}/integrations`;
  const routes: ['GET' | 'POST' | 'PATCH' | 'DELETE', string, object?][] = [
    ['GET', base],
    ['POST', base, { provider: 'stripe', name: 'S2', apiKey: 'k' }],
    ['GET', `${base}/${created.id}`],
    ['PATCH', `${base}/${created.id}`, { name: 'n' }],
    ['DELETE', `${base}/${created.id}`],
    ['POST', `${base}/${created.id}/pause`],
    ['POST', `${base}/${created.id}/resume`],
  ];
  const stranger = { authorization: await ctx.bearer('admin@globex.test') };
  const viewer = { authorization: await ctx.bearer('viewer@acme.test') };
  for (const [method, url, payload] of routes) {
    t.equal((await ctx.app.inject({ method, url, payload, headers: stranger })).statusCode, 404, `other org admin: ${method} ${url}`);
    if (method !== 'GET')
      t.equal((await ctx.app.inject({ method, url, payload, headers: viewer })).statusCode, 403, `viewer: ${method} ${url}`);
  }
  // Asking through one's own organization for another organization's integration id is a 404 too.
  const own = `/api/orgs/${ctx.orgs.globex}/integrations/${created.id}`;
  t.equal((await ctx.app.inject({ url: own, headers: stranger })).statusCode, 404, 'foreign id under own org → 404');
});

t.test('rename: 404, duplicate name 409 on name, concurrent renames to one name, the audit event', async (t) => {
  const ctx = await createTestApp(t);
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const base = `/api/orgs/${ctx.orgs.acme}/integrations`;
  const rename = (id: string, payload: object) => ctx.app.inject({ method: 'PATCH', url: `${base}/${id}`, headers: admin, payload });
  const ids: string[] = [];
  for (const name of ['One', 'Two', 'Three']) {
    const res = await create(ctx, 'admin@acme.test', { provider: 'stripe', name, apiKey: 'sk_test_123456789' });
    t.equal(res.statusCode, 201, res.body);
    ids.push(res.json().id);
  }
  const [one, two, three] = ids as [string, string, string];

  const missing = await rename('01890000-0000-7000-8000-000000000000', { name: 'Nobody' });
  t.equal(missing.statusCode, 404, missing.body);
  t.match(missing.json(), { message: 'Integration not found' });

  const duplicate = await rename(one, { name: 'two' });
  t.equal(duplicate.statusCode, 409, 'another integration has the name (any case)');
  t.match(duplicate.json(), { message: 'An integration named "two" already exists in this organization', field: '/name' });
  t.equal((await rename(one, { clientId: 'x', name: 'One' })).statusCode, 400, 'the provider rules still apply (Stripe has no client id)');

  const recased = await rename(one, { name: 'ONE', scopes: ['read'] });
  t.equal(recased.statusCode, 200, `its own name in another case: ${recased.body}`);
  t.match(recased.json(), { id: one, name: 'ONE', scopes: ['read'], provider: 'stripe', hasApiKey: true, connected: false });

  // Two renames to the same new name at once: the check passes for both, the unique name index stops the second.
  const both = await Promise.all([rename(two, { name: 'Same' }), rename(three, { name: 'same' })]);
  t.same(both.map((r) => r.statusCode).sort(), [200, 409], 'exactly one wins');
  const lost = both.find((r) => r.statusCode === 409)!;
  t.match(lost.json(), { message: /^An integration named "(Same|same)" already exists in this organization$/, field: '/name' });
  const names = (await ctx.app.inject({ url: base, headers: admin })).json().items.map((i: { name: string }) => i.name.toLowerCase());
  t.equal(names.filter((n: string) => n === 'same').length, 1, 'one integration has the name');

  const trail = (await ctx.app.inject({ url: `/api/orgs/${ctx.orgs.acme}/audit?action=integration.updated`, headers: admin })).json();
  t.equal(trail.items.length, 2, 'one event per rename that committed, none for those refused');
  t.match(trail.items.find((e: { target: { id: string } }) => e.target.id === one)?.metadata, {
    changed: ['name', 'scopes'],
    changes: { name: { from: 'One', to: 'ONE' }, scopes: { from: [], to: ['read'] } },
  });
  const verified = (
    await ctx.app.inject({ url: '/api/platform/audit/verify', headers: { authorization: await ctx.bearer('owner@linkyard.test') } })
  ).json();
  t.match(verified, { ok: true }, 'the audit chain holds');
});
