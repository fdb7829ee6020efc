/**
 * What other modules may do with an integration inside a transaction of their own: the sync engine's run
 * bookkeeping, OAuth's connect, disconnect, credential test and token refresh, and syncs and runs checking the
 * integration they belong to. Everything else goes through the integrations service; integrations.repo.ts stays
 * private to this module (.dependency-cruiser.cjs, repos-stay-in-their-module).
 */
import type { CompiledQuery, Updateable } from 'kysely';
import type { IntegrationsTable } from '../../../../db/schema.js';
import type { Vault } from '../../lib/crypto/index.js';
import type { Tx } from '../../lib/db-scope.js';
import { NotFound } from '../../lib/errors.js';
import * as repo from './integrations.repo.js';

/** Where an integration's secret lives, as the vault binds it: a copy elsewhere does not decrypt. */
export const secretContext = (orgId: string, integrationId: string) => ({
  organizationId: orgId,
  table: 'integrations',
  column: 'secret_encrypted',
  rowId: integrationId,
});

/** Where an integration's webhook secret lives (integrations.webhook_secret_encrypted). */
export const webhookSecretContext = (orgId: string, integrationId: string) => ({
  organizationId: orgId,
  table: 'integrations',
  column: 'webhook_secret_encrypted',
  rowId: integrationId,
});

/**
 * Stores a webhook secret Linkyard generated itself (webhooks-in registering the URL through the provider's API):
 * sealed like one an admin sets, write-only like it.
 */
export async function storeWebhookSecret(tx: Tx, vault: Vault, orgId: string, id: string, secret: string): Promise<void> {
  const sealed = await vault.encrypt(tx, webhookSecretContext(orgId, id), secret);
  await repo.updateIntegration(tx, orgId, id, { webhook_secret_encrypted: sealed });
}

/** The integration a webhook delivery names, in any organization (the endpoint is public): undefined when none. */
export const findIntegrationForWebhook = repo.findIntegrationForWebhook;

/** Where a connection token's ciphertext lives; connect, refresh and the legacy import all seal with it. */
export const tokenContext = (orgId: string, integrationId: string, column: 'access_token_encrypted' | 'refresh_token_encrypted') => ({
  organizationId: orgId,
  table: 'connections',
  column,
  rowId: integrationId,
});

/** The integration with whether it is connected, or undefined when it is not this organization's. */
export const findIntegration = repo.findIntegration;

/** Integrations by id, with whether each is connected (the sync engine's batch of claimed runs), as a query. */
export const findIntegrationsByIdQuery = repo.findIntegrationsByIdQuery;

/** Marks integrations whose runs were just claimed SYNCING (a paused one stays PAUSED), as a query. */
export const markSyncingQuery = repo.markSyncingQuery;

/** The integration (NotFound when it is not this organization's). */
export async function requireIntegration(tx: Tx, orgId: string, id: string) {
  const row = await repo.findIntegration(tx, orgId, id);
  if (!row) throw new NotFound('Integration');
  return row;
}

/** Locks the integration's row for a change of its state (connect, disconnect, a run's end, a credential test). */
export const lockIntegration = repo.lockIntegration;

/** lockIntegration as a query, sent with the rest of a run's end (sync-engine/run-store.ts). */
export const lockIntegrationQuery = repo.lockIntegrationQuery;

/** What others may change on an integration: its health, never its definition or credentials. */
export type IntegrationStatePatch = Pick<
  Updateable<IntegrationsTable>,
  'status' | 'error_count' | 'last_error' | 'last_error_kind' | 'last_sync_at' | 'verified_at'
>;

export function updateIntegrationState(tx: Tx, orgId: string, id: string, patch: IntegrationStatePatch): Promise<void> {
  return repo.updateIntegration(tx, orgId, id, patch);
}

/** updateIntegrationState as a query, sent with the rest of a run's end (sync-engine/run-store.ts). */
export function updateIntegrationStateQuery(q: Tx, orgId: string, id: string, patch: IntegrationStatePatch): CompiledQuery {
  return repo.updateIntegrationQuery(q, orgId, id, patch);
}

/** Forgets the integration's OAuth tokens (disconnect). */
export const deleteConnection = repo.deleteConnection;
