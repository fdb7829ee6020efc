import t from 'tap';
import { sql } from 'kysely';
import { buildApp } from '../../../../server/src/app.js';
import { createTestApp, type TestContext } from '../../../helpers/app.js';
import { waitUntil } from '../../../helpers/wait-until.js';

interface CreatedKey {
  id: string;
  name: string;
  role: 'viewer' | 'admin';
  prefix: string;
  secret: string;
  lastUsedAt: string | null;
}

async function createKey(ctx: TestContext, body: object, orgId = ctx.orgs.acme, as = 'super@acme.test'): Promise<CreatedKey> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/orgs/${orgId}/api-keys`,
    headers: { authorization: await ctx.bearer(as) },
    payload: body,
  });
  if (res.statusCode !== 201) throw new Error(`create key: ${res.statusCode} ${res.body}`);
  return res.json();
}

const keyAuth = (key: CreatedKey) => ({ authorization: `Bearer ${key.secret}` });

async function keyRow(ctx: TestContext, id: string) {
  return ctx.database.db.kysely.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

t.test('API keys', async (t) => {
  const ctx = await createTestApp(t);
  const acme = ctx.orgs.acme;
  const sup = { authorization: await ctx.bearer('super@acme.test') };
  const secrets: string[] = [];

  t.test('created with the secret shown once; lists and the database hold only its prefix and hash', async (t) => {
    const key = await createKey(ctx, { name: 'Data warehouse', role: 'viewer' });
    secrets.push(key.secret);
    t.match(key.secret, /^lyk_[A-Za-z0-9_-]{43}$/, 'lyk_ and 32 random bytes in base64url');
    t.ok(key.secret.startsWith(key.prefix) && key.prefix.length === 12, 'prefix is the start of the secret');
    t.match(key, { name: 'Data warehouse', role: 'viewer', createdBy: { email: 'super@acme.test' }, expiresAt: null, revokedAt: null });

    const list = await ctx.app.inject({ url: `/api/orgs/${acme}/api-keys`, headers: sup });
    t.equal(list.statusCode, 200);
    t.notOk(list.body.includes(key.secret), 'the list never shows the secret');
    t.notOk(list.body.includes(key.secret.slice(12)), 'nor any part of it past the prefix');
    const listed = list.json().items.find((k: { id: string }) => k.id === key.id);
    t.notOk('secret' in listed, 'no secret field');

    const row = await keyRow(ctx, key.id);
    t.notOk(JSON.stringify(row).includes(key.secret.slice(12)), 'the database row does not hold the secret');
    t.match(row.secret_hash, /^[0-9a-f]{64}$/, 'only its SHA-256');

    const other = await createKey(ctx, { name: 'Data warehouse', role: 'viewer' });
    t.not(other.secret, key.secret, 'every key is new');
  });

  t.test('bad input is a 400 naming the field, and creates nothing', async (t) => {
    const before = await ctx.database.db.kysely
      .selectFrom('api_keys')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    const cases: [object, string, RegExp][] = [
      [{ role: 'viewer' }, '/name', /name/],
      [{ name: '   ', role: 'viewer' }, '/name', /name/i],
      [{ name: 'x'.repeat(121), role: 'viewer' }, '/name', /120/],
      [{ name: 'k', role: 'super_admin' }, '/role', /./],
      [{ name: 'k' }, '/role', /role/],
      [{ name: 'k', role: 'viewer', expiresAt: '2020-01-01T00:00:00Z' }, '/expiresAt', /future/],
      [{ name: 'k', role: 'viewer', expiresAt: 'tomorrow' }, '/expiresAt', /./],
      [{ name: 'k\u0000', role: 'viewer' }, '/name', /./],
      [{ name: 'k', role: 'viewer', secret: 'lyk_mine' }, '/secret', /./],
    ];
    for (const [payload, field, message] of cases) {
      const res = await ctx.app.inject({ method: 'POST', url: `/api/orgs/${acme}/api-keys`, headers: sup, payload });
      t.equal(res.statusCode, 400, `${JSON.stringify(payload)} → 400`);
      t.equal(res.json().field, field, `${JSON.stringify(payload)} names ${field}`);
      t.match(res.json().message, message);
    }
    const after = await ctx.database.db.kysely
      .selectFrom('api_keys')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    t.equal(after.n, before.n, 'nothing was created');
    const unknown = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/orgs/${acme}/api-keys/00000000-0000-4000-8000-000000000000`,
      headers: sup,
    });
    t.equal(unknown.statusCode, 404);
  });

  t.test('a key acts in its organization with its role; audit names it and the chain still verifies', async (t) => {
    const viewer = await createKey(ctx, { name: 'Reader', role: 'viewer' });
    const admin = await createKey(ctx, { name: 'Provisioner', role: 'admin' });
    secrets.push(viewer.secret, admin.secret);
    t.equal((await ctx.app.inject({ url: `/api/orgs/${acme}/integrations`, headers: keyAuth(viewer) })).statusCode, 200, 'viewer reads');
    const refused = await ctx.app.inject({
      method: 'POST',
      url: `/api/orgs/${acme}/integrations`,
      headers: keyAuth(viewer),
      payload: { provider: 'custom', name: 'Nope' },
    });
    t.equal(refused.statusCode, 403, 'viewer key cannot write');
    const created = await ctx.app.inject({
      method: 'POST',
      url: `/api/orgs/${acme}/integrations`,
      headers: keyAuth(admin),
      payload: { provider: 'stripe', name: 'Made by a key', apiKey: 'sk_test_abcdefghijklmnop' },
    });
    t.equal(created.statusCode, 201, `admin key writes (${created.body.slice(0, 200)})`);

    const audit = (await ctx.app.inject({ url: `/api/orgs/${acme}/audit?limit=200`, headers: sup })).json().items;
    const byKey = audit.find((e: { action: string }) => e.action === 'integration.created');
    t.same(byKey.actor, { type: 'api_key', id: admin.id, name: 'Provisioner' }, 'the key is the actor');
    const creation = audit.find(
      (e: { action: string; target: { id: string } }) => e.action === 'api_key.created' && e.target.id === admin.id,
    );
    t.match(creation, {
      actor: { type: 'user', email: 'super@acme.test' },
      metadata: { name: 'Provisioner', role: 'admin', prefix: admin.prefix },
    });
    t.ok(
      audit.some((e: { actor: { type: string } }) => e.actor.type === 'user'),
      'people are type user',
    );

    const verify = await ctx.app.inject({
      url: '/api/platform/audit/verify',
      headers: { authorization: await ctx.bearer('owner@linkyard.test') },
    });
    t.match(verify.json(), { ok: true, firstBrokenEventId: null }, 'old (seeded) and new events verify');
  });

  t.test('routes for people only, other organizations, the platform, members and keys are refused to keys', async (t) => {
    const admin = await createKey(ctx, { name: 'Fenced', role: 'admin' });
    secrets.push(admin.secret);
    const h = keyAuth(admin);
    const cases: [string, string, number, object?][] = [
      ['GET', '/api/auth/me', 403],
      ['GET', '/api/orgs', 403],
      ['GET', `/api/orgs/${ctx.orgs.globex}`, 404],
      ['GET', `/api/orgs/${ctx.orgs.globex}/integrations`, 404],
      ['GET', '/api/platform/tenants', 403],
      ['GET', '/api/platform/audit/verify', 403],
      ['GET', `/api/orgs/${acme}/api-keys`, 403],
      ['POST', `/api/orgs/${acme}/api-keys`, 403, { name: 'child', role: 'viewer' }],
      ['DELETE', `/api/orgs/${acme}/api-keys/${admin.id}`, 403],
      ['POST', `/api/orgs/${acme}/members`, 403, { email: 'x@acme.test', role: 'viewer' }],
      ['GET', `/api/orgs/${acme}/members`, 200],
    ];
    for (const [method, url, status, payload] of cases) {
      const res = await ctx.app.inject({ method: method as 'GET', url, headers: h, payload });
      t.equal(res.statusCode, status, `${method} ${url} → ${status} (${res.body.slice(0, 120)})`);
    }
    const me = await ctx.app.inject({ url: '/api/auth/me', headers: h });
    t.match(me.json().message, /API keys cannot use this route/);
  });

  t.test('revocation takes effect on the next request, on every instance', async (t) => {
    const key = await createKey(ctx, { name: 'Short-lived', role: 'viewer' });
    secrets.push(key.secret);
    // A second API instance on the same database, warmed up with this key.
    const other = await buildApp({ config: ctx.config, db: ctx.database.db, logger: false });
    t.teardown(() => other.close());
    const url = `/api/orgs/${acme}/integrations`;
    t.equal((await other.inject({ url, headers: keyAuth(key) })).statusCode, 200);
    t.equal((await ctx.app.inject({ url, headers: keyAuth(key) })).statusCode, 200);

    const revoke = await ctx.app.inject({ method: 'DELETE', url: `/api/orgs/${acme}/api-keys/${key.id}`, headers: sup });
    t.equal(revoke.statusCode, 204);
    for (const [name, app] of [
      ['this instance', ctx.app],
      ['another instance', other],
    ] as const) {
      const res = await app.inject({ url, headers: keyAuth(key) });
      t.equal(res.statusCode, 401, `${name}: refused at once`);
      t.equal(res.json().message, 'This API key was revoked');
    }
    const again = await ctx.app.inject({ method: 'DELETE', url: `/api/orgs/${acme}/api-keys/${key.id}`, headers: sup });
    t.equal(again.statusCode, 204, 'revoking twice is harmless');
    const listed = (await ctx.app.inject({ url: `/api/orgs/${acme}/api-keys`, headers: sup }))
      .json()
      .items.find((k: { id: string }) => k.id === key.id);
    t.ok(listed.revokedAt, 'listed as revoked');
    const events = (await ctx.app.inject({ url: `/api/orgs/${acme}/audit?action=api_key.revoked`, headers: sup })).json().items;
    t.equal(events.filter((e: { target: { id: string } }) => e.target.id === key.id).length, 1, 'revocation audited once');
  });

  t.test('expired, forged and malformed keys are 401 with a clear message', async (t) => {
    const key = await createKey(ctx, { name: 'Expiring', role: 'viewer', expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    secrets.push(key.secret);
    const url = `/api/orgs/${acme}/integrations`;
    t.equal((await ctx.app.inject({ url, headers: keyAuth(key) })).statusCode, 200, 'works before its expiry');
    await ctx.database.db.kysely
      .updateTable('api_keys')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', key.id)
      .execute();
    const expired = await ctx.app.inject({ url, headers: keyAuth(key) });
    t.equal(expired.statusCode, 401);
    t.match(expired.json().message, /^This API key expired at /);

    const forged = `lyk_${Buffer.alloc(32, 7).toString('base64url')}`;
    for (const token of [forged, 'lyk_', `${key.secret}x`, key.secret.slice(0, -1)]) {
      const res = await ctx.app.inject({ url, headers: { authorization: `Bearer ${token}` } });
      t.equal(res.statusCode, 401, `${token.slice(0, 10)}… → 401`);
      t.equal(res.json().message, 'This API key is not valid');
    }
    const publicRoute = await ctx.app.inject({ url: '/healthz', headers: { authorization: `Bearer ${forged}` } });
    t.not(publicRoute.statusCode, 401, 'public routes ignore the header');
  });

  t.test('lastUsedAt is written off the request path, at most once a minute', async (t) => {
    const key = await createKey(ctx, { name: 'Counter', role: 'viewer' });
    secrets.push(key.secret);
    t.equal(key.lastUsedAt, null, 'never used');
    const url = `/api/orgs/${acme}/integrations`;
    await ctx.app.inject({ url, headers: keyAuth(key) });
    await waitUntil(async () => (await keyRow(ctx, key.id)).last_used_at !== null, 'lastUsedAt written');
    const first = (await keyRow(ctx, key.id)).last_used_at!;
    for (let i = 0; i < 3; i++) await ctx.app.inject({ url, headers: keyAuth(key) });
    // Another instance (no in-process memory of the last write) is held back by the UPDATE's own condition.
    const other = await buildApp({ config: ctx.config, db: ctx.database.db, logger: false });
    t.teardown(() => other.close());
    await other.inject({ url, headers: keyAuth(key) });
    await ctx.database.db.kysely.selectFrom('api_keys').select('id').execute(); // let any stray UPDATE land
    t.same((await keyRow(ctx, key.id)).last_used_at, first, 'not rewritten within the minute');

    const twoMinutesAgo = new Date(first.getTime() - 120_000);
    await ctx.database.db.kysely.updateTable('api_keys').set({ last_used_at: twoMinutesAgo }).where('id', '=', key.id).execute();
    await ctx.app.inject({ url, headers: keyAuth(key) });
    await waitUntil(async () => (await keyRow(ctx, key.id)).last_used_at!.getTime() > twoMinutesAgo.getTime(), 'lastUsedAt moved on');
    const listed = (await ctx.app.inject({ url: `/api/orgs/${acme}/api-keys`, headers: sup }))
      .json()
      .items.find((k: { id: string }) => k.id === key.id);
    t.ok(listed.lastUsedAt, 'the list shows the last use');
  });

  t.test('no secret in logs or the audit trail', async (t) => {
    t.ok(secrets.length >= 5);
    const logs = ctx.logs.join('\n');
    const audit = JSON.stringify(await ctx.database.db.kysely.selectFrom('audit_events').selectAll().execute());
    for (const secret of secrets) {
      const tail = secret.slice(12);
      t.notOk(logs.includes(tail), 'not in the logs');
      t.notOk(audit.includes(tail), 'not in the audit trail');
    }
  });
});

t.test('an API key is rate-limited like a user, apart from people and other keys', async (t) => {
  const ctx = await createTestApp(t, { env: { RATE_LIMIT_USER_PER_MINUTE: '4' } });
  const a = await createKey(ctx, { name: 'Busy', role: 'viewer' });
  const b = await createKey(ctx, { name: 'Calm', role: 'viewer' });
  const url = `/api/orgs/${ctx.orgs.acme}/integrations`;
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await ctx.app.inject({ url, headers: keyAuth(a) })).statusCode);
  t.same(statuses, [200, 200, 200, 200, 429]);
  const limited = await ctx.app.inject({ url, headers: keyAuth(a) });
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After');
  t.equal((await ctx.app.inject({ url, headers: keyAuth(b) })).statusCode, 200, 'another key is not affected');
  t.equal(
    (await ctx.app.inject({ url, headers: { authorization: await ctx.bearer('viewer@acme.test') } })).statusCode,
    200,
    'nor a person',
  );
});
