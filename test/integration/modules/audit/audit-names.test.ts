import t from 'tap';
import { createTestApp } from '../../../helpers/app.js';

// Issue 15 item 10: the audit page showed truncated ids and raw key/values. The API names each event's target
// (looked up per page, one query per kind of target) and update events carry before → after per field.
t.test('audit events name their targets and the integration of a sync, and say what changed', async (t) => {
  const ctx = await createTestApp(t);
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const base = `/api/orgs/${ctx.orgs.acme}`;
  const integration = (
    await ctx.app.inject({
      method: 'POST',
      url: `${base}/integrations`,
      headers: admin,
      payload: { provider: 'hubspot', name: 'HubSpot CRM', clientId: 'c', clientSecret: 'secret-value-123456' },
    })
  ).json();
  const sync = (
    await ctx.app.inject({
      method: 'POST',
      url: `${base}/integrations/${integration.id}/syncs`,
      headers: admin,
      payload: { resource: 'companies', mode: 'incremental', schedule: { cron: '0 8 * * *', timezone: 'UTC' } },
    })
  ).json();
  const patched = await ctx.app.inject({
    method: 'PATCH',
    url: `${base}/syncs/${sync.id}`,
    headers: admin,
    payload: { enabled: false, schedule: { cron: '0 9 * * *', timezone: 'Europe/Berlin' } },
  });
  t.equal(patched.statusCode, 200, patched.body);
  const renamed = await ctx.app.inject({
    method: 'PATCH',
    url: `${base}/integrations/${integration.id}`,
    headers: admin,
    payload: { name: 'HubSpot', clientSecret: 'another-secret-value-987' },
  });
  t.equal(renamed.statusCode, 200, renamed.body);

  const events = (await ctx.app.inject({ url: `${base}/audit?limit=200`, headers: admin })).json().items;
  const updated = events.find((e: { action: string }) => e.action === 'sync.updated');
  t.match(updated, {
    actor: { email: 'admin@acme.test' },
    target: { type: 'sync', id: sync.id, name: 'companies', integration: { id: integration.id, name: 'HubSpot' } },
    metadata: {
      changes: {
        enabled: { from: true, to: false },
        schedule: { from: { cron: '0 8 * * *', timezone: 'UTC' }, to: { cron: '0 9 * * *', timezone: 'Europe/Berlin' } },
      },
    },
  });
  t.notOk('mode' in updated.metadata.changes, 'fields that did not change are left out');

  const integrationUpdated = events.find((e: { action: string }) => e.action === 'integration.updated');
  t.match(integrationUpdated, {
    target: { type: 'integration', name: 'HubSpot', integration: null },
    metadata: { changes: { name: { from: 'HubSpot CRM', to: 'HubSpot' } } },
  });
  t.notMatch(JSON.stringify(events), /secret-value/, 'no secret in any event');

  // A deleted target keeps its events, unnamed.
  t.equal((await ctx.app.inject({ method: 'DELETE', url: `${base}/syncs/${sync.id}`, headers: admin })).statusCode, 204);
  const after = (await ctx.app.inject({ url: `${base}/audit?action=sync.updated`, headers: admin })).json().items;
  t.match(after[0].target, { type: 'sync', id: sync.id, name: null, integration: null });

  // The platform trail names organizations and people.
  const owner = { authorization: await ctx.bearer('owner@linkyard.test') };
  const logins = (await ctx.app.inject({ url: '/api/platform/audit?action=auth.login&limit=5', headers: owner })).json().items;
  t.ok(logins.length > 0);
  for (const e of logins) if (e.target.type === 'user') t.match(e.target.name, /@/, 'a person target is named by email');
});
