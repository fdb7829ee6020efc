import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import type { Db } from '../../../../db/client.js';
import type { ConnectionRow, IntegrationRow, IntegrationStatus, MemberRole, OrgStatus, PlatformRole, UserStatus } from '../../../../db/schema.js';
import type { Config } from '../../config.js';
import { assertCan, defineAbilityFor, subject } from '../../lib/ability.js';
import type { RequestContext } from '../../lib/context.js';
import type { Vault } from '../../lib/crypto/index.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { BadRequest, NotFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { SafeHttpError, type SafeHttpClient, type SafeHttpResponse } from '../../lib/safe-http/index.js';
import { getProvider } from '../../providers/catalog.js';
import { readJsonPointer } from '../../providers/json-pointer.js';
import type { OAuthProviderDefinition, ProviderDefinition } from '../../providers/provider-definition.js';
import { recordAudit } from '../audit/audit.service.js';
import * as integrationsRepo from '../integrations/integrations.repo.js';
import { secretContext } from '../integrations/integrations.service.js';
import {
  describeOAuthError, expiryOf, grantedScopes, issuerFor, oauthParties, RECOGNIZED_TOKEN_TYPES, requestOptions, safeErrorCode,
} from './oauth-client.js';
import * as repo from './oauth.repo.js';
import {
  apiBaseUrl, apiUrl, basicHeaders, bearerHeaders, oauthEndpoints, ProviderUrlError, renderUrl, templateValues,
  type OAuthEndpoints, type ProviderLookup,
} from './provider-endpoints.js';
import { connectionValuesOf, IntegrationTokenError, tokenContext, type TokenManager } from './token-manager.js';

/**
 * Connecting OAuth 2 integrations (authorization code flow with PKCE, RFC 9700), their connection status,
 * disconnecting (with RFC 7009 revocation) and the credential test of every auth type.
 *
 * The state of a flow lives in `oauth_states`: only the SHA-256 of `state` is stored, with the encrypted PKCE
 * verifier, the exact redirect URI, a 10-minute expiry, `used_at` (single use), and the SHA-256 of a random
 * value that only the starting browser holds in an httpOnly cookie (the browser binding).
 */

export const STATE_TTL_SECONDS = 10 * 60;
const EXCHANGE_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 15_000;

export interface OAuthServiceDeps {
  db: Db;
  config: Config;
  vault: Vault;
  http: SafeHttpClient;
  tokens: TokenManager;
  providers?: ProviderLookup;
}

export interface ConnectStarted {
  authorizationUrl: string;
  state: string;
  /** Goes into the httpOnly binding cookie of the browser that asked; only its hash is stored. */
  browserBinding: string;
  expiresInSeconds: number;
}

export interface CallbackOutcome {
  ok: boolean;
  /** Relative URL in the admin UI to redirect to. */
  location: string;
  /** Whether this callback ended the flow the browser's binding cookie belongs to, so the cookie can go. */
  clearBinding: boolean;
  reason?: FailureReason;
  organizationId?: string;
  integrationId?: string;
}

export type ConnectionStatus = 'connected' | 'expired' | 'not_connected' | 'error';

export interface ConnectionView {
  status: ConnectionStatus;
  scopes: string[];
  expiresAt: string | null;
  externalAccount: string | null;
  lastRefreshedAt: string | null;
  refreshFailures: number;
}

export type RevocationOutcome = 'revoked' | 'not_supported' | 'not_connected' | 'failed';

export interface DisconnectResult {
  revocation: RevocationOutcome;
  /** Why revocation failed (no secrets): the route logs it; disconnecting went ahead anyway. */
  revocationError: string | null;
}

type FailureReason =
  | 'missing_state' | 'unknown_state' | 'state_expired' | 'state_replayed' | 'browser_mismatch'
  | 'access_denied' | 'provider_error' | 'missing_code' | 'not_allowed' | 'integration_changed' | 'issuer_mismatch'
  | 'connection_value' | 'token_endpoint_error' | 'provider_unreachable' | 'invalid_token_response' | 'provider_url' | 'oauth_error';

