import * as oauth from 'oauth4webapi';
import type { Config } from '../../config.js';
import { SafeHttpError, type SafeHttpClient } from '../../lib/safe-http/index.js';
import type { ErrorKind } from '../../lib/error-kind.js';
import type { OAuthProviderDefinition } from '../../providers/provider-definition.js';
import { ProviderUrlError, type OAuthEndpoints } from './provider-endpoints.js';

/**
 * The OAuth 2 protocol work, done by oauth4webapi (docs/architecture.md, Security model): token requests, response
 * validation, revocation. Every request goes through the SSRF-safe client (`customFetch`), and this file is
 * the only one that talks oauth4webapi, so the options below are set in one place.
 */

export interface OAuthParties {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
}

/**
 * Provider definitions carry no issuer identifier. The authorization endpoint's origin stands in for it: it is
 * what an RFC 9207 `iss` parameter must match (checked by the caller), and what an ID token's `iss` is
 * compared with when a provider returns one (only when the integration asks for `openid`).
 */
export function issuerFor(endpoints: OAuthEndpoints): string {
  return new URL(endpoints.authorizationUrl).origin;
}

export function oauthParties(
  definition: OAuthProviderDefinition,
  endpoints: OAuthEndpoints,
  clientId: string,
  clientSecret: string,
  issuer: string = issuerFor(endpoints),
): OAuthParties {
  return {
    as: {
      issuer,
      authorization_endpoint: endpoints.authorizationUrl,
      token_endpoint: endpoints.tokenUrl,
      ...(endpoints.revocationUrl ? { revocation_endpoint: endpoints.revocationUrl } : {}),
    },
    client: { client_id: clientId },
    clientAuth:
      definition.oauth.tokenAuthMethod === 'client_secret_post'
        ? oauth.ClientSecretPost(clientSecret)
        : oauth.ClientSecretBasic(clientSecret),
  };
}

/** Transport options for every oauth4webapi call. */
export function requestOptions(http: SafeHttpClient, config: Config, timeoutMs: number) {
  return {
    [oauth.customFetch]: (url: string, init: oauth.CustomFetchOptions<string, unknown>) =>
      http.fetch(url, {
        method: init.method,
        headers: init.headers,
        body: init.body as URLSearchParams | string | undefined,
        redirect: 'manual',
        signal: init.signal ?? null,
      }),
    // oauth4webapi refuses plain http endpoints. Only development and tests (ALLOW_PRIVATE_NETWORK_TARGETS,
    // which config.ts forbids in production) point providers at http://localhost fixtures.
    [oauth.allowInsecureRequests]: config.allowPrivateNetworkTargets,
    signal: () => AbortSignal.timeout(timeoutMs),
  };
}

/**
 * RFC 6749 says `Bearer`; Slack's OAuth v2 answers `bot` (and `user` for user tokens). Both are bearer tokens
 * sent in the Authorization header, so they are accepted as such.
 */
export const RECOGNIZED_TOKEN_TYPES: oauth.RecognizedTokenTypes = { bot: () => {}, user: () => {} };

export function grantedScopes(response: oauth.TokenEndpointResponse, requested: string[]): string[] {
  // RFC 6749 §5.1: an omitted scope means the requested scopes were granted. Some providers use commas.
  if (typeof response.scope !== 'string') return requested;
  return [...new Set(response.scope.split(/[\s,]+/).filter(Boolean))];
}

export function expiryOf(response: oauth.TokenEndpointResponse, now: Date): Date | null {
  return typeof response.expires_in === 'number' && Number.isFinite(response.expires_in)
    ? new Date(now.getTime() + response.expires_in * 1000)
    : null;
}

/** An OAuth error code as a provider sends it (`invalid_client`): shown only when it looks like one. */
export function safeErrorCode(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(value) ? value : null;
}

