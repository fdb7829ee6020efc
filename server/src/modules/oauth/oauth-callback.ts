/**
 * The provider's redirect back to Linkyard: the state is checked and claimed, the code exchanged for tokens
 * (with the RFC 9207 issuer check), the connection values learnt, and the connection stored. Every ending,
 * good or bad, is one audit event, attributed to the user who started the flow.
 */
import * as oauth from 'oauth4webapi';
import type { IntegrationRow, IntegrationStatus, MemberRole, OrgStatus, PlatformRole, UserStatus } from '../../../../db/schema.js';
import { defineAbilityFor } from '../../lib/ability.js';
import type { RequestContext } from '../../lib/context.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { readJsonPointer } from '../../providers/json-pointer.js';
import type { OAuthProviderDefinition } from '../../providers/provider-definition.js';
import { recordAudit } from '../audit/audit.service.js';
import * as integrations from '../integrations/integrations.port.js';
import * as webhooks from '../webhooks/webhooks.port.js';
import {
  describeOAuthError,
  expiryOf,
  grantedScopes,
  issuerFor,
  oauthParties,
  RECOGNIZED_TOKEN_TYPES,
  requestOptions,
  safeErrorCode,
} from './oauth-client.js';
import { ConnectFailure, FAILURE_MESSAGES, type FailureReason } from './oauth-connect-failures.js';
import * as repo from './oauth.repo.js';
import { loadIntegration, oauthDefinitionOf, TEST_TIMEOUT_MS, type OAuthServiceSetup } from './oauth-service-setup.js';
import { withQueryParam } from '../../lib/return-path.js';
import { integrationPage, sameHash, sha256, verifierContext } from './oauth-state.js';
import { oauthEndpoints, renderUrl, templateValues, type OAuthEndpoints } from './provider-endpoints.js';

const EXCHANGE_TIMEOUT_MS = 30_000;

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
      type: 'user',
      userId: starter.id,
      email: starter.email,
      platformRole: starter.platform_role,
      orgId,
      orgStatus: starter.org_status,
      role: starter.role,
      ability: defineAbilityFor({ platformRole: starter.platform_role, orgId, role: starter.role }),
    },
  };
}

/** Who the connected account is, when the token response (or a validated ID token) says. */
function externalAccountOf(result: oauth.TokenEndpointResponse, idClaims: oauth.IDToken | undefined): string | null {
  const candidates: unknown[] = [
    idClaims?.email,
    idClaims?.sub,
    ...['/team/name', '/workspace_name', '/account_id', '/user_id', '/email', '/user/email', '/id'].map((p) => readJsonPointer(result, p)),
  ];
  for (const c of candidates) {
    if ((typeof c === 'string' && c !== '') || typeof c === 'number') return String(c).slice(0, 320);
  }
  return null;
}

async function auditConnectFailure(
  tx: Tx,
  ctx: RequestContext,
  orgId: string | null,
  integrationId: string | null,
  reason: FailureReason,
  metadata: Record<string, unknown>,
) {
  await recordAudit(tx, ctx, {
    organizationId: orgId,
    action: 'integration.connect_failed',
    target: { type: 'integration', id: integrationId },
    metadata: { reason, ...metadata },
  });
}

/** A callback that identifies no flow: audited on the platform chain, back to the admin UI's home. */
async function platformFailure(
  { db }: OAuthServiceSetup,
  ctx: RequestContext,
  reason: FailureReason,
  metadata: Record<string, unknown> = {},
): Promise<CallbackOutcome> {
  await inScope(db, { platform: true }, (tx) => auditConnectFailure(tx, ctx, null, null, reason, metadata));
  return { ok: false, reason, location: withQueryParam('/', 'error', FAILURE_MESSAGES[reason]!), clearBinding: false };
}

type StateRow = NonNullable<Awaited<ReturnType<typeof repo.findStateByHash>>>;

/** The flow a callback's state belongs to, and how its failures redirect. */
interface Flow {
  row: StateRow;
  orgId: string;
  integrationId: string;
  /** Where the user returns: the page that started the flow, else the integration's page. */
  page: string;
  fail(reason: FailureReason, message: string, clearBinding: boolean): CallbackOutcome;
}

function flowOf(row: StateRow): Flow {
  const orgId = row.organization_id;
  const integrationId = row.integration_id;
  const page = row.return_to ?? integrationPage(orgId, integrationId);
  return {
    row,
    orgId,
    integrationId,
    page,
    fail: (reason, message, clearBinding) => ({
      ok: false,
      reason,
      location: withQueryParam(page, 'error', message),
      clearBinding,
      organizationId: orgId,
      integrationId,
    }),
  };
}

