/**
 * Connecting OAuth 2 integrations (authorization code flow with PKCE, RFC 9700), their connection status,
 * disconnecting (with RFC 7009 revocation) and the credential test of every auth type.
 *
 * The state of a flow lives in `oauth_states`: only the SHA-256 of `state` is stored, with the encrypted PKCE
 * verifier, the exact redirect URI, a 10-minute expiry, `used_at` (single use), and the SHA-256 of a random
 * value that only the starting browser holds in an httpOnly cookie (the browser binding).
 *
 * This file assembles the service from its parts: oauth-connect.ts (starting the flow), oauth-callback.ts
 * (the provider's redirect), oauth-connection.ts (status, disconnecting) and oauth-credential-test.ts, which
 * share oauth-service-setup.ts, oauth-state.ts and oauth-connect-failures.ts.
 */
import { createCallbackHandler } from './oauth-callback.js';
import { createConnectStart } from './oauth-connect.js';
import { createConnectionActions } from './oauth-connection.js';
import { createCredentialTest } from './oauth-credential-test.js';
import { resolveSetup, type OAuthServiceDeps } from './oauth-service-setup.js';

export type { CallbackOutcome } from './oauth-callback.js';
export type { ConnectStarted } from './oauth-connect.js';
export {
  connectionStatusOf,
  type ConnectionStatus,
  type ConnectionView,
  type DisconnectResult,
  type RevocationOutcome,
} from './oauth-connection.js';
export type { OAuthServiceDeps } from './oauth-service-setup.js';
export { checkReturnTo, integrationPage, STATE_TTL_SECONDS } from './oauth-state.js';

export function createOAuthService(deps: OAuthServiceDeps) {
  const setup = resolveSetup(deps);
  const { connection, disconnect } = createConnectionActions(setup);
  return {
    connect: createConnectStart(setup),
    callback: createCallbackHandler(setup),
    connection,
    disconnect,
    test: createCredentialTest(setup),
  };
}

export type OAuthService = ReturnType<typeof createOAuthService>;
