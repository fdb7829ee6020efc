import t from 'tap';
import { defineAbilityFor, subject } from '../../../server/src/lib/ability.js';
import { createTestApp } from '../../helpers/app.js';

t.test('every registered route declares its access', async (t) => {
  const { app } = await createTestApp(t, { seed: false });
  t.ok(app.routeAccess.length > 10, 'routes were recorded');
  const undeclared = app.routeAccess.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.url}`);
  t.same(undeclared, [], 'routes without a declared permission');
  const publicRoutes = app.routeAccess.filter((r) => r.access === 'public' && r.url.startsWith('/api/')).map((r) => `${r.method} ${r.url}`);
  t.same(
    publicRoutes.sort(),
    [
      'POST /api/auth/accept-invitation',
      'POST /api/auth/login',
      'POST /api/auth/login/mfa',
      'POST /api/auth/invitations/preview',
      'POST /api/auth/logout',
      'POST /api/auth/refresh',
      'GET /api/oauth/callback',
      'HEAD /api/oauth/callback',
      // Providers' webhook deliveries and their handshakes (Dropbox's GET challenge): verified by signature, not session.
      'GET /api/webhooks/:integrationId',
      'HEAD /api/webhooks/:integrationId',
      'POST /api/webhooks/:integrationId',
    ].sort(),
    'the only public API routes are sign-in, invitations, the OAuth callback and provider webhooks (review this list when adding one)',
  );
  t.same(
    app.routeAccess.filter((r) => r.url === '/metrics').map((r) => `${r.method} ${r.access}`),
    ['GET public', 'HEAD public'],
    'GET /metrics is public to the access plugin and checks METRICS_TOKEN itself (metrics.test.ts)',
  );
});

type Who = 'anonymous' | 'viewer' | 'admin' | 'super' | 'owner' | 'stranger';
const EMAIL: Record<Exclude<Who, 'anonymous'>, string> = {
  viewer: 'viewer@acme.test',
  admin: 'admin@acme.test',
  super: 'super@acme.test',
  owner: 'owner@linkyard.test',
  stranger: 'super@globex.test', // Super Admin of another organization
};

/**
 * Role × route × own/other organization. Each row: a request against Acme and the status each
 * caller gets. Writes that would succeed use payloads that are valid but leave the data usable for
 * the next rows (renaming to the same name, re-setting a role to what it is).
 */
t.test('role matrix', async (t) => {
  const ctx = await createTestApp(t);
  const acme = ctx.orgs.acme;
  const viewerId = (
    await ctx.database.db.kysely.selectFrom('users').select('id').where('email', '=', 'viewer@acme.test').executeTakeFirstOrThrow()
  ).id;

  const rows: { name: string; method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: object; expect: Record<Who, number> }[] =
    [
      {
        name: 'read org',
        method: 'GET',
        url: `/api/orgs/${acme}`,
        expect: { anonymous: 401, viewer: 200, admin: 200, super: 200, owner: 200, stranger: 404 },
      },
      {
        name: 'rename org',
        method: 'PATCH',
        url: `/api/orgs/${acme}`,
        payload: { name: 'Acme' },
        expect: { anonymous: 401, viewer: 403, admin: 403, super: 200, owner: 200, stranger: 404 },
      },
      {
        name: 'suspend org (no-op status)',
        method: 'PATCH',
        url: `/api/orgs/${acme}`,
        payload: { status: 'active' },
        expect: { anonymous: 401, viewer: 403, admin: 403, super: 403, owner: 200, stranger: 404 },
      },
      {
        name: 'list members',
        method: 'GET',
        url: `/api/orgs/${acme}/members`,
        expect: { anonymous: 401, viewer: 200, admin: 200, super: 200, owner: 200, stranger: 404 },
      },
      {
        name: 'add member (duplicate → 409 once allowed)',
        method: 'POST',
        url: `/api/orgs/${acme}/members`,
        payload: { email: 'viewer@acme.test', role: 'viewer' },
        expect: { anonymous: 401, viewer: 403, admin: 403, super: 409, owner: 403, stranger: 404 },
      },
      {
        name: 'change role',
        method: 'PATCH',
        url: `/api/orgs/${acme}/members/${viewerId}`,
        payload: { role: 'viewer' },
        expect: { anonymous: 401, viewer: 403, admin: 403, super: 200, owner: 403, stranger: 404 },
      },
      {
        name: 'remove member (unknown user → 404 once allowed)',
        method: 'DELETE',
        url: `/api/orgs/${acme}/members/00000000-0000-4000-8000-000000000000`,
        expect: { anonymous: 401, viewer: 403, admin: 403, super: 404, owner: 403, stranger: 404 },
      },
      {
        name: 'org audit',
        method: 'GET',
        url: `/api/orgs/${acme}/audit`,
        expect: { anonymous: 401, viewer: 403, admin: 200, super: 200, owner: 200, stranger: 404 },
      },
      {
        name: 'create org (bad slug → 400 once allowed)',
        method: 'POST',
        url: '/api/orgs',
        payload: { name: 'X', slug: 'Not A Slug', superAdminEmail: 'x@x.test' },
        expect: { anonymous: 401, viewer: 400, admin: 400, super: 400, owner: 400, stranger: 400 },
      },
      {
        name: 'create org (valid, duplicate slug → 409 once allowed)',
        method: 'POST',
        url: '/api/orgs',
        payload: { name: 'Acme 2', slug: 'acme', superAdminEmail: 'x@x.test' },
        expect: { anonymous: 401, viewer: 403, admin: 403, super: 403, owner: 409, stranger: 403 },
      },
      {
        name: 'tenants overview',
        method: 'GET',
        url: '/api/platform/tenants',
        expect: { anonymous: 401, viewer: 403, admin: 403, super: 403, owner: 200, stranger: 403 },
      },
      {
        name: 'platform audit',
        method: 'GET',
        url: '/api/platform/audit',
        expect: { anonymous: 401, viewer: 403, admin: 403, super: 403, owner: 200, stranger: 403 },
      },
      {
        name: 'verify audit chain',
        method: 'GET',
        url: '/api/platform/audit/verify',
        expect: { anonymous: 401, viewer: 403, admin: 403, super: 403, owner: 200, stranger: 403 },
      },
      {
        name: 'my orgs',
        method: 'GET',
        url: '/api/orgs',
        expect: { anonymous: 401, viewer: 200, admin: 200, super: 200, owner: 200, stranger: 200 },
      },
    ];

  for (const row of rows) {
    for (const who of Object.keys(row.expect) as Who[]) {
      const headers = who === 'anonymous' ? {} : { authorization: await ctx.bearer(EMAIL[who]) };
      const res = await ctx.app.inject({ method: row.method, url: row.url, payload: row.payload, headers });
      t.equal(res.statusCode, row.expect[who], `${row.name} as ${who} → ${row.expect[who]} (${res.body.slice(0, 120)})`);
    }
  }
});

/**
 * Services do not check permissions again (docs/architecture.md, Conventions 3): each organization route's
 * declaration is the check. For every such route and every role, the gate answers 403 exactly when the role's
 * abilities lack the declared permission. Writes are sent only by roles they are refused to (with a body that
 * passes validation, which runs before the gate); reads by every role.
 */
t.test("every organization route's declared permission is what the gate enforces, for every role", async (t) => {
  const ctx = await createTestApp(t);
  const acme = ctx.orgs.acme;
  const unknown = '00000000-0000-4000-8000-000000000000';
  const roles = {
    viewer: { platformRole: null, role: 'viewer' },
    admin: { platformRole: null, role: 'admin' },
    super: { platformRole: null, role: 'super_admin' },
    owner: { platformRole: 'platform_owner', role: null },
  } as const;
  // Bodies that pass validation for the writes whose schema requires fields.
  const bodies: Record<string, object> = {
    'POST /api/orgs/:orgId/integrations': { provider: 'custom', name: 'Refused' },
    'POST /api/orgs/:orgId/integrations/:id/syncs': { resource: 'contacts' },
    'POST /api/orgs/:orgId/syncs/:syncId/mappings/preview': { record: {} },
    'POST /api/orgs/:orgId/syncs/:syncId/records': { records: [{ data: { name: 'Refused' } }] },
    'POST /api/orgs/:orgId/conflicts/:conflictId/resolve': { resolution: 'local' },
    'POST /api/orgs/:orgId/members': { email: 'refused@acme.test', role: 'viewer' },
    'PATCH /api/orgs/:orgId/members/:userId': { role: 'viewer' },
    'POST /api/orgs/:orgId/webhook-endpoints': { url: 'https://example.com/hooks', events: ['ping'] },
    'POST /api/orgs/:orgId/api-keys': { name: 'Refused', role: 'viewer' },
    'DELETE /api/orgs/:orgId': { confirm: 'refused' },
  };
  const routes = ctx.app.routeAccess.filter((r) => r.url.startsWith('/api/orgs/:orgId') && r.method !== 'HEAD');
  t.ok(routes.length > 30, `${routes.length} organization routes`);
  for (const route of routes) {
    const access = route.access;
    if (typeof access !== 'object') {
      t.fail(`${route.method} ${route.url} declares ${String(access)}, not a permission`);
      continue;
    }
    const write = route.method !== 'GET';
    const url = route.url.replace(':orgId', acme).replace(/:\w+/g, unknown);
    for (const [who, input] of Object.entries(roles)) {
      const allowed = defineAbilityFor({ ...input, orgId: acme }).can(
        access.action,
        subject(access.subject, { organizationId: acme, id: acme }) as never,
      );
      if (write && allowed) continue;
      const email = who === 'owner' ? 'owner@linkyard.test' : `${who}@acme.test`;
      const res = await ctx.app.inject({
        method: route.method as 'GET',
        url,
        headers: { authorization: await ctx.bearer(email) },
        // A DELETE carries a body only where its schema asks for one (deleting an organization: the typed slug).
        ...(write && (route.method !== 'DELETE' || bodies[`${route.method} ${route.url}`])
          ? { payload: bodies[`${route.method} ${route.url}`] ?? {} }
          : {}),
      });
      const name = `${route.method} ${route.url} (${access.action} ${access.subject}) as ${who}`;
      if (allowed) t.not(res.statusCode, 403, `${name}: past the gate (${res.statusCode})`);
      else t.equal(res.statusCode, 403, `${name}: refused (${res.body.slice(0, 120)})`);
    }
  }
});

t.test('another organization is 404 for everything under it, however the id is written', async (t) => {
  const ctx = await createTestApp(t);
  const auth = { authorization: await ctx.bearer('super@acme.test') };
  for (const url of [
    `/api/orgs/${ctx.orgs.globex}`,
    `/api/orgs/${ctx.orgs.globex}/members`,
    `/api/orgs/${ctx.orgs.globex}/audit`,
    `/api/orgs/${ctx.orgs.globex.toUpperCase()}/members`,
    '/api/orgs/00000000-0000-4000-8000-000000000000/members',
  ]) {
    const res = await ctx.app.inject({ url, headers: auth });
    t.equal(res.statusCode, 404, url);
    t.equal(res.json().message, 'Organization not found');
  }
});

t.test('a suspended organization: members get 403 everywhere, the Platform Owner still reads and reactivates', async (t) => {
  const ctx = await createTestApp(t);
  const acme = ctx.orgs.acme;
  const owner = { authorization: await ctx.bearer('owner@linkyard.test') };
  const superAdmin = { authorization: await ctx.bearer('super@acme.test') };

  const suspend = await ctx.app.inject({ method: 'PATCH', url: `/api/orgs/${acme}`, headers: owner, payload: { status: 'suspended' } });
  t.equal(suspend.statusCode, 200);
  t.equal(suspend.json().status, 'suspended');
  for (const url of [`/api/orgs/${acme}`, `/api/orgs/${acme}/members`, `/api/orgs/${acme}/audit`]) {
    const res = await ctx.app.inject({ url, headers: superAdmin });
    t.equal(res.statusCode, 403, `member: ${url}`);
    t.match(res.json().message, /suspended/);
  }
  t.equal((await ctx.app.inject({ url: `/api/orgs/${acme}/members`, headers: owner })).statusCode, 200, 'owner still reads');
  t.equal(
    (await ctx.app.inject({ method: 'PATCH', url: `/api/orgs/${acme}`, headers: owner, payload: { status: 'active' } })).statusCode,
    200,
  );
  t.equal((await ctx.app.inject({ url: `/api/orgs/${acme}/members`, headers: superAdmin })).statusCode, 200, 'reactivated');

  const events = (await ctx.app.inject({ url: `/api/orgs/${acme}/audit`, headers: owner }))
    .json()
    .items.map((e: { action: string }) => e.action);
  t.ok(events.includes('organization.suspended') && events.includes('organization.reactivated'), 'both audited');
});

t.test('per-user API rate limit answers 429 with Retry-After', async (t) => {
  const ctx = await createTestApp(t, { env: { RATE_LIMIT_USER_PER_MINUTE: '5' } });
  const auth = { authorization: await ctx.bearer('viewer@acme.test') };
  const statuses = [];
  for (let i = 0; i < 6; i++) statuses.push((await ctx.app.inject({ url: '/api/auth/me', headers: auth })).statusCode);
  t.same(statuses, [200, 200, 200, 200, 200, 429]);
  const other = { authorization: await ctx.bearer('admin@acme.test') };
  t.equal((await ctx.app.inject({ url: '/api/auth/me', headers: other })).statusCode, 200, 'other users are not affected');
});

t.test("access changes take effect on the very next request (the gate's cache is dropped)", async (t) => {
  const ctx = await createTestApp(t);
  const acme = ctx.orgs.acme;
  const sup = { authorization: await ctx.bearer('super@acme.test') };
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const adminId = (
    await ctx.database.db.kysely.selectFrom('users').select('id').where('email', '=', 'admin@acme.test').executeTakeFirstOrThrow()
  ).id;

  t.equal((await ctx.app.inject({ url: `/api/orgs/${acme}/audit`, headers: admin })).statusCode, 200, 'admin reads the audit log');
  await ctx.app.inject({ method: 'PATCH', url: `/api/orgs/${acme}/members/${adminId}`, headers: sup, payload: { role: 'viewer' } });
  t.equal((await ctx.app.inject({ url: `/api/orgs/${acme}/audit`, headers: admin })).statusCode, 403, 'demoted: refused at once');
  await ctx.app.inject({ method: 'DELETE', url: `/api/orgs/${acme}/members/${adminId}`, headers: sup });
  t.equal(
    (await ctx.app.inject({ url: `/api/orgs/${acme}/members`, headers: admin })).statusCode,
    404,
    'removed: the organization is gone for them at once',
  );
});

/**
 * The same accounting for API keys (`Bearer lyk_…`): every organization route × key role (viewer, admin) ×
 * own/other organization. In its own organization a key passes exactly where its role's abilities (as a key:
 * never members or keys) allow and the route is not for people only; every other organization is 404; every
 * route outside /api/orgs/:orgId (the platform, the caller's own account, creating organizations) is 403.
 */
t.test("API keys: every route's declared permission is what the gate enforces, for every key role and organization", async (t) => {
  const ctx = await createTestApp(t);
  const acme = ctx.orgs.acme;
  const unknown = '00000000-0000-4000-8000-000000000000';
  const sup = { authorization: await ctx.bearer('super@acme.test') };
  const keys: Record<'viewer' | 'admin', string> = { viewer: '', admin: '' };
  for (const role of ['viewer', 'admin'] as const) {
    const res = await ctx.app.inject({ method: 'POST', url: `/api/orgs/${acme}/api-keys`, headers: sup, payload: { name: role, role } });
    keys[role] = `Bearer ${res.json().secret}`;
  }
  const bodies: Record<string, object> = {
    'POST /api/orgs/:orgId/integrations': { provider: 'custom', name: 'Refused' },
    'POST /api/orgs/:orgId/integrations/:id/syncs': { resource: 'contacts' },
    'POST /api/orgs/:orgId/syncs/:syncId/mappings/preview': { record: {} },
    'POST /api/orgs/:orgId/syncs/:syncId/records': { records: [{ data: { name: 'Refused' } }] },
    'POST /api/orgs/:orgId/conflicts/:conflictId/resolve': { resolution: 'local' },
    'POST /api/orgs/:orgId/members': { email: 'refused@acme.test', role: 'viewer' },
    'PATCH /api/orgs/:orgId/members/:userId': { role: 'viewer' },
    'POST /api/orgs/:orgId/api-keys': { name: 'child', role: 'viewer' },
    'POST /api/orgs': { name: 'Refused', slug: 'refused', superAdminEmail: 'refused@acme.test' },
    'POST /api/orgs/:orgId/webhook-endpoints': { url: 'https://example.com/hooks', events: ['ping'] },
    'DELETE /api/orgs/:orgId': { confirm: 'refused' },
  };
  // Query strings that pass validation (which runs before the gate), so every status below is the gate's.
  const queries: Record<string, string> = {
    'GET /api/orgs/:orgId/schedule-preview': '?cron=0+*+*+*+*&timezone=UTC',
    'GET /api/orgs/:orgId/integrations/:id/changes': '?resource=contacts',
  };
  const apiRoutes = ctx.app.routeAccess.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD' && r.access !== 'public');
  const orgRoutes = apiRoutes.filter((r) => r.url.startsWith('/api/orgs/:orgId'));
  t.ok(orgRoutes.length > 30, `${orgRoutes.length} organization routes`);
  const send = (method: string, url: string, routeUrl: string, authorization: string) =>
    ctx.app.inject({
      method: method as 'GET',
      url: url + (queries[`${method} ${routeUrl}`] ?? ''),
      headers: { authorization },
      ...(method !== 'GET' && (method !== 'DELETE' || bodies[`${method} ${routeUrl}`])
        ? { payload: bodies[`${method} ${routeUrl}`] ?? {} }
        : {}),
    });

  for (const route of orgRoutes) {
    const access = route.access;
    if (typeof access !== 'object') {
      t.fail(`${route.method} ${route.url} declares ${String(access)}, not a permission`);
      continue;
    }
    const write = route.method !== 'GET';
    for (const role of ['viewer', 'admin'] as const) {
      const name = `${route.method} ${route.url} (${access.action} ${access.subject}) as ${role === 'admin' ? 'an' : 'a'} ${role} key`;
      const other = await send(route.method, route.url.replace(':orgId', ctx.orgs.globex).replace(/:\w+/g, unknown), route.url, keys[role]);
      t.equal(other.statusCode, 404, `${name} on another organization: 404`);
      const allowed =
        access.callers !== 'people' &&
        defineAbilityFor({ platformRole: null, orgId: acme, role, apiKey: true }).can(
          access.action,
          subject(access.subject, { organizationId: acme, id: acme }) as never,
        );
      if (write && allowed) continue; // allowed writes would change the data the next rows use; the gate let them through
      const res = await send(route.method, route.url.replace(':orgId', acme).replace(/:\w+/g, unknown), route.url, keys[role]);
      if (allowed) t.not(res.statusCode, 403, `${name}: past the gate (${res.statusCode})`);
      else t.equal(res.statusCode, 403, `${name}: refused (${res.body.slice(0, 120)})`);
    }
  }
  // Keys never manage members or keys, whatever their role: stated rather than only derived from the abilities.
  for (const role of ['viewer', 'admin'] as const) {
    const ability = defineAbilityFor({ platformRole: null, orgId: acme, role, apiKey: true });
    for (const [action, subj] of [
      ['create', 'Member'],
      ['update', 'Member'],
      ['delete', 'Member'],
      ['read', 'ApiKey'],
      ['create', 'ApiKey'],
      ['delete', 'ApiKey'],
    ] as const) {
      t.notOk(ability.can(action, subject(subj, { organizationId: acme, id: acme }) as never), `${role} key cannot ${action} ${subj}`);
    }
  }

  for (const route of apiRoutes.filter((r) => !r.url.startsWith('/api/orgs/:orgId'))) {
    for (const role of ['viewer', 'admin'] as const) {
      const res = await send(route.method, route.url.replace(/:\w+/g, unknown), route.url, keys[role]);
      t.equal(
        res.statusCode,
        403,
        `${route.method} ${route.url} as ${role === 'admin' ? 'an' : 'a'} ${role} key: refused (${res.body.slice(0, 100)})`,
      );
    }
  }
});