const FAILURE_MESSAGES: Partial<Record<FailureReason, string>> = {
  missing_state: 'The provider sent the browser back without a state, so the connection attempt cannot be identified. Start it again from the integration page.',
  unknown_state: 'This connection attempt is unknown. Start it again from the integration page.',
  state_expired: `This connection attempt expired (attempts last ${STATE_TTL_SECONDS / 60} minutes). Start it again.`,
  state_replayed: 'This connection attempt was already used. Start a new one if the integration is not connected.',
  browser_mismatch: 'This connection attempt was started in another browser, or its cookie is gone. Start it again from this browser.',
  access_denied: 'Access was denied at the provider, so nothing was connected.',
  missing_code: 'The provider returned no authorization code, so nothing was connected. Start the connection again.',
  not_allowed: 'The person who started this connection may no longer connect this integration.',
  integration_changed: 'This integration can no longer be connected as started (its client ID or secret is missing). Check it and start again.',
  issuer_mismatch: 'The authorization response came from an unexpected issuer, so nothing was connected.',
};

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

function sameHash(value: string | undefined, expectedHash: string): boolean {
  if (!value) return false;
  const a = Buffer.from(sha256(value), 'hex');
  const b = Buffer.from(expectedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const verifierContext = (orgId: string, stateId: string) => ({
  organizationId: orgId, table: 'oauth_states', column: 'code_verifier_encrypted', rowId: stateId,
});

export const integrationPage = (orgId: string, integrationId: string) => `/orgs/${orgId}/integrations/${integrationId}`;

/**
 * `returnTo` is a path in our own admin UI: one leading "/" (never "//" or "/\", which browsers read as
 * another host), no whitespace, control characters or backslashes.
 */
export function checkReturnTo(value: string): string {
  if (!/^\/(?![/\\])/.test(value) || /[\\\u0000-\u0020\u007f]/.test(value)) {
    throw new BadRequest('returnTo must be a relative path in the admin UI starting with a single "/" (e.g. "/orgs/…/integrations/…")');
  }
  return value;
}

/** Adds one query parameter to a relative URL, keeping its path, other parameters and fragment. */
function withParam(path: string, key: string, value: string): string {
  const url = new URL(path, 'http://linkyard.invalid');
  url.searchParams.set(key, value);
  return `${url.pathname}${url.search}${url.hash}`;
}

function originOf(value: string): string | null {
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

interface Starter {
  id: string;
  email: string;
  status: UserStatus;
  platform_role: PlatformRole | null;
  role: MemberRole | null;
  org_status: OrgStatus | null;
}

/** The callback is public; its audit events are attributed to the user who started the flow in this browser. */
function starterContext(ctx: RequestContext, orgId: string, starter: Starter): RequestContext {
  return {
    ...ctx,
    actor: {
      userId: starter.id, email: starter.email, platformRole: starter.platform_role, orgId, orgStatus: starter.org_status, role: starter.role,
      ability: defineAbilityFor({ platformRole: starter.platform_role, orgId, role: starter.role }),
    },
  };
}

/** Who the connected account is, when the token response (or a validated ID token) says. */
function externalAccountOf(result: oauth.TokenEndpointResponse, idClaims: oauth.IDToken | undefined): string | null {
  const candidates: unknown[] = [
    idClaims?.email, idClaims?.sub,
    ...['/team/name', '/workspace_name', '/account_id', '/user_id', '/email', '/user/email', '/id'].map((p) => readJsonPointer(result, p)),
  ];
  for (const c of candidates) {
    if ((typeof c === 'string' && c !== '') || typeof c === 'number') return String(c).slice(0, 320);
  }
  return null;
}

class ConnectFailure extends Error {
  constructor(readonly reason: FailureReason, message: string, readonly providerError: string | null = null) {
    super(message);
  }
}

export function connectionStatusOf(row: ConnectionRow | undefined, now = new Date()): ConnectionStatus {
  if (!row) return 'not_connected';
  if (row.last_refresh_error !== null) return 'error';
  if (row.expires_at !== null && row.expires_at <= now && row.refresh_token_encrypted === null) return 'expired';
  return 'connected';
}

export function createOAuthService({ db, config, vault, http, tokens, providers = getProvider }: OAuthServiceDeps) {
  const allowHttp = config.allowPrivateNetworkTargets;
  const redirectUri = `${config.publicUrl}/api/oauth/callback`;

  function definitionOf(row: IntegrationRow): ProviderDefinition {
    const definition = providers(row.provider);
    if (!definition) throw new BadRequest(`Integration "${row.name}" uses the unknown provider "${row.provider}"`);
    return definition;
  }

  function oauthDefinitionOf(row: IntegrationRow): OAuthProviderDefinition {
    const definition = definitionOf(row);
    if (definition.authType !== 'oauth2') {
      const how = definition.authType === 'api_key' ? 'an API key' : 'a username and password';
      throw new BadRequest(`${definition.name} authenticates with ${how}, not OAuth 2: there is nothing to connect (use POST …/test to check the credentials)`);
    }
    return definition;
  }

  async function loadIntegration(tx: Tx, orgId: string, id: string) {
    const row = await integrationsRepo.findIntegration(tx, orgId, id);
    if (!row) throw new NotFound('Integration');
    return row;
  }

  function endpointsOrBadRequest(definition: OAuthProviderDefinition, row: IntegrationRow): OAuthEndpoints {
    try {
      return oauthEndpoints(definition, row.settings as Record<string, unknown>, {}, allowHttp);
    } catch (err) {
      if (err instanceof ProviderUrlError) throw new BadRequest(err.message);
      throw err;
    }
  }

  async function auditConnectFailure(tx: Tx, ctx: RequestContext, orgId: string | null, integrationId: string | null, reason: FailureReason, metadata: Record<string, unknown>) {
    await recordAudit(tx, ctx, {
      organizationId: orgId, action: 'integration.connect_failed', target: { type: 'integration', id: integrationId },
      metadata: { reason, ...metadata },
    });
  }

  /** A callback that identifies no flow: audited on the platform chain, back to the admin UI's home. */
  async function platformFailure(ctx: RequestContext, reason: FailureReason, metadata: Record<string, unknown> = {}): Promise<CallbackOutcome> {
    await inScope(db, { platform: true }, (tx) => auditConnectFailure(tx, ctx, null, null, reason, metadata));
    return { ok: false, reason, location: withParam('/', 'error', FAILURE_MESSAGES[reason]!), clearBinding: false };
  }

  /** Values the definition says to learn while connecting (token response, callback query, discovery call). */
  async function learnConnectionValues(
    definition: OAuthProviderDefinition, settings: Record<string, unknown>, result: oauth.TokenEndpointResponse, params: URLSearchParams,
  ): Promise<Record<string, string>> {
    const values: Record<string, string> = {};
    for (const cv of definition.connectionValues ?? []) {
      let raw: unknown;
      if (cv.source === 'token_response') raw = readJsonPointer(result, cv.path);
      else if (cv.source === 'callback_query') raw = params.get(cv.param) ?? undefined;
      else {
        const url = renderUrl(cv.url, templateValues(definition, settings, values), `${cv.key} discovery URL`, allowHttp);
        const token = result.access_token;
        const headers = cv.credentialHeader ? { [cv.credentialHeader.name]: `${cv.credentialHeader.prefix}${token}` } : { authorization: `Bearer ${token}` };
        const res = await http.request({ method: 'GET', url, headers: { accept: 'application/json', ...headers }, timeoutMs: TEST_TIMEOUT_MS });
        if (res.status < 200 || res.status > 299) throw new ConnectFailure('connection_value', `Looking up ${cv.key} at the provider failed (HTTP ${res.status}), so nothing was connected.`);
        raw = readJsonPointer(res.json(), cv.path);
      }
      if (typeof raw === 'number') raw = String(raw);
      if (typeof raw !== 'string' || raw === '') throw new ConnectFailure('connection_value', `The provider did not return ${cv.key}, so nothing was connected.`);
      if (cv.pattern && !new RegExp(cv.pattern).test(raw)) throw new ConnectFailure('connection_value', `The provider returned an unexpected ${cv.key}, so nothing was connected.`);
      values[cv.key] = raw;
    }
    return values;
  }

  return {
    /** Starts the flow: the URL to send the browser to, and the binding value for its cookie. */
    async connect(ctx: RequestContext, orgId: string, id: string, input: { returnTo?: string }): Promise<ConnectStarted> {
      assertCan(ctx.actor!.ability, 'update', subject('Integration', { organizationId: orgId }));
      const returnTo = input.returnTo === undefined ? null : checkReturnTo(input.returnTo);
      return inScope(db, { org: orgId }, async (tx) => {
        const row = await loadIntegration(tx, orgId, id);
        const definition = oauthDefinitionOf(row);
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
          id: stateId, organization_id: orgId, integration_id: id, user_id: ctx.actor!.userId,
          state_hash: sha256(state), browser_binding_hash: sha256(browserBinding),
          // Kept even for providers without PKCE: the column is required and the value costs nothing.
          code_verifier_encrypted: await vault.encrypt(tx, verifierContext(orgId, stateId), verifier),
          redirect_uri: redirectUri, return_to: returnTo, expires_at: new Date(now.getTime() + STATE_TTL_SECONDS * 1000),
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
          organizationId: orgId, action: 'integration.connect_started', target: { type: 'integration', id },
          metadata: { provider: row.provider, scopes: row.scopes, pkce: definition.oauth.pkce, returnTo },
        });
        return { authorizationUrl: url.href, state, browserBinding, expiresInSeconds: STATE_TTL_SECONDS };
      });
    },

    /**
     * The provider's redirect. Order of checks, and why:
     *   unknown state → used state (replay) → expired → browser binding → claim (single use) → provider error
     *   → code → exchange → store.
     * A state presented by a browser without the matching binding cookie is refused *without* being used up,
     * so a stolen or leaked callback URL opened elsewhere cannot spoil the legitimate user's attempt. From the
     * claim on, the attempt is over whatever happens (the provider's code is single-use as well).
     * Every failure changes nothing but the state's `used_at` (once claimed) and writes one audit event.
     */
    async callback(params: URLSearchParams, browserBinding: string | undefined, ctx: RequestContext): Promise<CallbackOutcome> {
      const state = params.get('state');
      const providerError = safeErrorCode(params.get('error'));
      if (!state) return platformFailure(ctx, 'missing_state', { providerError });
      const row = await inScope(db, { platform: true }, (tx) => repo.findStateByHash(tx, sha256(state)));
      if (!row) return platformFailure(ctx, 'unknown_state', { providerError });

      const orgId = row.organization_id;
      const integrationId = row.integration_id;
      const page = row.return_to ?? integrationPage(orgId, integrationId);
      const bound = sameHash(browserBinding, row.browser_binding_hash);
      const fail = (reason: FailureReason, message: string, clearBinding: boolean): CallbackOutcome =>
        ({ ok: false, reason, location: withParam(page, 'error', message), clearBinding, organizationId: orgId, integrationId });
      const failEarly = async (reason: FailureReason, clearBinding: boolean) => {
        await inScope(db, { org: orgId }, (tx) => auditConnectFailure(tx, ctx, orgId, integrationId, reason, { startedBy: row.user_id, providerError }));
        return fail(reason, FAILURE_MESSAGES[reason]!, clearBinding);
      };

      const now = new Date();
      if (row.used_at !== null) return failEarly('state_replayed', false);
      if (row.expires_at <= now) return failEarly('state_expired', bound);
      if (!bound) return failEarly('browser_mismatch', false);

      // Claim the state and gather what the exchange needs; early endings are audited in the same transaction.
      type Claimed =
        | { kind: 'failed'; outcome: CallbackOutcome }
        | { kind: 'exchange'; actorCtx: RequestContext; definition: OAuthProviderDefinition; integration: IntegrationRow; clientSecret: string; verifier: string };
      const claimed = await inScope(db, { org: orgId }, async (tx): Promise<Claimed> => {
        if (!(await repo.claimState(tx, orgId, row.id, now))) {
          await auditConnectFailure(tx, ctx, orgId, integrationId, 'state_replayed', { startedBy: row.user_id });
          return { kind: 'failed', outcome: fail('state_replayed', FAILURE_MESSAGES.state_replayed!, true) };
        }
        const starter = await repo.findStarter(tx, orgId, row.user_id);
        const actorCtx = starter ? starterContext(ctx, orgId, starter) : ctx;
        const ended = async (reason: FailureReason, message: string, metadata: Record<string, unknown> = {}): Promise<Claimed> => {
          await auditConnectFailure(tx, actorCtx, orgId, integrationId, reason, metadata);
          return { kind: 'failed', outcome: fail(reason, message, true) };
        };
        const error = params.get('error');
        if (error !== null) {
          const reason = error === 'access_denied' ? 'access_denied' : 'provider_error';
          const message = reason === 'access_denied'
            ? FAILURE_MESSAGES.access_denied!
            : `The provider answered with an error${providerError ? ` (${providerError})` : ''}, so nothing was connected.`;
          // The description is the provider's free text: kept (bounded) in the audit trail, never echoed in the redirect.
          return ended(reason, message, { providerError, providerDescription: params.get('error_description')?.slice(0, 300) ?? null });
        }
        if (!params.get('code')) return ended('missing_code', FAILURE_MESSAGES.missing_code!);
        const mayConnect = starter && starter.status === 'active' && starter.org_status === 'active'
          && (starter.role === 'admin' || starter.role === 'super_admin');
        if (!mayConnect) return ended('not_allowed', FAILURE_MESSAGES.not_allowed!);
        const integration = await loadIntegration(tx, orgId, integrationId);
        const definition = oauthDefinitionOf(integration);
        if (!integration.client_id || !integration.secret_encrypted) return ended('integration_changed', FAILURE_MESSAGES.integration_changed!);
        return {
          kind: 'exchange', actorCtx, definition, integration,
          clientSecret: await vault.decrypt(tx, secretContext(orgId, integrationId), integration.secret_encrypted),
          verifier: await vault.decrypt(tx, verifierContext(orgId, row.id), row.code_verifier_encrypted),
        };
      });
      if (claimed.kind === 'failed') return claimed.outcome;
      const { actorCtx, definition, integration, clientSecret, verifier } = claimed;
      const settings = integration.settings as Record<string, unknown>;

      // The exchange: network calls, outside any transaction.
      let result: oauth.TokenEndpointResponse;
      let connectionValues: Record<string, string>;
      let endpoints: OAuthEndpoints;
      try {
        endpoints = oauthEndpoints(definition, settings, {}, allowHttp);
        // RFC 9207 mix-up defence: an `iss` parameter must name the authorization server we sent the user to.
        const iss = params.get('iss');
        const expectedOrigin = issuerFor(endpoints);
        if (iss !== null && originOf(iss) !== expectedOrigin) throw new ConnectFailure('issuer_mismatch', FAILURE_MESSAGES.issuer_mismatch!);
        const { as, client, clientAuth } = oauthParties(definition, endpoints, integration.client_id!, clientSecret, iss ?? expectedOrigin);
        const validated = oauth.validateAuthResponse(as, client, params, state);
        const response = await oauth.authorizationCodeGrantRequest(
          as, client, clientAuth, validated, row.redirect_uri, definition.oauth.pkce ? verifier : oauth.nopkce,
          requestOptions(http, config, EXCHANGE_TIMEOUT_MS),
        );
        // Plain OAuth 2 (no ID token required); an ID token, when the scopes ask for one, is still validated.
        result = await oauth.processAuthorizationCodeResponse(as, client, response, { recognizedTokenTypes: RECOGNIZED_TOKEN_TYPES });
        connectionValues = await learnConnectionValues(definition, settings, result, params);
      } catch (err) {
        const failure = err instanceof ConnectFailure ? err : null;
        const described = failure ? null : describeOAuthError(err, 'token', [clientSecret, verifier, params.get('code')]);
        const reason = failure?.reason ?? described!.reason;
        const message = failure?.message ?? `Connecting failed: ${described!.message}.`;
        await inScope(db, { org: orgId }, (tx) => auditConnectFailure(tx, actorCtx, orgId, integrationId, reason, {
          providerError: failure?.providerError ?? described?.providerError ?? null, message,
        }));
        return fail(reason, message, true);
      }

      const idClaims = oauth.getValidatedIdTokenClaims(result);
      const scopes = grantedScopes(result, integration.scopes);
      const connectedAt = new Date();
      const expiresAt = expiryOf(result, connectedAt);
      const externalAccount = externalAccountOf(result, idClaims);
      const stored = await inScope(db, { org: orgId }, async (tx) => {
        const current = await integrationsRepo.lockIntegration(tx, orgId, integrationId);
        if (!current) return false; // deleted while the user was at the provider
        const previous = await repo.findConnection(tx, orgId, integrationId);
        await repo.upsertConnection(tx, {
          integration_id: integrationId, organization_id: orgId,
          access_token_encrypted: await vault.encrypt(tx, tokenContext(orgId, integrationId, 'access_token_encrypted'), result.access_token),
          refresh_token_encrypted: typeof result.refresh_token === 'string' && result.refresh_token !== ''
            ? await vault.encrypt(tx, tokenContext(orgId, integrationId, 'refresh_token_encrypted'), result.refresh_token)
            : null,
          token_type: result.token_type ?? null,
          expires_at: expiresAt, scopes, external_account: externalAccount,
          connection_values: JSON.stringify(connectionValues),
          connected_at: connectedAt, last_refreshed_at: null, refresh_count: 0, refresh_failures: 0, last_refresh_error: null,
          updated_at: connectedAt,
        });
        // A paused integration stays paused (resuming makes it ACTIVE); anything else is ready now.
        const status: IntegrationStatus = current.status === 'PAUSED' ? 'PAUSED' : 'ACTIVE';
        await integrationsRepo.updateIntegration(tx, orgId, integrationId, { status, error_count: 0, last_error: null });
        await recordAudit(tx, actorCtx, {
          organizationId: orgId, action: 'integration.connected', target: { type: 'integration', id: integrationId },
          metadata: {
            provider: current.provider, scopes, expiresAt: expiresAt?.toISOString() ?? null, externalAccount,
            refreshable: result.refresh_token !== undefined, pkce: definition.oauth.pkce, reconnect: previous !== undefined, status,
          },
        });
        return true;
      });
      if (!stored) return { ok: false, reason: 'unknown_state', location: withParam('/', 'error', FAILURE_MESSAGES.unknown_state!), clearBinding: true };
      return { ok: true, location: withParam(page, 'connected', '1'), clearBinding: true, organizationId: orgId, integrationId };
    },

    async connection(ctx: RequestContext, orgId: string, id: string): Promise<ConnectionView> {
      assertCan(ctx.actor!.ability, 'read', subject('Integration', { organizationId: orgId }));
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
    async disconnect(ctx: RequestContext, orgId: string, id: string): Promise<DisconnectResult> {
      assertCan(ctx.actor!.ability, 'update', subject('Integration', { organizationId: orgId }));
      const material = await inScope(db, { org: orgId }, async (tx) => {
        const integration = await loadIntegration(tx, orgId, id);
        const definition = oauthDefinitionOf(integration);
        const conn = await repo.findConnection(tx, orgId, id);
        if (!conn) return { revocation: 'not_connected' as const };
        let endpoints: OAuthEndpoints | null = null;
        try {
          endpoints = oauthEndpoints(definition, integration.settings as Record<string, unknown>, connectionValuesOf(conn), allowHttp);
        } catch (err) {
          if (!(err instanceof ProviderUrlError)) throw err;
        }
        if (!endpoints?.revocationUrl || !integration.client_id || !integration.secret_encrypted) return { revocation: 'not_supported' as const };
        return {
          revocation: 'pending' as const, definition, endpoints, clientId: integration.client_id,
          clientSecret: await vault.decrypt(tx, secretContext(orgId, id), integration.secret_encrypted),
          accessToken: await vault.decrypt(tx, tokenContext(orgId, id, 'access_token_encrypted'), conn.access_token_encrypted),
          refreshToken: conn.refresh_token_encrypted
            ? await vault.decrypt(tx, tokenContext(orgId, id, 'refresh_token_encrypted'), conn.refresh_token_encrypted)
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
              ...requestOptions(http, config, TEST_TIMEOUT_MS), additionalParameters: { token_type_hint: hint },
            });
            await oauth.processRevocationResponse(response);
          } catch (err) {
            revocation = 'failed';
            revocationError = describeOAuthError(err, 'revocation', [material.clientSecret, material.accessToken, material.refreshToken]).message;
            break;
          }
        }
      }

      await inScope(db, { org: orgId }, async (tx) => {
        const current = await integrationsRepo.lockIntegration(tx, orgId, id);
        if (!current) throw new NotFound('Integration');
        await repo.deleteConnection(tx, orgId, id);
        // Paused stays paused (resume then finds it not connected and makes it INACTIVE). last_error and
        // error_count stay: they still explain why the integration needs connecting.
        const status: IntegrationStatus = current.status === 'PAUSED' ? 'PAUSED' : 'INACTIVE';
        await integrationsRepo.updateIntegration(tx, orgId, id, { status });
        await recordAudit(tx, ctx, {
          organizationId: orgId, action: 'integration.disconnected', target: { type: 'integration', id },
          metadata: { provider: current.provider, revocation, revocationError, from: current.status, to: status },
        });
      });
      return { revocation, revocationError };
    },

    /**
     * One cheap authenticated call (the definition's `test`) with the stored credentials, through the safe
     * HTTP client. OAuth 2 tokens come from the token manager (refreshed if needed; one forced refresh and
     * retry after a 401). Success proves API-key and basic credentials: verified_at is set and an INACTIVE or
     * ERROR integration becomes ACTIVE.
     */
    async test(ctx: RequestContext, orgId: string, id: string): Promise<{ ok: boolean; message: string }> {
      assertCan(ctx.actor!.ability, 'update', subject('Integration', { organizationId: orgId }));
      const loaded = await inScope(db, { org: orgId }, async (tx) => {
        const integration = await loadIntegration(tx, orgId, id);
        const definition = definitionOf(integration);
        const secret = integration.auth_type !== 'oauth2' && integration.secret_encrypted
          ? await vault.decrypt(tx, secretContext(orgId, id), integration.secret_encrypted)
          : null;
        return { integration, definition, secret };
      });
      const { integration, definition, secret } = loaded;
      const name = definition.name;
      const secrets: string[] = secret ? [secret] : [];
      let status: number | null = null;
      let durationMs: number | null = null;
      let ok = false;
      let message: string;

      const call = async (headers: Record<string, string>, connectionValues: Record<string, string>): Promise<SafeHttpResponse> => {
        const settings = integration.settings as Record<string, unknown>;
        const url = apiUrl(apiBaseUrl(definition, settings, connectionValues, allowHttp), definition.test.path, templateValues(definition, settings, connectionValues), allowHttp);
        const method = definition.test.method;
        const body = definition.test.body === undefined ? undefined : typeof definition.test.body === 'string' ? definition.test.body : JSON.stringify(definition.test.body);
        return http.request({
          method, url, timeoutMs: TEST_TIMEOUT_MS, body,
          headers: {
            accept: method === 'PROPFIND' ? 'application/xml, text/xml' : 'application/json',
            ...(method === 'PROPFIND' ? { depth: '0' } : {}),
            ...(body !== undefined && typeof definition.test.body !== 'string' ? { 'content-type': 'application/json' } : {}),
            ...definition.requestHeaders,
            ...headers,
          },
        });
      };

      try {
        let res: SafeHttpResponse;
        if (definition.authType === 'oauth2') {
          let creds = await tokens.getCredentials(orgId, id, { ctx });
          secrets.push(creds.accessToken);
          res = await call(bearerHeaders(definition, creds.accessToken), creds.connectionValues);
          if (res.status === 401) {
            creds = await tokens.getCredentials(orgId, id, { ctx, forceRefresh: true });
            secrets.push(creds.accessToken);
            res = await call(bearerHeaders(definition, creds.accessToken), creds.connectionValues);
          }
        } else if (!secret) {
          throw new ProviderUrlError(`${name} needs ${definition.authType === 'api_key' ? 'an API key' : 'a password'} before it can be tested`);
        } else {
          res = await call(definition.authType === 'api_key' ? bearerHeaders(definition, secret) : basicHeaders(integration.username ?? '', secret), {});
        }
        status = res.status;
        durationMs = Math.round(res.durationMs);
        if (status >= 200 && status < 300) {
          const reported = definition.errorPath ? (() => {
            try {
              return readJsonPointer(res.json(), definition.errorPath!);
            } catch {
              return undefined;
            }
          })() : undefined;
          if (reported !== undefined && reported !== null && reported !== false) {
            const code = safeErrorCode(reported);
            message = `${name} answered HTTP ${status} but reported an error${code ? ` (${code})` : ''}`;
          } else {
            ok = true;
            message = `${name} accepted the credentials (HTTP ${status} in ${durationMs} ms)`;
          }
        } else if (status === 401 || status === 403) {
          message = `${name} rejected the credentials (HTTP ${status})`;
        } else if (status === 404) {
          message = `${name} answered HTTP 404: check the API base URL and paths in the integration's settings`;
        } else {
          message = `${name} answered HTTP ${status}`;
        }
      } catch (err) {
        if (err instanceof IntegrationTokenError || err instanceof ProviderUrlError) message = err.message;
        else if (err instanceof SafeHttpError) message = `Could not reach ${name}: ${err.message}`;
        else throw err;
      }
      // Belt and braces: whatever went into the message, a credential does not come out.
      for (const s of secrets) if (s.length >= 4) message = message.split(s).join('[redacted]');

      await inScope(db, { org: orgId }, async (tx) => {
        const current = await integrationsRepo.lockIntegration(tx, orgId, id);
        if (!current) throw new NotFound('Integration');
        let to: IntegrationStatus | null = null;
        if (ok && current.auth_type !== 'oauth2') {
          to = current.status === 'INACTIVE' || current.status === 'ERROR' ? 'ACTIVE' : null;
          await integrationsRepo.updateIntegration(tx, orgId, id, {
            verified_at: new Date(),
            ...(to ? { status: to, ...(current.status === 'ERROR' ? { error_count: 0, last_error: null } : {}) } : {}),
          });
        }
        await recordAudit(tx, ctx, {
          organizationId: orgId, action: 'integration.tested', target: { type: 'integration', id },
          metadata: { ok, httpStatus: status, durationMs, message, ...(to ? { from: current.status, to } : {}) },
        });
      });
      return { ok, message };
    },
  };
}

export type OAuthService = ReturnType<typeof createOAuthService>;