/** What the exchange needs, once the state is claimed and the starter may connect. */
interface ReadyToExchange {
  kind: 'exchange';
  actorCtx: RequestContext;
  definition: OAuthProviderDefinition;
  integration: IntegrationRow;
  clientSecret: string;
  verifier: string;
}
type Claimed = { kind: 'failed'; outcome: CallbackOutcome } | ReadyToExchange;

/**
 * Claims the state (single use) and gathers what the exchange needs; every ending from here on (a replay lost
 * to a concurrent callback, the provider's error, no code, a starter who may not connect, a changed integration)
 * is audited in the same transaction.
 */
async function claimFlow(
  { providers, vault }: OAuthServiceSetup,
  tx: Tx,
  ctx: RequestContext,
  flow: Flow,
  params: URLSearchParams,
  providerError: string | null,
  now: Date,
): Promise<Claimed> {
  const { row, orgId, integrationId } = flow;
  if (!(await repo.claimState(tx, orgId, row.id, now))) {
    await auditConnectFailure(tx, ctx, orgId, integrationId, 'state_replayed', { startedBy: row.user_id });
    return { kind: 'failed', outcome: flow.fail('state_replayed', FAILURE_MESSAGES.state_replayed!, true) };
  }
  const starter = await repo.findStarter(tx, orgId, row.user_id);
  const actorCtx = starter ? starterContext(ctx, orgId, starter) : ctx;
  const ended = async (reason: FailureReason, message: string, metadata: Record<string, unknown> = {}): Promise<Claimed> => {
    await auditConnectFailure(tx, actorCtx, orgId, integrationId, reason, metadata);
    return { kind: 'failed', outcome: flow.fail(reason, message, true) };
  };
  const error = params.get('error');
  if (error !== null) {
    const reason = error === 'access_denied' ? 'access_denied' : 'provider_error';
    const message =
      reason === 'access_denied'
        ? FAILURE_MESSAGES.access_denied!
        : `The provider answered with an error${providerError ? ` (${providerError})` : ''}, so nothing was connected.`;
    // The description is the provider's free text: kept (bounded) in the audit trail, never echoed in the redirect.
    return ended(reason, message, { providerError, providerDescription: params.get('error_description')?.slice(0, 300) ?? null });
  }
  if (!params.get('code')) return ended('missing_code', FAILURE_MESSAGES.missing_code!);
  const mayConnect =
    starter &&
    starter.status === 'active' &&
    starter.org_status === 'active' &&
    (starter.role === 'admin' || starter.role === 'super_admin');
  if (!mayConnect) return ended('not_allowed', FAILURE_MESSAGES.not_allowed!);
  const integration = await loadIntegration(tx, orgId, integrationId);
  const definition = oauthDefinitionOf(providers, integration);
  if (!integration.client_id || !integration.secret_encrypted) return ended('integration_changed', FAILURE_MESSAGES.integration_changed!);
  return {
    kind: 'exchange',
    actorCtx,
    definition,
    integration,
    clientSecret: await vault.decrypt(tx, integrations.secretContext(orgId, integrationId), integration.secret_encrypted),
    verifier: await vault.decrypt(tx, verifierContext(orgId, row.id), row.code_verifier_encrypted),
  };
}

/** The exchange: the code for tokens (with the issuer check), then the connection values. Network calls, outside any transaction. */
async function exchangeCode(
  setup: OAuthServiceSetup,
  flow: Flow,
  claimed: ReadyToExchange,
  params: URLSearchParams,
  state: string,
): Promise<{ result: oauth.TokenEndpointResponse; connectionValues: Record<string, string> }> {
  const { config, http, allowHttp } = setup;
  const { definition, integration, clientSecret, verifier } = claimed;
  const settings = integration.settings as Record<string, unknown>;
  const endpoints: OAuthEndpoints = oauthEndpoints(definition, settings, {}, allowHttp);
  // RFC 9207 mix-up defence: an `iss` parameter must name the authorization server we sent the user to.
  const iss = params.get('iss');
  const expectedOrigin = issuerFor(endpoints);
  if (iss !== null && originOf(iss) !== expectedOrigin) throw new ConnectFailure('issuer_mismatch', FAILURE_MESSAGES.issuer_mismatch!);
  const { as, client, clientAuth } = oauthParties(definition, endpoints, integration.client_id!, clientSecret, iss ?? expectedOrigin);
  const validated = oauth.validateAuthResponse(as, client, params, state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    clientAuth,
    validated,
    flow.row.redirect_uri,
    definition.oauth.pkce ? verifier : oauth.nopkce,
    requestOptions(http, config, EXCHANGE_TIMEOUT_MS),
  );
  // Plain OAuth 2 (no ID token required); an ID token, when the scopes ask for one, is still validated.
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, { recognizedTokenTypes: RECOGNIZED_TOKEN_TYPES });
  const connectionValues = await learnConnectionValues(setup, definition, settings, result, params);
  return { result, connectionValues };
}

