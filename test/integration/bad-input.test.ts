import { randomUUID } from 'node:crypto';
import t from 'tap';
import { createTestApp } from '../helpers/app.js';

/** Anything a user can type gets a 400 with a message a person can act on, never a 500, and changes nothing. */
t.test('bad input → 400 with a readable message, nothing changed', async (t) => {
  const ctx = await createTestApp(t, { env: { BODY_LIMIT_BYTES: '4096' } });
  const { acme } = ctx.orgs;
  const auth = await ctx.bearer('super@acme.test');
  const owner = await ctx.bearer('owner@linkyard.test');
  const countRows = async () => {
    const r = await ctx.database.db.kysely
      .selectFrom('memberships')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const u = await ctx.database.db.kysely
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const o = await ctx.database.db.kysely
      .selectFrom('organizations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return [Number(r.n), Number(u.n), Number(o.n)];
  };
  const before = await countRows();

  const json = { 'content-type': 'application/json' };
  // A cursor the server never issued: base64url of JSON with an impossible date and an id that is not one.
  const forged = Buffer.from(JSON.stringify(['2026-13-45T99:99:99Z', 'x'])).toString('base64url');
  const customIntegration = (listPath: string) =>
    JSON.stringify({
      provider: 'custom',
      name: 'Custom',
      clientId: 'client',
      clientSecret: 'secret',
      settings: {
        authorizationUrl: 'https://auth.example.com/authorize',
        tokenUrl: 'https://auth.example.com/token',
        apiBaseUrl: 'https://api.example.com',
        listPath,
      },
    });
  const cases: {
    name: string;
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    url: string;
    body?: string;
    headers?: Record<string, string>;
    message: RegExp;
    as?: string;
    field?: string;
  }[] = [
    {
      name: 'malformed JSON',
      method: 'POST',
      url: `/api/orgs/${acme}/members`,
      body: '{"email": "x@y.test", "role": ',
      headers: json,
      message: /not valid JSON/,
    },
    {
      name: 'JSON that is not an object',
      method: 'POST',
      url: `/api/orgs/${acme}/members`,
      body: '"hello"',
      headers: json,
      message: /body must be object/,
    },
    {
      name: 'oversized body',
      method: 'POST',
      url: `/api/orgs/${acme}/members`,
      body: JSON.stringify({ email: 'a@b.test', role: 'viewer', name: 'x'.repeat(10_000) }),
      headers: json,
      message: /too large/,
    },
    {
      name: 'unknown field',
      method: 'POST',
      url: `/api/orgs/${acme}/members`,
      body: JSON.stringify({ email: 'a@b.test', role: 'viewer', isAdmin: true }),
      headers: json,
      message: /unknown property "isAdmin"/,
    },
    {
      name: 'bad enum',
      method: 'POST',
      url: `/api/orgs/${acme}/members`,
      body: JSON.stringify({ email: 'a@b.test', role: 'god' }),
      headers: json,
      message: /role must be one of: viewer, admin, super_admin|role/,
    },
    {
      name: 'bad email',
      method: 'POST',
      url: `/api/orgs/${acme}/members`,
      body: JSON.stringify({ email: 'not-an-email', role: 'viewer' }),
      headers: json,
      message: /email/,
    },
    {
      name: 'missing field',
      method: 'POST',
      url: `/api/orgs/${acme}/members`,
      body: JSON.stringify({ role: 'viewer' }),
      headers: json,
      message: /must have required property 'email'/,
    },
    {
      name: 'name too long',
      method: 'PATCH',
      url: `/api/orgs/${acme}`,
      body: JSON.stringify({ name: 'x'.repeat(121) }),
      headers: json,
      message: /name must NOT have more than 120 characters/,
    },
    { name: 'empty patch', method: 'PATCH', url: `/api/orgs/${acme}`, body: '{}', headers: json, message: /Nothing to change/ },
    { name: 'malformed org UUID', method: 'GET', url: '/api/orgs/12345/members', message: /orgId must be a UUID/ },
    {
      name: 'malformed member UUID',
      method: 'PATCH',
      url: `/api/orgs/${acme}/members/not-a-uuid`,
      body: JSON.stringify({ role: 'admin' }),
      headers: json,
      message: /userId must be a UUID/,
    },
    { name: 'limit out of range', method: 'GET', url: `/api/orgs/${acme}/members?limit=500`, message: /limit must be <= 200/ },
    { name: 'limit not a number', method: 'GET', url: `/api/orgs/${acme}/members?limit=ten`, message: /limit must be integer/ },
    { name: 'unknown query parameter', method: 'GET', url: `/api/orgs/${acme}/members?sort=evil`, message: /unknown property "sort"/ },
    {
      name: 'bad date filter',
      method: 'GET',
      url: `/api/orgs/${acme}/audit?from=yesterday`,
      message: /from must match format "date-time"/,
    },
    {
      name: 'bad cursor',
      method: 'GET',
      url: `/api/orgs/${acme}/members?cursor=%01%02`,
      message: /cursor is not valid/,
      field: 'query.cursor',
    },
    {
      name: 'wrong content type',
      method: 'POST',
      url: `/api/orgs/${acme}/members`,
      body: 'email=a@b.test',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      message: /Content-Type must be application\/json/,
    },
    {
      name: 'bad slug',
      method: 'POST',
      url: '/api/orgs',
      body: JSON.stringify({ name: 'N', slug: '-Bad Slug-', superAdminEmail: 'a@b.test' }),
      headers: json,
      message: /slug must match pattern/,
      as: owner,
    },
    {
      name: 'login without password',
      method: 'POST',
      url: '/api/auth/login',
      body: JSON.stringify({ email: 'a@b.test' }),
      headers: json,
      message: /password/,
    },
    {
      name: 'weak invitation password',
      method: 'POST',
      url: '/api/auth/accept-invitation',
      body: JSON.stringify({ token: 'x', password: 'short' }),
      headers: json,
      message: /password must NOT have fewer than 12 characters/,
    },
    // Text Postgres cannot store (NUL in text and jsonb; lone surrogates in jsonb) was a 500.
    {
      name: 'NUL in a log search',
      method: 'GET',
      url: `/api/orgs/${acme}/logs?q=%00`,
      message: /q must not contain NUL characters/,
      field: 'query.q',
    },
    {
      name: 'NUL in an integration search',
      method: 'GET',
      url: `/api/orgs/${acme}/integrations?q=a%00b`,
      message: /q must not contain NUL characters/,
      field: 'query.q',
    },
    {
      name: 'NUL in an organization name',
      method: 'PATCH',
      url: `/api/orgs/${acme}`,
      body: JSON.stringify({ name: 'Acme\u0000' }),
      headers: json,
      message: /body\.name must not contain NUL characters/,
      field: '/name',
    },
    {
      name: 'lone surrogate in a new organization name',
      method: 'POST',
      url: '/api/orgs',
      body: JSON.stringify({ name: '\uD800', slug: 'surrogate', superAdminEmail: 'a@b.test' }),
      headers: json,
      message: /body\.name must be valid Unicode text/,
      field: '/name',
      as: owner,
    },
    {
      name: 'NUL in a member name',
      method: 'POST',
      url: `/api/orgs/${acme}/members`,
      body: JSON.stringify({ email: 'nul@b.test', role: 'viewer', name: 'a\u0000b' }),
      headers: json,
      message: /body\.name must not contain NUL/,
      field: '/name',
    },
    {
      name: 'lone surrogate in a setting',
      method: 'POST',
      url: `/api/orgs/${acme}/integrations`,
      body: customIntegration('/items\uDC00'),
      headers: json,
      message: /body\.settings\.listPath must be valid Unicode text/,
      field: '/settings/listPath',
    },
    {
      name: 'NUL in a setting',
      method: 'POST',
      url: `/api/orgs/${acme}/integrations`,
      body: customIntegration('/items\u0000'),
      headers: json,
      message: /body\.settings\.listPath must not contain NUL/,
      field: '/settings/listPath',
    },
    {
      name: 'NUL in a setting name',
      method: 'POST',
      url: `/api/orgs/${acme}/integrations`,
      body: JSON.stringify({ provider: 'custom', name: 'C', settings: { 'a\u0000': 'x' } }),
      headers: json,
      message: /body\.settings has a property name containing a NUL/,
      field: '/settings',
    },
    {
      name: 'NUL deep in a sample record',
      method: 'POST',
      url: `/api/orgs/${acme}/syncs/${randomUUID()}/mappings/preview`,
      body: JSON.stringify({ record: { a: [{ b: 'x\u0000' }] } }),
      headers: json,
      message: /body\.record\.a\.0\.b must not contain NUL/,
      field: '/record/a/0/b',
    },
    // Cursors not issued by the server were a 500 on the lists keyed by time and id.
    {
      name: 'forged cursor on runs',
      method: 'GET',
      url: `/api/orgs/${acme}/runs?cursor=${forged}`,
      message: /cursor is not valid; use the nextCursor value from the previous page/,
      field: 'query.cursor',
    },
    {
      name: 'forged cursor on logs',
      method: 'GET',
      url: `/api/orgs/${acme}/logs?cursor=${forged}`,
      message: /cursor is not valid/,
      field: 'query.cursor',
    },
    {
      name: 'forged cursor on audit',
      method: 'GET',
      url: `/api/orgs/${acme}/audit?cursor=${forged}`,
      message: /cursor is not valid/,
      field: 'query.cursor',
    },
    {
      name: 'forged cursor on integrations',
      method: 'GET',
      url: `/api/orgs/${acme}/integrations?cursor=${forged}`,
      message: /cursor is not valid/,
      field: 'query.cursor',
    },
    {
      name: 'forged cursor on platform audit',
      method: 'GET',
      url: `/api/platform/audit?cursor=${forged}`,
      message: /cursor is not valid/,
      field: 'query.cursor',
      as: owner,
    },
    // Ajv coerces "1e309" to Infinity and its range checks let Infinity through.
    {
      name: 'infinite limit',
      method: 'GET',
      url: `/api/orgs/${acme}/members?limit=1e309`,
      message: /querystring\.limit must be a finite number/,
      field: 'query.limit',
    },
    {
      name: 'infinite preview count',
      method: 'GET',
      url: `/api/orgs/${acme}/schedule-preview?cron=0%209%20*%20*%20*&timezone=UTC&count=Infinity`,
      message: /count must be a finite number/,
      field: 'query.count',
    },
  ];

  for (const c of cases) {
    const res = await ctx.app.inject({
      method: c.method,
      url: c.url,
      payload: c.body,
      headers: { authorization: c.as ?? auth, ...c.headers },
    });
    const body = res.json();
    t.equal(res.statusCode, 400, `${c.name}: ${res.statusCode} ${body.message}`);
    t.match(body.message, c.message, `${c.name}: message says what is wrong`);
    t.match(body, { statusCode: res.statusCode, error: String, requestId: String }, `${c.name}: standard error shape`);
    if (c.field) t.equal(body.field, c.field, `${c.name}: field names the input at fault`);
  }
  t.same(await countRows(), before, 'no bad request changed anything');
});

t.test('unknown routes are a JSON 404 and server errors reveal nothing', async (t) => {
  const ctx = await createTestApp(t, { seed: false });
  const res = await ctx.app.inject({ url: '/api/nope' });
  t.equal(res.statusCode, 404);
  t.match(res.json(), { statusCode: 404, error: 'Not Found', message: 'No route GET /api/nope' });
});
