import t from 'tap';
import { createTestApp } from '../../../helpers/app.js';
import { seedDemoIntegrations } from '../../../../server/src/seed/demo-integrations.js';
import { createVault } from '../../../../server/src/lib/crypto/vault.js';

// GET …/integrations/:id/record-paths: the field paths of a resource's most recently changed records.
const ctx = await createTestApp(t);
const { app, orgs, database } = ctx;
await seedDemoIntegrations(database.db, createVault({ currentKey: ctx.config.encryptionKey, previousKeys: [] }), () => {});
const db = database.db.kysely;
const integrationOf = async (orgId: string) =>
  (await db.selectFrom('integrations').select('id').where('organization_id', '=', orgId).orderBy('name').executeTakeFirstOrThrow()).id;
const acmeIntegration = await integrationOf(orgs.acme);
const globexIntegration = await integrationOf(orgs.globex);

async function insert(orgId: string, integrationId: string, externalId: string, data: object, deleted = false) {
  await db
    .insertInto('records')
    .values({
      organization_id: orgId,
      integration_id: integrationId,
      resource: 'widgets',
      external_id: externalId,
      data: JSON.stringify(data),
      content_hash: externalId,
      ...(deleted ? { deleted_at: new Date() } : {}),
    } as never)
    .execute();
}

const get = async (email: string, orgId: string, integrationId: string, query: string) =>
  app.inject({
    url: `/api/orgs/${orgId}/integrations/${integrationId}/record-paths?${query}`,
    headers: { authorization: await ctx.bearer(email) },
  });

t.test('the paths of the latest records of one resource, for any member', async (t) => {
  // 60 old records with a field the newest 50 no longer have: only the newest 50 are looked at.
  for (let i = 0; i < 60; i++) await insert(orgs.acme, acmeIntegration, `old-${i}`, { id: i, legacy_code: 'x' });
  for (let i = 0; i < 50; i++) await insert(orgs.acme, acmeIntegration, `new-${i}`, { id: i, contact: { email: `p${i}@example.test` } });
  await insert(orgs.acme, acmeIntegration, 'gone', { deleted_only: true }, true);
  await insert(orgs.globex, globexIntegration, 'other-tenant', { globex_secret_field: 1 });

  const res = await get('viewer@acme.test', orgs.acme, acmeIntegration, 'resource=widgets');
  t.equal(res.statusCode, 200, 'a viewer may read it');
  t.same(res.json(), {
    resource: 'widgets',
    sampled: 50,
    items: [
      { path: 'contact.email', types: ['string'], seen: 50 },
      { path: 'id', types: ['number'], seen: 50 },
    ],
  });

  const none = await get('viewer@acme.test', orgs.acme, acmeIntegration, 'resource=nothing_synced');
  t.same(none.json(), { resource: 'nothing_synced', sampled: 0, items: [] }, 'a resource without records: nothing to suggest');
});

t.test('refusals: no resource, another organization’s integration, not signed in', async (t) => {
  const missing = await get('viewer@acme.test', orgs.acme, acmeIntegration, '');
  t.equal(missing.statusCode, 400);
  t.match(missing.json(), { field: 'query.resource' });
  const elsewhere = await get('viewer@acme.test', orgs.acme, globexIntegration, 'resource=widgets');
  t.equal(elsewhere.statusCode, 404, 'an integration of another organization is not found');
  const outsider = await get('viewer@acme.test', orgs.globex, globexIntegration, 'resource=widgets');
  t.equal(outsider.statusCode, 404, 'nor is an organization the person is not a member of');
  const anonymous = await app.inject({ url: `/api/orgs/${orgs.acme}/integrations/${acmeIntegration}/record-paths?resource=widgets` });
  t.equal(anonymous.statusCode, 401);
});
