import * as oauth from 'oauth4webapi';
import { sql } from 'kysely';
import type { Db } from '../../../../db/client.js';
import type { ConnectionRow, ErrorKind, IntegrationRow } from '../../../../db/schema.js';
import type { Config } from '../../config.js';
import { systemContext, type RequestContext } from '../../lib/context.js';
import type { Vault } from '../../lib/crypto/index.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { AppError } from '../../lib/errors.js';
import { tokenRefreshes, tokenRefreshFailures } from '../../lib/metrics.js';
import type { SafeHttpClient } from '../../lib/safe-http/index.js';
import type { OAuthProviderDefinition } from '../../providers/provider-definition.js';
import { recordAudit } from '../audit/audit.service.js';
import * as integrations from '../integrations/integrations.port.js';
import * as webhooks from '../webhooks/webhooks.port.js';
import { describeOAuthError, expiryOf, grantedScopes, oauthParties, RECOGNIZED_TOKEN_TYPES, requestOptions } from './oauth-client.js';
import * as repo from './oauth.repo.js';
import { oauthEndpoints, type ProviderLookup } from './provider-endpoints.js';

/**
 * Hands out valid access tokens for OAuth 2 integrations (the sync engine and the credential test use it).
 *
 * Refresh protocol (docs/architecture.md, Security model: "refresh happens under a row lock so concurrent callers cause
 * exactly one upstream refresh"):
 *   1. Read the connection without a lock; a token valid for more than REFRESH_MARGIN is returned at once.
 *   2. Otherwise lock the connection row (SELECT … FOR UPDATE) in a short transaction and look again: if
 *      another caller refreshed (or failed to) after this call began, use its result; else call the token
 *      endpoint, store the new tokens and commit.
 * Step 2 is the one deliberate exception to "no network call inside a transaction": the lock has to be held
 * across the refresh, or concurrent callers would each spend the (often single-use, rotating) refresh token.
 * The transaction does nothing else, holds one row, and the token request is capped at REFRESH_TIMEOUT_MS.
 */

export const REFRESH_MARGIN_SECONDS = 60;
const REFRESH_TIMEOUT_MS = 15_000;

export type TokenErrorCode = 'not_oauth' | 'not_connected' | 'reconnect_required' | 'refresh_failed';

/**
 * Why no token could be handed out. A 409 if it ever reaches a route: the integration is not in a state that
 * allows the call. `retryable` tells the sync engine whether waiting may help (provider down) or a person
 * has to reconnect (refresh token revoked).
 */
export class IntegrationTokenError extends AppError {
  constructor(
    readonly code: TokenErrorCode,
    message: string,
    readonly retryable = false,
    /** Which remedy can help: a missing or refused connection needs a reconnect (auth) unless the refresh says otherwise. */
    readonly kind: ErrorKind = 'auth',
  ) {
    super(409, 'Conflict', message);
  }
}

export interface IntegrationCredentials {
  accessToken: string;
  tokenType: string | null;
  expiresAt: Date | null;
  scopes: string[];
  /** Values learnt at connect time (Salesforce `instanceUrl`, QuickBooks `realmId`) for URL templates. */
  connectionValues: Record<string, string>;
}

export interface TokenRequestOptions {
  /** After the provider answered 401 to the current token: refresh even if it looks valid. */
  forceRefresh?: boolean;
  /** Who is asking, for the audit event of a failed refresh (default: the system). */
  ctx?: RequestContext;
}

export interface TokenManagerDeps {
  db: Db;
  config: Config;
  vault: Vault;
  http: SafeHttpClient;
  providers: ProviderLookup;
}