/** A failed exchange: audited with the reason and a message that names no secret. */
async function exchangeFailure(
  { db }: OAuthServiceSetup,
  flow: Flow,
  claimed: ReadyToExchange,
  params: URLSearchParams,
  err: unknown,
): Promise<CallbackOutcome> {
  const failure = err instanceof ConnectFailure ? err : null;
  const described = failure ? null : describeOAuthError(err, 'token', [claimed.clientSecret, claimed.verifier, params.get('code')]);
  const reason = failure?.reason ?? described!.reason;
  const message = failure?.message ?? `Connecting failed: ${described!.message}.`;
  await inScope(db, { org: flow.orgId }, (tx) =>
    auditConnectFailure(tx, claimed.actorCtx, flow.orgId, flow.integrationId, reason, {
      providerError: failure?.providerError ?? described?.providerError ?? null,
      message,
    }),
  );
  return flow.fail(reason, message, true);
}

/** Values the definition says to learn while connecting (token response, callback query, discovery call). */
async function learnConnectionValues(
  { http, allowHttp }: OAuthServiceSetup,
  definition: OAuthProviderDefinition,
  settings: Record<string, unknown>,
  result: oauth.TokenEndpointResponse,
  params: URLSearchParams,
): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const cv of definition.connectionValues ?? []) {
    let raw: unknown;
    if (cv.source === 'token_response') raw = readJsonPointer(result, cv.path);
    else if (cv.source === 'callback_query') raw = params.get(cv.param) ?? undefined;
    else {
      const url = renderUrl(cv.url, templateValues(definition, settings, values), `${cv.key} discovery URL`, allowHttp);
      const token = result.access_token;
      const headers = cv.credentialHeader
        ? { [cv.credentialHeader.name]: `${cv.credentialHeader.prefix}${token}` }
        : { authorization: `Bearer ${token}` };
      const res = await http.request({
        method: 'GET',
        url,
        headers: { accept: 'application/json', ...headers },
        timeoutMs: TEST_TIMEOUT_MS,
      });
      if (res.status < 200 || res.status > 299)
        throw new ConnectFailure(
          'connection_value',
          `Looking up ${cv.key} at the provider failed (HTTP ${res.status}), so nothing was connected.`,
        );
      raw = readJsonPointer(res.json(), cv.path);
    }
    if (typeof raw === 'number') raw = String(raw);
    if (typeof raw !== 'string' || raw === '')
      throw new ConnectFailure('connection_value', `The provider did not return ${cv.key}, so nothing was connected.`);
    if (cv.pattern && !new RegExp(cv.pattern).test(raw))
      throw new ConnectFailure('connection_value', `The provider returned an unexpected ${cv.key}, so nothing was connected.`);
    values[cv.key] = raw;
  }
  return values;
}

/**
 * Stores the connection (tokens encrypted), makes the integration ready (a paused one stays paused) and audits
 * it, in one transaction; false when the integration was deleted while the user was at the provider.
 */
