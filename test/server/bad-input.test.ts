import t from 'tap';
import { createTestApp } from '../helpers/app.js';

/** Anything a user can type gets a 400 with a message a person can act on, never a 500, and changes nothing. */
t.test('bad input → 400 with a readable message, nothing changed', async (t) => {
  const ctx = await createTestApp(t, { env: { BODY_LIMIT_BYTES: '4096' } });
  const { acme } = ctx.orgs;
  const auth = await ctx.bearer('super@acme.test');
  const owner = await ctx.bearer('owner@linkyard.test');
  const countRows = async () => {
    const r = await ctx.database.db.kysely.selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const u = await ctx.database.db.kysely.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const o = await ctx.database.db.kysely.selectFrom('organizations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return [Number(r.n), Number(u.n), Number(o.n)];
  };
  const before = await countRows();

  const json = { 'content-type': 'application/json' };
  const cases: { name: string; method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; body?: string; headers?: Record<string, string>; message: RegExp; as?: string }[] = [
    { name: 'malformed JSON', method: 'POST', url: `/api/orgs/${acme}/members`, body: '{"email": "x@y.test", "role": ', headers: json, message: /not valid JSON/ },
    { name: 'JSON that is not an object', method: 'POST', url: `/api/orgs/${acme}/members`, body: '"hello"', headers: json, message: /body must be object/ },
    { name: 'oversized body', method: 'POST', url: `/api/orgs/${acme}/members`, body: JSON.stringify({ email: 'a@b.test', role: 'viewer', name: 'x'.repeat(10_000) }), headers: json, message: /too large/ },
    { name: 'unknown field', method: 'POST', url: `/api/orgs/${acme}/members`, body: JSON.stringify({ email: 'a@b.test', role: 'viewer', isAdmin: true }), headers: json, message: /unknown property "isAdmin"/ },
    { name: 'bad enum', method: 'POST', url: `/api/orgs/${acme}/members`, body: JSON.stringify({ email: 'a@b.test', role: 'god' }), headers: json, message: /role must be one of: viewer, admin, super_admin|role/ },
    { name: 'bad email', method: 'POST', url: `/api/orgs/${acme}/members`, body: JSON.stringify({ email: 'not-an-email', role: 'viewer' }), headers: json, message: /email/ },
    { name: 'missing field', method: 'POST', url: `/api/orgs/${acme}/members`, body: JSON.stringify({ role: 'viewer' }), headers: json, message: /must have required property 'email'/ },
    { name: 'name too long', method: 'PATCH', url: `/api/orgs/${acme}`, body: JSON.stringify({ name: 'x'.repeat(121) }), headers: json, message: /name must NOT have more than 120 characters/ },
    { name: 'empty patch', method: 'PATCH', url: `/api/orgs/${acme}`, body: '{}', headers: json, message: /Nothing to change/ },
    { name: 'malformed org UUID', method: 'GET', url: '/api/orgs/12345/members', message: /orgId must be a UUID/ },
    { name: 'malformed member UUID', method: 'PATCH', url: `/api/orgs/${acme}/members/not-a-uuid`, body: JSON.stringify({ role: 'admin' }), headers: json, message: /userId must be a UUID/ },
    { name: 'limit out of range', method: 'GET', url: `/api/orgs/${acme}/members?limit=500`, message: /limit must be <= 200/ },
    { name: 'limit not a number', method: 'GET', url: `/api/orgs/${acme}/members?limit=ten`, message: /limit must be integer/ },
    { name: 'unknown query parameter', method: 'GET', url: `/api/orgs/${acme}/members?sort=evil`, message: /unknown property "sort"/ },
    { name: 'bad date filter', method: 'GET', url: `/api/orgs/${acme}/audit?from=yesterday`, message: /from must match format "date-time"/ },
    { name: 'bad cursor', method: 'GET', url: `/api/orgs/${acme}/members?cursor=%00%01`, message: /cursor is not valid/ },
    { name: 'wrong content type', method: 'POST', url: `/api/orgs/${acme}/members`, body: 'email=a@b.test', headers: { 'content-type': 'application/x-www-form-urlencoded' }, message: /Content-Type must be application\/json/ },
    { name: 'bad slug', method: 'POST', url: '/api/orgs', body: JSON.stringify({ name: 'N', slug: '-Bad Slug-', superAdminEmail: 'a@b.test' }), headers: json, message: /slug must match pattern/, as: owner },
    { name: 'login without password', method: 'POST', url: '/api/auth/login', body: JSON.stringify({ email: 'a@b.test' }), headers: json, message: /password/ },
    { name: 'weak invitation password', method: 'POST', url: '/api/auth/accept-invitation', body: JSON.stringify({ token: 'x', password: 'short' }), headers: json, message: /password must NOT have fewer than 12 characters/ },
  ];

  for (const c of cases) {
    const res = await ctx.app.inject({ method: c.method, url: c.url, payload: c.body, headers: { authorization: c.as ?? auth, ...c.headers } });
    const body = res.json();
    t.equal(res.statusCode, 400, `${c.name}: ${res.statusCode} ${body.message}`);
    t.match(body.message, c.message, `${c.name}: message says what is wrong`);
    t.match(body, { statusCode: res.statusCode, error: String, requestId: String }, `${c.name}: standard error shape`);
  }
  t.same(await countRows(), before, 'no bad request changed anything');
});

t.test('unknown routes are a JSON 404 and server errors reveal nothing', async (t) => {
  const ctx = await createTestApp(t, { seed: false });
  const res = await ctx.app.inject({ url: '/api/nope' });
  t.equal(res.statusCode, 404);
  t.match(res.json(), { statusCode: 404, error: 'Not Found', message: 'No route GET /api/nope' });
});
