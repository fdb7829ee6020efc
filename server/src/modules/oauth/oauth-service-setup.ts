/**
 * What the parts of the OAuth service share: its dependencies (with values derived from the configuration
 * once) and the lookups of an integration and of its provider definition.
 */
import type { Db } from '../../../../db/client.js';
import type { IntegrationRow } from '../../../../db/schema.js';
import type { Config } from '../../config.js';
import type { Vault } from '../../lib/crypto/index.js';
import { BadRequest } from '../../lib/errors.js';
import type { SafeHttpClient } from '../../lib/safe-http/index.js';
import type { OAuthProviderDefinition, ProviderDefinition } from '../../providers/provider-definition.js';
import * as integrations from '../integrations/integrations.port.js';
import type { ProviderLookup } from './provider-endpoints.js';
import type { TokenManager } from './token-manager.js';

/** Provider calls other than the token exchange: connection-value discovery, revocation, the credential test. */
export const TEST_TIMEOUT_MS = 15_000;

export interface OAuthServiceDeps {
  db: Db;
  config: Config;
  vault: Vault;
  http: SafeHttpClient;
  tokens: TokenManager;
  /** The provider catalog (tests substitute definitions, e.g. one with a revocation endpoint). */
  providers: ProviderLookup;
}

export interface OAuthServiceSetup extends OAuthServiceDeps {
  /** ALLOW_PRIVATE_NETWORK_TARGETS: provider URLs may be plain http. */
  allowHttp: boolean;
  /** The callback URL every provider redirects to (registered in the organization's OAuth app). */
  redirectUri: string;
}

export function resolveSetup(deps: OAuthServiceDeps): OAuthServiceSetup {
  return {
    ...deps,
    allowHttp: deps.config.allowPrivateNetworkTargets,
    redirectUri: `${deps.config.publicUrl}/api/oauth/callback`,
  };
}

export function definitionOf(providers: ProviderLookup, row: IntegrationRow): ProviderDefinition {
  const definition = providers(row.provider);
  if (!definition) throw new BadRequest(`Integration "${row.name}" uses the unknown provider "${row.provider}"`);
  return definition;
}

export function oauthDefinitionOf(providers: ProviderLookup, row: IntegrationRow): OAuthProviderDefinition {
  const definition = definitionOf(providers, row);
  if (definition.authType !== 'oauth2') {
    const how = definition.authType === 'api_key' ? 'an API key' : 'a username and password';
    throw new BadRequest(
      `${definition.name} authenticates with ${how}, not OAuth 2: there is nothing to connect (use POST …/test to check the credentials)`,
    );
  }
  return definition;
}

export const loadIntegration = integrations.requireIntegration;