async function storeConnection(
  { db, vault }: OAuthServiceSetup,
  flow: Flow,
  claimed: ReadyToExchange,
  result: oauth.TokenEndpointResponse,
  connectionValues: Record<string, string>,
): Promise<boolean> {
  const { orgId, integrationId } = flow;
  const idClaims = oauth.getValidatedIdTokenClaims(result);
  const scopes = grantedScopes(result, claimed.integration.scopes);
  const connectedAt = new Date();
  const expiresAt = expiryOf(result, connectedAt);
  const externalAccount = externalAccountOf(result, idClaims);
  return inScope(db, { org: orgId }, async (tx) => {
    const current = await integrations.lockIntegration(tx, orgId, integrationId);
    if (!current) return false; // deleted while the user was at the provider
    const previous = await repo.findConnection(tx, orgId, integrationId);
    await repo.upsertConnection(tx, {
      integration_id: integrationId,
      organization_id: orgId,
      access_token_encrypted: await vault.encrypt(
        tx,
        integrations.tokenContext(orgId, integrationId, 'access_token_encrypted'),
        result.access_token,
      ),
      refresh_token_encrypted:
        typeof result.refresh_token === 'string' && result.refresh_token !== ''
          ? await vault.encrypt(tx, integrations.tokenContext(orgId, integrationId, 'refresh_token_encrypted'), result.refresh_token)
          : null,
      token_type: result.token_type ?? null,
      expires_at: expiresAt,
      scopes,
      external_account: externalAccount,
      connection_values: JSON.stringify(connectionValues),
      connected_at: connectedAt,
      last_refreshed_at: null,
      refresh_count: 0,
      refresh_failures: 0,
      last_refresh_error: null,
      updated_at: connectedAt,
    });
    // A paused integration stays paused (resuming makes it ACTIVE); anything else is ready now.
    const status: IntegrationStatus = current.status === 'PAUSED' ? 'PAUSED' : 'ACTIVE';
    await integrations.updateIntegrationState(tx, orgId, integrationId, {
      status,
      error_count: 0,
      last_error: null,
      last_error_kind: null,
    });
    await webhooks.recordEvent(tx, orgId, 'integration.connected', {
      integrationId,
      provider: current.provider,
      reason: previous ? 'reconnected' : 'connected',
    });
    await recordAudit(tx, claimed.actorCtx, {
      organizationId: orgId,
      action: 'integration.connected',
      target: { type: 'integration', id: integrationId },
      metadata: {
        provider: current.provider,
        scopes,
        expiresAt: expiresAt?.toISOString() ?? null,
        externalAccount,
        refreshable: result.refresh_token !== undefined,
        pkce: claimed.definition.oauth.pkce,
        reconnect: previous !== undefined,
        status,
      },
    });
    return true;
  });
}

export function createCallbackHandler(setup: OAuthServiceSetup) {
  const { db } = setup;
  /**
   * The provider's redirect. Order of checks, and why:
   *   unknown state → used state (replay) → expired → browser binding → claim (single use) → provider error
   *   → code → exchange → store.
   * A state presented by a browser without the matching binding cookie is refused *without* being used up,
   * so a stolen or leaked callback URL opened elsewhere cannot spoil the legitimate user's attempt. From the
   * claim on, the attempt is over whatever happens (the provider's code is single-use as well).
   * Every failure changes nothing but the state's `used_at` (once claimed) and writes one audit event.
   */
  return async function callback(
    params: URLSearchParams,
    browserBinding: string | undefined,
    ctx: RequestContext,
  ): Promise<CallbackOutcome> {
    const state = params.get('state');
    const providerError = safeErrorCode(params.get('error'));
    if (!state) return platformFailure(setup, ctx, 'missing_state', { providerError });
    const row = await inScope(db, { platform: true }, (tx) => repo.findStateByHash(tx, sha256(state)));
    if (!row) return platformFailure(setup, ctx, 'unknown_state', { providerError });

    const flow = flowOf(row);
    const { orgId, integrationId } = flow;
    const bound = sameHash(browserBinding, row.browser_binding_hash);
    const failEarly = async (reason: FailureReason, clearBinding: boolean) => {
      await inScope(db, { org: orgId }, (tx) =>
        auditConnectFailure(tx, ctx, orgId, integrationId, reason, { startedBy: row.user_id, providerError }),
      );
      return flow.fail(reason, FAILURE_MESSAGES[reason]!, clearBinding);
    };
    const now = new Date();
    if (row.used_at !== null) return failEarly('state_replayed', false);
    if (row.expires_at <= now) return failEarly('state_expired', bound);
    if (!bound) return failEarly('browser_mismatch', false);

    const claimed = await inScope(db, { org: orgId }, (tx) => claimFlow(setup, tx, ctx, flow, params, providerError, now));
    if (claimed.kind === 'failed') return claimed.outcome;
    let exchanged: Awaited<ReturnType<typeof exchangeCode>>;
    try {
      exchanged = await exchangeCode(setup, flow, claimed, params, state);
    } catch (err) {
      return exchangeFailure(setup, flow, claimed, params, err);
    }
    const stored = await storeConnection(setup, flow, claimed, exchanged.result, exchanged.connectionValues);
    if (!stored)
      return {
        ok: false,
        reason: 'unknown_state',
        location: withQueryParam('/', 'error', FAILURE_MESSAGES.unknown_state!),
        clearBinding: true,
      };
    return { ok: true, location: withQueryParam(flow.page, 'connected', '1'), clearBinding: true, organizationId: orgId, integrationId };
  };
}
