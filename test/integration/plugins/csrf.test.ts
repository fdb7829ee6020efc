/**
 * Cross-site request forgery on the JSON API. A page on a sibling host (same *site*, so SameSite=Lax cookies
 * go along) can submit `<form enctype="text/plain" method="post">` to any API path; no preflight stops it.
 * The API must refuse cookie-authenticated writes that are not JSON or not from this site's Origin.
 */
import t from 'tap';
import { createTestApp, DEMO_PASSWORD } from '../../helpers/app.js';

t.test('cookie-authenticated writes need JSON and this site’s Origin; Bearer callers are unaffected', async (t) => {
  const ctx = await createTestApp(t);
  const { app, orgs, config } = ctx;
  const base = `/api/orgs/${orgs.acme}`;
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const integration = (
    await app.inject({
      method: 'POST',
      url: `${base}/integrations`,
      headers: admin,
      payload: { provider: 'hubspot', name: 'HubSpot', clientId: 'c', clientSecret: 'secret-value-123456' },
    })
  ).json();
  const sync = (
    await app.inject({
      method: 'POST',
      url: `${base}/integrations/${integration.id}/syncs`,
      headers: admin,
      payload: { resource: 'contacts', mode: 'full', schedule: null },
    })
  ).json();
  t.ok(sync.id, 'a sync to act on');

  const signedIn = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'admin@acme.test', password: DEMO_PASSWORD },
  });
  const cookies = Object.fromEntries(signedIn.cookies.map((c) => [c.name, c.value]));
  const ownOrigin = new URL(config.publicUrl).origin;

  const targets = [
    `${base}/integrations/${integration.id}/pause`,
    `${base}/integrations/${integration.id}/resume`,
    `${base}/integrations/${integration.id}/sync`,
    `${base}/sync-all`,
    `${base}/integrations/${integration.id}/test`,
    `${base}/integrations/${integration.id}/disconnect`,
    `${base}/syncs/${sync.id}/runs`,
    `${base}/runs/01900000-0000-7000-8000-000000000000/cancel`,
  ];
  const forgeries = [
    {
      what: 'a text/plain form from a sibling host',
      headers: { origin: 'https://evil.example.com', 'content-type': 'text/plain', 'sec-fetch-site': 'same-site' },
      payload: 'x=1',
    },
    {
      what: 'a urlencoded form from another site',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=b',
    },
    { what: 'JSON from another origin', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, payload: '{}' },
    { what: 'a text/plain body from our own origin', headers: { origin: ownOrigin, 'content-type': 'text/plain' }, payload: '{}' },
    { what: 'a write without any Origin', headers: { 'content-type': 'application/json' }, payload: '{}' },
  ];

  const auditCount = async () =>
    (
      await ctx.database.db.kysely
        .selectFrom('audit_events')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
  const runCount = async () =>
    (
      await ctx.database.db.kysely
        .selectFrom('sync_runs')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
  const before = { audit: Number(await auditCount()), runs: Number(await runCount()), status: integration.status };

  for (const url of targets) {
    for (const f of forgeries) {
      const res = await app.inject({ method: 'POST', url, cookies, headers: f.headers, payload: f.payload });
      t.equal(res.statusCode, 403, `${f.what} → ${url.replace(base, '')}`);
    }
  }
  t.equal(Number(await runCount()), before.runs, 'no run was queued');
  t.equal(Number(await auditCount()), before.audit, 'nothing was changed (no audit event)');
  const after = (await app.inject({ url: `${base}/integrations/${integration.id}`, headers: admin })).json();
  t.equal(after.status, before.status, 'the integration was not paused');

  // The browser's own calls (JSON, our Origin) and Bearer callers work.
  const own = await app.inject({
    method: 'POST',
    url: `${base}/integrations/${integration.id}/pause`,
    cookies,
    headers: { origin: ownOrigin, 'content-type': 'application/json' },
    payload: '{}',
  });
  t.equal(own.statusCode, 200, 'JSON from this site with the session cookie works');
  const bodiless = await app.inject({
    method: 'POST',
    url: `${base}/integrations/${integration.id}/resume`,
    cookies,
    headers: { origin: ownOrigin },
  });
  t.equal(bodiless.statusCode, 200, 'a bodiless write from this site works');
  const bearer = await app.inject({ method: 'POST', url: `${base}/integrations/${integration.id}/pause`, headers: admin });
  t.equal(bearer.statusCode, 200, 'a Bearer caller needs no Origin');
});