export function connectionValuesOf(row: Pick<ConnectionRow, 'connection_values'>): Record<string, string> {
  const raw = row.connection_values as Record<string, unknown> | null;
  return Object.fromEntries(Object.entries(raw ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** `refreshed`: this call refreshed (or tried to), rather than sharing another caller's result or a valid token. */
type Outcome = ({ kind: 'ok'; credentials: IntegrationCredentials } | { kind: 'failed'; error: IntegrationTokenError }) & {
  refreshed?: true;
};

const refreshed = (outcome: Outcome): Outcome => ({ ...outcome, refreshed: true });

/** The refresh counters of GET /metrics (lib/metrics.ts): the reason is the error's code, one of four. */
function countRefresh(outcome: Outcome): void {
  if (outcome.kind === 'ok') {
    tokenRefreshes.inc({ outcome: 'succeeded' });
    return;
  }
  tokenRefreshes.inc({ outcome: 'failed' });
  tokenRefreshFailures.inc({ reason: outcome.error.code });
}

const validFor = (row: ConnectionRow, now: Date) =>
  row.expires_at === null || row.expires_at.getTime() - now.getTime() > REFRESH_MARGIN_SECONDS * 1000;

function oauthDefinitionOf(providers: ProviderLookup, integration: IntegrationRow): OAuthProviderDefinition {
  const definition = providers(integration.provider);
  if (!definition || definition.authType !== 'oauth2') {
    throw new IntegrationTokenError('not_oauth', `${definition?.name ?? integration.provider} integrations do not use OAuth tokens`);
  }
  return definition;
}

async function credentialsOf(vault: Vault, tx: Tx, orgId: string, row: ConnectionRow): Promise<IntegrationCredentials> {
  return {
    accessToken: await vault.decrypt(
      tx,
      integrations.tokenContext(orgId, row.integration_id, 'access_token_encrypted'),
      row.access_token_encrypted,
    ),
    tokenType: row.token_type,
    expiresAt: row.expires_at,
    scopes: row.scopes,
    connectionValues: connectionValuesOf(row),
  };
}

/** ERROR with the reason (PAUSED stays PAUSED), counters up, audited; all inside the locked transaction. */
async function failRefresh(
  tx: Tx,
  ctx: RequestContext,
  integration: IntegrationRow,
  error: IntegrationTokenError,
  at: Date,
  providerError: string | null,
): Promise<Outcome> {
  await repo.recordRefreshFailure(tx, integration.organization_id, integration.id, error.message, at);
  await repo.recordIntegrationError(
    tx,
    integration.organization_id,
    integration.id,
    { message: error.message, kind: error.kind },
    integration.status === 'PAUSED' ? null : 'ERROR',
  );
  if (integration.status !== 'PAUSED' && integration.status !== 'ERROR') {
    await webhooks.recordEvent(tx, integration.organization_id, 'integration.error', {
      integrationId: integration.id,
      provider: integration.provider,
      reason: error.message,
    });
  }
  await recordAudit(tx, ctx, {
    organizationId: integration.organization_id,
    action: 'integration.token_refresh_failed',
    target: { type: 'integration', id: integration.id },
    metadata: { reason: error.code, providerError, retryable: error.retryable, message: error.message },
  });
  return { kind: 'failed', error };
}

/** Why this connection cannot be refreshed at all (no refresh token, no client credentials), or null. */
function cannotRefresh(integration: IntegrationRow, row: ConnectionRow): IntegrationTokenError | null {
  if (!row.refresh_token_encrypted) {
    return new IntegrationTokenError(
      'reconnect_required',
      `The access token of ${integration.name} has expired or was rejected, and the provider issued no refresh token; reconnect the integration`,
    );
  }
  if (!integration.client_id || !integration.secret_encrypted) {
    return new IntegrationTokenError(
      'reconnect_required',
      `${integration.name} has no client credentials to refresh its token with; set them and reconnect`,
    );
  }
  return null;
}

type GrantOutcome =
  { ok: true; result: oauth.TokenEndpointResponse } | { ok: false; error: IntegrationTokenError; providerError: string | null };

/** The refresh-token grant at the provider's token endpoint (the one network call under the lock). */
async function refreshGrant(
  { config, vault, http }: Pick<TokenManagerDeps, 'config' | 'vault' | 'http'>,
  tx: Tx,
  definition: OAuthProviderDefinition,
  integration: IntegrationRow,
  row: ConnectionRow,
): Promise<GrantOutcome> {
  const orgId = integration.organization_id;
  const integrationId = integration.id;
  // The credentials sent: an error "code" echoing one of them stays out of the message, audit and lastError.
  const sent: string[] = [];
  try {
    const clientSecret = await vault.decrypt(tx, integrations.secretContext(orgId, integrationId), integration.secret_encrypted!);
    const refreshToken = await vault.decrypt(
      tx,
      integrations.tokenContext(orgId, integrationId, 'refresh_token_encrypted'),
      row.refresh_token_encrypted!,
    );
    sent.push(clientSecret, refreshToken);
    const endpoints = oauthEndpoints(
      definition,
      integration.settings as Record<string, unknown>,
      connectionValuesOf(row),
      config.allowPrivateNetworkTargets,
    );
    const { as, client, clientAuth } = oauthParties(definition, endpoints, integration.client_id!, clientSecret);
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuth,
      refreshToken,
      requestOptions(http, config, REFRESH_TIMEOUT_MS),
    );
    return {
      ok: true,
      result: await oauth.processRefreshTokenResponse(as, client, response, { recognizedTokenTypes: RECOGNIZED_TOKEN_TYPES }),
    };
  } catch (err) {
    const described = describeOAuthError(err, 'token', sent);
    const reconnect = described.providerError === 'invalid_grant' ? '; reconnect the integration' : '';
    const error = new IntegrationTokenError(
      'refresh_failed',
      `Refreshing the access token of ${integration.name} failed: ${described.message}${reconnect}`,
      described.retryable,
      described.kind,
    );
    return { ok: false, error, providerError: described.providerError };
  }
}

/**
 * Stores the refreshed tokens (a rotated refresh token replaces the old one); an integration in ERROR because
 * its refresh had failed is ACTIVE again (audited). Returns the credentials now stored.
 */
async function storeRefreshed(
  vault: Vault,
  tx: Tx,
  ctx: RequestContext,
  integration: IntegrationRow,
  row: ConnectionRow,
  result: oauth.TokenEndpointResponse,
): Promise<IntegrationCredentials> {
  const orgId = integration.organization_id;
  const integrationId = integration.id;
  const refreshedAt = new Date();
  const accessToken = result.access_token;
  await repo.updateConnection(tx, orgId, integrationId, {
    access_token_encrypted: await vault.encrypt(tx, integrations.tokenContext(orgId, integrationId, 'access_token_encrypted'), accessToken),
    // Providers that rotate refresh tokens send a new one; the old one may already be dead.
    ...(typeof result.refresh_token === 'string' && result.refresh_token !== ''
      ? {
          refresh_token_encrypted: await vault.encrypt(
            tx,
            integrations.tokenContext(orgId, integrationId, 'refresh_token_encrypted'),
            result.refresh_token,
          ),
        }
      : {}),
    token_type: result.token_type ?? row.token_type,
    expires_at: expiryOf(result, refreshedAt),
    scopes: grantedScopes(result, row.scopes),
    last_refreshed_at: refreshedAt,
    refresh_count: sql<number>`refresh_count + 1`,
    refresh_failures: 0,
    last_refresh_error: null,
  });
  // An integration that is in ERROR because its token could not be refreshed is healthy again. An ERROR
  // from something else (a failing sync) is left for that to clear.
  if (integration.status === 'ERROR' && row.last_refresh_error !== null && integration.last_error === row.last_refresh_error) {
    await integrations.updateIntegrationState(tx, orgId, integrationId, {
      status: 'ACTIVE',
      last_error: null,
      last_error_kind: null,
      error_count: 0,
    });
    await recordAudit(tx, ctx, {
      organizationId: orgId,
      action: 'integration.token_refresh_recovered',
      target: { type: 'integration', id: integrationId },
      metadata: { to: 'ACTIVE' },
    });
  }
  const stored = await repo.findConnection(tx, orgId, integrationId);
  return { ...(await credentialsOf(vault, tx, orgId, stored!)), accessToken };
}

export function createTokenManager({ db, config, vault, http, providers }: TokenManagerDeps) {
  const oauthDefinition = (integration: IntegrationRow) => oauthDefinitionOf(providers, integration);

  async function refreshUnderLock(
    orgId: string,
    integrationId: string,
    forced: boolean,
    startedAt: Date,
    ctx: RequestContext,
  ): Promise<IntegrationCredentials> {
    const outcome = await inScope(db, { org: orgId }, async (tx): Promise<Outcome> => {
      // Lock first, then read the integration: its status and credentials are then current for this refresh.
      const row = await repo.lockConnection(tx, orgId, integrationId);
      const integration = await integrations.requireIntegration(tx, orgId, integrationId);
      const definition = oauthDefinition(integration);
      if (!row) throw new IntegrationTokenError('not_connected', `${integration.name} is not connected; connect it first`);

      // Another caller finished while this one waited for the lock: share its result.
      const now = new Date();
      if (row.last_refreshed_at && row.last_refreshed_at >= startedAt)
        return { kind: 'ok', credentials: await credentialsOf(vault, tx, orgId, row) };
      if (row.last_refresh_error !== null && row.updated_at >= startedAt) {
        // The other caller recorded its failure's kind on the integration in the same transaction.
        const kind = integration.last_error_kind ?? 'auth';
        return { kind: 'failed', error: new IntegrationTokenError('refresh_failed', row.last_refresh_error, kind !== 'auth', kind) };
      }
      if (!forced && validFor(row, now)) return { kind: 'ok', credentials: await credentialsOf(vault, tx, orgId, row) };

      const impossible = cannotRefresh(integration, row);
      if (impossible) return refreshed(await failRefresh(tx, ctx, integration, impossible, now, null));
      const grant = await refreshGrant({ config, vault, http }, tx, definition, integration, row);
      if (!grant.ok) return refreshed(await failRefresh(tx, ctx, integration, grant.error, new Date(), grant.providerError));
      return refreshed({ kind: 'ok', credentials: await storeRefreshed(vault, tx, ctx, integration, row, grant.result) });
    });
    // Counted once committed, and only by the caller that refreshed (not those that shared its result).
    if (outcome.refreshed) countRefresh(outcome);
    if (outcome.kind === 'failed') throw outcome.error;
    return outcome.credentials;
  }

  async function getCredentials(orgId: string, integrationId: string, options: TokenRequestOptions = {}): Promise<IntegrationCredentials> {
    const startedAt = new Date();
    const ctx = options.ctx ?? systemContext('linkyard token manager');
    const current = await inScope(db, { org: orgId }, async (tx) => {
      const integration = await integrations.requireIntegration(tx, orgId, integrationId);
      oauthDefinition(integration);
      const row = await repo.findConnection(tx, orgId, integrationId);
      if (!row) throw new IntegrationTokenError('not_connected', `${integration.name} is not connected; connect it first`);
      return !options.forceRefresh && validFor(row, new Date()) ? credentialsOf(vault, tx, orgId, row) : null;
    });
    return current ?? refreshUnderLock(orgId, integrationId, options.forceRefresh === true, startedAt, ctx);
  }

  return {
    /**
     * A valid access token: refreshed first when it expires within REFRESH_MARGIN_SECONDS, or when
     * `forceRefresh` says the provider just rejected it. Throws IntegrationTokenError when there is none.
     */
    async getAccessToken(orgId: string, integrationId: string, options: TokenRequestOptions = {}): Promise<string> {
      return (await getCredentials(orgId, integrationId, options)).accessToken;
    },
    /** The same, with what else a provider call needs (connection values, expiry, granted scopes). */
    getCredentials,
  };
}

export type TokenManager = ReturnType<typeof createTokenManager>;
