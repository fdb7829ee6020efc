import t from 'tap';
import { createVault } from '../../server/src/lib/crypto/vault.js';
import { seedDemoIntegrations } from '../../server/src/seed/demo-integrations.js';
import { startE2e, textOf, visit } from './harness.js';

// Issue 15 item 10: the audit log read "sync.updated · sync · 01a2…· changed: enabled"; it now says who changed which
// sync of which integration, linked, and what changed as before → after.
const e2e = await startE2e(t);
const { base, ctx } = e2e;
await seedDemoIntegrations(ctx.database.db, createVault({ currentKey: ctx.config.encryptionKey, previousKeys: [] }));

t.test('the audit log names the sync and its integration, links them and shows the change', async (t) => {
  const db = ctx.database.db.kysely;
  const sync = await db
    .selectFrom('syncs as s')
    .innerJoin('integrations as i', 'i.id', 's.integration_id')
    .select(['s.id', 's.resource', 's.enabled', 'i.id as integrationId', 'i.name as integrationName'])
    .where('s.organization_id', '=', ctx.orgs.acme)
    .where('s.enabled', '=', true)
    .orderBy('s.id')
    .executeTakeFirstOrThrow();
  const res = await ctx.app.inject({
    method: 'PATCH',
    url: `/api/orgs/${ctx.orgs.acme}/syncs/${sync.id}`,
    headers: { authorization: await ctx.bearer('admin@acme.test') },
    payload: { enabled: false },
  });
  t.equal(res.statusCode, 200, res.body);

  const page = await e2e.signedIn('super@acme.test');
  await visit(page, `${base}/orgs/${ctx.orgs.acme}/audit?action=sync.updated`);
  const sentence = await textOf(page, '[data-audit-action="sync.updated"] [data-audit-sentence]');
  t.match(sentence, `admin@acme.test updated sync ${sync.resource} on ${sync.integrationName}`);
  t.match(await textOf(page, '[data-audit-action="sync.updated"] [data-audit-changes]'), /enabled\s*on\s*→?\s*(changed to\s*)?off/);
  t.notMatch(await textOf(page, 'main'), /[0-9a-f]{8}…/, 'no truncated ids');

  await page.locator('[data-audit-action="sync.updated"] [data-audit-target]').click();
  await page.waitForFunction((path) => location.pathname === path, {}, `/orgs/${ctx.orgs.acme}/integrations/${sync.integrationId}/syncs`);
  t.pass('the sync link opens its integration’s syncs');
});