export interface DescribedOAuthError {
  /** Stable reason code for audit events and logs. */
  reason: 'token_endpoint_error' | 'provider_unreachable' | 'invalid_token_response' | 'provider_url' | 'oauth_error';
  /** A sentence an admin can act on; never contains a secret or a token. */
  message: string;
  /** The provider's OAuth error code (`invalid_grant`), when it sent one. */
  providerError: string | null;
  /** Worth retrying later without anyone changing anything. */
  retryable: boolean;
  /** Which remedy can help (error-kind.ts): a refused grant or client needs a reconnect; the rest are retried. */
  kind: ErrorKind;
}

const PROVIDER_ERROR_HINTS: Record<string, string> = {
  invalid_client: 'the client ID or client secret is wrong',
  unauthorized_client: 'this client is not allowed to use this grant',
  invalid_grant: 'the code or refresh token is invalid, expired or revoked',
  invalid_scope: 'a requested scope is not allowed',
  invalid_request: 'the request was malformed',
  unsupported_grant_type: 'the grant type is not supported',
};

/**
 * Turns what oauth4webapi or the HTTP client threw into a reason code and a message. Messages are built
 * from error codes and our own words, never from response bodies (which may echo credentials).
 * The error code itself comes from the response body: `sent` lists the credentials the request carried
 * (client secret, refresh token, code, verifier), and a "code" that echoes one of them is dropped.
 */
export function describeOAuthError(
  err: unknown,
  endpoint: 'token' | 'revocation' = 'token',
  sent: readonly (string | null | undefined)[] = [],
): DescribedOAuthError {
  const where = endpoint === 'token' ? 'token endpoint' : 'revocation endpoint';
  const echoesSent = (code: string | null) =>
    code !== null &&
    sent.some((s) => typeof s === 'string' && s.length >= 4 && (code.includes(s) || (code.length >= 8 && s.includes(code))));
  if (err instanceof oauth.ResponseBodyError || err instanceof oauth.WWWAuthenticateChallengeError) {
    const reported =
      err instanceof oauth.ResponseBodyError
        ? safeErrorCode(err.error)
        : (safeErrorCode(err.cause.find((c) => c.parameters.error)?.parameters.error) ?? (err.status === 401 ? 'invalid_client' : null));
    const code = echoesSent(reported) ? null : reported;
    const hint = code ? PROVIDER_ERROR_HINTS[code] : undefined;
    return {
      reason: 'token_endpoint_error',
      message: `The provider's ${where} refused the request (HTTP ${err.status}${code ? `, ${code}` : ''})${hint ? `: ${hint}` : ''}`,
      providerError: code,
      retryable: err.status >= 500 || err.status === 429,
      kind: err.status === 429 ? 'rate_limit' : err.status >= 500 ? 'provider' : 'auth',
    };
  }
  if (err instanceof SafeHttpError) {
    // Safe-HTTP messages name the host and the reason only (see safe-http/errors.ts).
    return {
      reason: 'provider_unreachable',
      message: `Could not reach the provider's ${where}: ${err.message}`,
      providerError: null,
      retryable: err.code !== 'BLOCKED_DESTINATION' && err.code !== 'INVALID_URL',
      kind: 'network',
    };
  }
  if (err instanceof ProviderUrlError) {
    return { reason: 'provider_url', message: err.message, providerError: null, retryable: false, kind: 'provider' };
  }
  if (err instanceof oauth.OperationProcessingError || err instanceof oauth.UnsupportedOperationError) {
    // oauth4webapi's messages describe which check failed ("response" body "access_token" property must be…).
    return {
      reason: 'invalid_token_response',
      message: `The provider's ${where} answered with a response that failed validation: ${err.message}`,
      providerError: null,
      retryable: false,
      kind: 'provider',
    };
  }
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return {
      reason: 'provider_unreachable',
      message: `The provider's ${where} did not answer in time`,
      providerError: null,
      retryable: true,
      kind: 'network',
    };
  }
  return {
    reason: 'oauth_error',
    message: `The request to the provider's ${where} failed`,
    providerError: null,
    retryable: false,
    kind: 'provider',
  };
}
