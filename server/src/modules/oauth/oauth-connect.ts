/**
 * Starting the authorization code flow (with PKCE where the provider supports it): a single-use state with
 * its browser binding and encrypted verifier is stored, and the provider's authorization URL is built.
 */
import { randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import type { Static } from '@sinclair/typebox';
import type { IntegrationRow } from '../../../../db/schema.js';
import type { PersonContext } from '../../lib/context.js';
import { inScope } from '../../lib/db-scope.js';
import { BadRequest } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import type { OAuthProviderDefinition } from '../../providers/provider-definition.js';
import { recordAudit } from '../audit/audit.service.js';
import * as repo from './oauth.repo.js';
import { loadIntegration, oauthDefinitionOf, type OAuthServiceSetup } from './oauth-service-setup.js';
import { checkReturnTo, sha256, STATE_TTL_SECONDS, verifierContext } from './oauth-state.js';
import { oauthEndpoints, ProviderUrlError, type OAuthEndpoints } from './provider-endpoints.js';
import type * as S from './oauth.schemas.js';

/** The API's answer (oauth.schemas.ts `ConnectResponse`) and what the route keeps out of it. */
export type ConnectStarted = Static<typeof S.ConnectResponse> & {
  /** Goes into the httpOnly binding cookie of the browser that asked; only its hash is stored. */
  browserBinding: string;
  expiresInSeconds: number;
};

export function createConnectStart({ db, vault, providers, allowHttp, redirectUri }: OAuthServiceSetup) {
  function endpointsOrBadRequest(definition: OAuthProviderDefinition, row: IntegrationRow): OAuthEndpoints {
    try {
      return oauthEndpoints(definition, row.settings as Record<string, unknown>, {}, allowHttp);
    } catch (err) {
      if (err instanceof ProviderUrlError) throw new BadRequest(err.message);
      throw err;
    }
  }

  /** Starts the flow: the URL to send the browser to, and the binding value for its cookie. */
  return async function connect(ctx: PersonContext, orgId: string, id: string, input: { returnTo?: string }): Promise<ConnectStarted> {
    const returnTo = input.returnTo === undefined ? null : checkReturnTo(input.returnTo);
    return inScope(db, { org: orgId }, async (tx) => {
      const row = await loadIntegration(tx, orgId, id);
      const definition = oauthDefinitionOf(providers, row);
      if (!row.client_id || !row.secret_encrypted) {
        throw new BadRequest(`Set the client ID and client secret of "${row.name}" (from your ${definition.name} app) before connecting`);
      }
      const endpoints = endpointsOrBadRequest(definition, row);

      const now = new Date();
      const state = oauth.generateRandomState();
      const browserBinding = randomBytes(32).toString('base64url');
      const verifier = oauth.generateRandomCodeVerifier();
      const stateId = uuidv7(now.getTime());
      await repo.deleteStaleStates(tx, orgId, id, new Date(now.getTime() - 24 * 3600_000));
      await repo.insertState(tx, {
        id: stateId,
        organization_id: orgId,
        integration_id: id,
        user_id: ctx.actor.userId,
        state_hash: sha256(state),
        browser_binding_hash: sha256(browserBinding),
        // Kept even for providers without PKCE: the column is required and the value costs nothing.
        code_verifier_encrypted: await vault.encrypt(tx, verifierContext(orgId, stateId), verifier),
        redirect_uri: redirectUri,
        return_to: returnTo,
        expires_at: new Date(now.getTime() + STATE_TTL_SECONDS * 1000),
      });

      const url = new URL(endpoints.authorizationUrl);
      // The definition's extras first, so they can never replace a protocol parameter set below.
      for (const [key, value] of Object.entries(definition.oauth.extraAuthorizationParams ?? {})) url.searchParams.set(key, value);
      url.searchParams.set('response_type', 'code');
      url.searchParams.set('client_id', row.client_id);
      url.searchParams.set('redirect_uri', redirectUri);
      if (row.scopes.length) url.searchParams.set('scope', row.scopes.join(definition.oauth.scopeSeparator));
      else url.searchParams.delete('scope');
      url.searchParams.set('state', state);
      if (definition.oauth.pkce) {
        url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
        url.searchParams.set('code_challenge_method', 'S256');
      }
      await recordAudit(tx, ctx, {
        organizationId: orgId,
        action: 'integration.connect_started',
        target: { type: 'integration', id },
        metadata: { provider: row.provider, scopes: row.scopes, pkce: definition.oauth.pkce, returnTo },
      });
      return { authorizationUrl: url.href, state, browserBinding, expiresInSeconds: STATE_TTL_SECONDS };
    });
  };
}
