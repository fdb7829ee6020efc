import type { Test } from 'tap';
import { inScope } from '../../server/src/lib/db-scope.js';
import { tokenContext } from '../../server/src/modules/integrations/integrations.port.js';
import type { FakeProvider } from '../fixtures/providers/index.js';
import { createTestApp, type TestContext } from './app.js';

/**
 * An app whose Acme organization has one integration pointed at a fake provider API, signed in as Acme's Admin:
 * what the sync, push and conflict tests start from.
 */
export interface ProviderApp {
  ctx: TestContext;
  /** Acme Admin's Authorization header. */
  admin: Record<string, string>;
  /** `/api/orgs/<acme>` */
  base: string;
  integration: { id: string; [key: string]: unknown };
}

/** A Stripe integration (API key) pointed at the fake Stripe. */
export async function stripeApp(t: Test, fake: FakeProvider, env: Record<string, string> = {}): Promise<ProviderApp> {
  const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true', ...env } });
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const base = `/api/orgs/${ctx.orgs.acme}`;
  const integration = (
    await ctx.app.inject({
      method: 'POST',
      url: `${base}/integrations`,
      headers: admin,
      payload: { provider: 'stripe', name: 'Stripe', apiKey: fake.token, settings: { apiBaseUrl: fake.apiBaseUrl } },
    })
  ).json();
  return { ctx, admin, base, integration };
}

/** A HubSpot integration (OAuth) pointed at the fake HubSpot, connected with the fake's token as if the flow had run. */
export async function hubspotApp(t: Test, fake: FakeProvider): Promise<ProviderApp> {
  return oauthApp(t, fake, { provider: 'hubspot', name: 'HubSpot' });
}

/**
 * An OAuth integration of `fake`'s provider pointed at the fake (its `apiBaseUrl` plus `settings`, such as GitHub's
 * owner and repo), connected with the fake's token as if the flow had run; `connectionValues` are what the flow would
 * have discovered (Jira's cloudId).
 */
export async function oauthApp(
  t: Test,
  fake: FakeProvider,
  options: { provider: string; name: string; settings?: Record<string, string>; connectionValues?: Record<string, string> },
): Promise<ProviderApp> {
  const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true' } });
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const base = `/api/orgs/${ctx.orgs.acme}`;
  return { ctx, admin, base, integration: await addOAuthIntegration({ ctx, admin, base }, fake, options) };
}

/** Adds to Acme an OAuth integration of `fake`'s provider, connected with the fake's token as if the flow had run (see oauthApp). */
export async function addOAuthIntegration(
  { ctx, admin, base }: Omit<ProviderApp, 'integration'>,
  fake: FakeProvider,
  options: { provider: string; name: string; settings?: Record<string, string>; connectionValues?: Record<string, string> },
): Promise<ProviderApp['integration']> {
  const created = await ctx.app.inject({
    method: 'POST',
    url: `${base}/integrations`,
    headers: admin,
    payload: {
      provider: options.provider,
      name: options.name,
      clientId: 'c',
      clientSecret: 'secret-value-123456',
      settings: { apiBaseUrl: fake.apiBaseUrl, ...options.settings },
    },
  });
  if (created.statusCode !== 201) throw new Error(`integration refused: ${created.statusCode} ${created.body}`);
  const integration = created.json();
  const orgId = ctx.orgs.acme;
  const vault = ctx.app.services.vault;
  await inScope(ctx.database.db, { org: orgId }, async (tx) => {
    await tx
      .insertInto('connections')
      .values({
        integration_id: integration.id,
        organization_id: orgId,
        access_token_encrypted: await vault.encrypt(tx, tokenContext(orgId, integration.id, 'access_token_encrypted'), fake.token),
        refresh_token_encrypted: null,
        token_type: 'bearer',
        expires_at: new Date(Date.now() + 3_600_000),
        scopes: [],
        external_account: `test@${options.provider}.example`,
        connection_values: JSON.stringify(options.connectionValues ?? {}),
        updated_at: new Date(),
      })
      .execute();
    await tx.updateTable('integrations').set({ status: 'ACTIVE' }).where('id', '=', integration.id).execute();
  });
  return integration;
}

/** Creates a sync of the integration; throws with the answer when refused. */
export async function createSync(app: ProviderApp, body: object): Promise<{ id: string; [key: string]: unknown }> {
  const res = await app.ctx.app.inject({
    method: 'POST',
    url: `${app.base}/integrations/${app.integration.id}/syncs`,
    headers: app.admin,
    payload: body,
  });
  if (res.statusCode !== 201) throw new Error(`sync refused: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** Starts a manual run of the sync, waits until the executor is idle, and returns the finished run. */
export async function runAndWait(ctx: TestContext, base: string, headers: Record<string, string>, syncId: string) {
  const started = await ctx.app.inject({ method: 'POST', url: `${base}/syncs/${syncId}/runs`, headers });
  if (started.statusCode !== 202) throw new Error(`run refused: ${started.statusCode} ${started.body}`);
  await ctx.app.services.executor!.drain();
  return (await ctx.app.inject({ url: `${base}/runs/${started.json().runId}`, headers })).json();
}
