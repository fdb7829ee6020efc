/**
 * An integration's OAuth connection as the admin UI sees it (status, scopes, expiry), and disconnecting it:
 * the tokens are revoked at the provider where it supports RFC 7009 (best effort), then forgotten.
 */
import * as oauth from 'oauth4webapi';
import type { Static } from '@sinclair/typebox';
import type { ConnectionRow, IntegrationStatus } from '../../../../db/schema.js';
import type { AuthedContext } from '../../lib/context.js';
import { inScope } from '../../lib/db-scope.js';
import { NotFound } from '../../lib/errors.js';
import { recordAudit } from '../audit/audit.service.js';
import * as integrations from '../integrations/integrations.port.js';
import * as webhooks from '../webhooks/webhooks.port.js';
import { describeOAuthError, oauthParties, requestOptions } from './oauth-client.js';
import * as repo from './oauth.repo.js';
import { loadIntegration, oauthDefinitionOf, TEST_TIMEOUT_MS, type OAuthServiceSetup } from './oauth-service-setup.js';
import { oauthEndpoints, ProviderUrlError, type OAuthEndpoints } from './provider-endpoints.js';
import { connectionValuesOf } from './token-manager.js';
import type * as S from './oauth.schemas.js';

/** The API's shapes (oauth.schemas.ts is the one definition). */
export type ConnectionStatus = Static<typeof S.ConnectionStatus>;
export type ConnectionView = Static<typeof S.Connection>;

export type RevocationOutcome = 'revoked' | 'not_supported' | 'not_connected' | 'failed';

export interface DisconnectResult {
  revocation: RevocationOutcome;
  /** Why revocation failed (no secrets): the route logs it; disconnecting went ahead anyway. */
  revocationError: string | null;
}

export function connectionStatusOf(row: ConnectionRow | undefined, now = new Date()): ConnectionStatus {
  if (!row) return 'not_connected';
  if (row.last_refresh_error !== null) return 'error';
  if (row.expires_at !== null && row.expires_at <= now && row.refresh_token_encrypted === null) return 'expired';
  return 'connected';
}

export function createConnectionActions({ db, config, vault, http, providers, allowHttp }: OAuthServiceSetup) {
  return {
    async connection(ctx: AuthedContext, orgId: string, id: string): Promise<ConnectionView> {
      const row = await inScope(db, { org: orgId }, async (tx) => {
        await loadIntegration(tx, orgId, id);
        return repo.findConnection(tx, orgId, id);
      });
      return {
        status: connectionStatusOf(row),
        scopes: row?.scopes ?? [],
        expiresAt: row?.expires_at?.toISOString() ?? null,
        externalAccount: row?.external_account ?? null,
        lastRefreshedAt: row?.last_refreshed_at?.toISOString() ?? null,
        refreshFailures: row?.refresh_failures ?? 0,
      };
    },

    /**
     * Revokes at the provider (best effort, outside any transaction), then forgets the tokens. A revocation
     * failure is reported to the caller for logging and recorded in the audit event; it never blocks.
     */
    async disconnect(ctx: AuthedContext, orgId: string, id: string): Promise<DisconnectResult> {
      const material = await inScope(db, { org: orgId }, async (tx) => {
        const integration = await loadIntegration(tx, orgId, id);
        const definition = oauthDefinitionOf(providers, integration);
        const conn = await repo.findConnection(tx, orgId, id);
        if (!conn) return { revocation: 'not_connected' as const };
        let endpoints: OAuthEndpoints | null = null;
        try {
          endpoints = oauthEndpoints(definition, integration.settings as Record<string, unknown>, connectionValuesOf(conn), allowHttp);
        } catch (err) {
          if (!(err instanceof ProviderUrlError)) throw err;
        }
        if (!endpoints?.revocationUrl || !integration.client_id || !integration.secret_encrypted)
          return { revocation: 'not_supported' as const };
        return {
          revocation: 'pending' as const,
          definition,
          endpoints,
          clientId: integration.client_id,
          clientSecret: await vault.decrypt(tx, integrations.secretContext(orgId, id), integration.secret_encrypted),
          accessToken: await vault.decrypt(tx, integrations.tokenContext(orgId, id, 'access_token_encrypted'), conn.access_token_encrypted),
          refreshToken: conn.refresh_token_encrypted
            ? await vault.decrypt(tx, integrations.tokenContext(orgId, id, 'refresh_token_encrypted'), conn.refresh_token_encrypted)
            : null,
        };
      });

      let revocation: RevocationOutcome = material.revocation === 'pending' ? 'revoked' : material.revocation;
      let revocationError: string | null = null;
      if (material.revocation === 'pending') {
        const { as, client, clientAuth } = oauthParties(material.definition, material.endpoints, material.clientId, material.clientSecret);
        // The refresh token first: revoking it ends the grant at most providers (RFC 7009 §2.1).
        const tokensToRevoke: [string, 'refresh_token' | 'access_token'][] = [];
        if (material.refreshToken) tokensToRevoke.push([material.refreshToken, 'refresh_token']);
        tokensToRevoke.push([material.accessToken, 'access_token']);
        for (const [token, hint] of tokensToRevoke) {
          try {
            const response = await oauth.revocationRequest(as, client, clientAuth, token, {
              ...requestOptions(http, config, TEST_TIMEOUT_MS),
              additionalParameters: { token_type_hint: hint },
            });
            await oauth.processRevocationResponse(response);
          } catch (err) {
            revocation = 'failed';
            revocationError = describeOAuthError(err, 'revocation', [
              material.clientSecret,
              material.accessToken,
              material.refreshToken,
            ]).message;
            break;
          }
        }
      }

      await inScope(db, { org: orgId }, async (tx) => {
        const current = await integrations.lockIntegration(tx, orgId, id);
        if (!current) throw new NotFound('Integration');
        await integrations.deleteConnection(tx, orgId, id);
        // Paused stays paused (resume then finds it not connected and makes it INACTIVE). last_error and
        // error_count stay: they still explain why the integration needs connecting.
        const status: IntegrationStatus = current.status === 'PAUSED' ? 'PAUSED' : 'INACTIVE';
        await integrations.updateIntegrationState(tx, orgId, id, { status });
        await webhooks.recordEvent(tx, orgId, 'integration.disconnected', {
          integrationId: id,
          provider: current.provider,
          reason: 'Disconnected by a user',
        });
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'integration.disconnected',
          target: { type: 'integration', id },
          metadata: { provider: current.provider, revocation, revocationError, from: current.status, to: status },
        });
      });
      return { revocation, revocationError };
    },
  };
}
