import t from 'tap';
import { createTestApp } from '../helpers/app.js';

/**
 * A refusal about one input names it in `field` (docs/api.md), so a form can show the message next to that
 * input: the domain checks behind the request schemas (settings, scopes, schedules, mappings, duplicate
 * names) as well as the schemas themselves.
 */
t.test('errors about one input name it in `field`', async (t) => {
  const ctx = await createTestApp(t);
  const base = `/api/orgs/${ctx.orgs.acme}`;
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const superAdmin = { authorization: await ctx.bearer('super@acme.test') };
  const owner = { authorization: await ctx.bearer('owner@linkyard.test') };
  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: object) =>
    ctx.app.inject({ method, url, headers, payload });

  const hubspot = await call('POST', `${base}/integrations`, admin, {
    provider: 'hubspot',
    name: 'HubSpot',
    clientId: 'c',
    clientSecret: 'secret-value-123456',
  });
  t.equal(hubspot.statusCode, 201, hubspot.body);
  const sync = await call('POST', `${base}/integrations/${hubspot.json().id}/syncs`, admin, { resource: 'contacts', mode: 'full' });
  t.equal(sync.statusCode, 201, sync.body);
  const syncPath = `${base}/syncs/${sync.json().id}`;
  const organization = await call('POST', '/api/orgs', owner, { name: 'Initech', slug: 'initech', superAdminEmail: 'boss@initech.test' });
  t.equal(organization.statusCode, 201, organization.body);

  const zendesk = { provider: 'zendesk', name: 'Zendesk', clientId: 'c', clientSecret: 'secret-value-123456' };
  const cases: { name: string; request: () => ReturnType<typeof call>; status: number; field: string }[] = [
    {
      name: 'a required setting left out',
      request: () => call('POST', `${base}/integrations`, admin, zendesk),
      status: 400,
      field: '/settings/subdomain',
    },
    {
      name: 'a setting that does not match its pattern',
      request: () => call('POST', `${base}/integrations`, admin, { ...zendesk, settings: { subdomain: 'not a host!' } }),
      status: 400,
      field: '/settings/subdomain',
    },
    {
      name: 'an override URL with credentials',
      request: () =>
        call('POST', `${base}/integrations`, admin, {
          ...zendesk,
          name: 'Z2',
          settings: { subdomain: 'acme', apiBaseUrl: 'https://u:p@x.test' },
        }),
      status: 400,
      field: '/settings/apiBaseUrl',
    },
    {
      name: 'the third scope',
      request: () =>
        call('POST', `${base}/integrations`, admin, { ...zendesk, settings: { subdomain: 'acme' }, scopes: ['read', 'write', 'a"b'] }),
      status: 400,
      field: '/scopes/2',
    },
    {
      name: 'a credential the auth type does not take',
      request: () => call('POST', `${base}/integrations`, admin, { ...zendesk, settings: { subdomain: 'acme' }, apiKey: 'k' }),
      status: 400,
      field: '/apiKey',
    },
    {
      name: 'a missing credential',
      request: () => call('POST', `${base}/integrations`, admin, { provider: 'hubspot', name: 'H2', clientId: 'c' }),
      status: 400,
      field: '/clientSecret',
    },
    {
      name: 'a duplicate integration name',
      request: () =>
        call('POST', `${base}/integrations`, admin, { provider: 'hubspot', name: 'HubSpot', clientId: 'c', clientSecret: 's' }),
      status: 409,
      field: '/name',
    },
    {
      name: 'a resource the provider does not have',
      request: () => call('POST', `${base}/integrations/${hubspot.json().id}/syncs`, admin, { resource: 'nope' }),
      status: 400,
      field: '/resource',
    },
    {
      name: 'a cron expression with too few fields',
      request: () => call('PATCH', syncPath, admin, { schedule: { cron: '0 9 *', timezone: 'UTC' } }),
      status: 400,
      field: '/schedule/cron',
    },
    {
      name: 'an unknown timezone',
      request: () => call('PATCH', syncPath, admin, { schedule: { cron: '0 9 * * *', timezone: 'Mars/Olympus' } }),
      status: 400,
      field: '/schedule/timezone',
    },
    {
      name: 'an unknown timezone in the schedule preview',
      request: () => call('GET', `${base}/schedule-preview?cron=0%209%20*%20*%20*&timezone=Mars%2FOlympus`, admin),
      status: 400,
      field: 'query.timezone',
    },
    {
      name: 'the second mapping writing the same target',
      request: () =>
        call('PATCH', syncPath, admin, {
          mappings: [
            { source: 'a', target: 'email' },
            { source: 'b', target: 'email' },
          ],
        }),
      status: 400,
      field: '/mappings/1/target',
    },
    {
      name: "a transform's argument in the preview",
      request: () =>
        call('POST', `${syncPath}/mappings/preview`, admin, {
          record: {},
          mappings: [{ source: 'a', target: 'tags', transform: 'split', args: { separator: '' } }],
        }),
      status: 400,
      field: '/mappings/0/args/separator',
    },
    {
      name: 'a member who is already one',
      request: () => call('POST', `${base}/members`, superAdmin, { email: 'viewer@acme.test', role: 'viewer' }),
      status: 409,
      field: '/email',
    },
    {
      name: 'a slug that is taken',
      request: () => call('POST', '/api/orgs', owner, { name: 'Initech 2', slug: 'initech', superAdminEmail: 'boss@initech.test' }),
      status: 409,
      field: '/slug',
    },
  ];
  for (const c of cases) {
    const res = await c.request();
    const body = res.json();
    t.equal(res.statusCode, c.status, `${c.name}: ${res.statusCode} ${body.message}`);
    t.equal(body.field, c.field, `${c.name}: field names the input`);
  }
});
