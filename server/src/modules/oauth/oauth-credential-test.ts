/**
 * The credential test of every auth type: one cheap authenticated call (the provider definition's `test`)
 * with the stored credentials, whose outcome is audited and, for API keys and passwords, verifies them.
 */
import type { Static } from '@sinclair/typebox';
import type { AuthedContext } from '../../lib/context.js';
import { inScope } from '../../lib/db-scope.js';
import { NotFound } from '../../lib/errors.js';
import type { IntegrationStatus } from '../../../../db/schema.js';
import { SafeHttpError, type SafeHttpResponse } from '../../lib/safe-http/index.js';
import { readJsonPointer } from '../../providers/json-pointer.js';
import { recordAudit } from '../audit/audit.service.js';
import * as integrations from '../integrations/integrations.port.js';
import { safeErrorCode } from './oauth-client.js';
import { definitionOf, loadIntegration, TEST_TIMEOUT_MS, type OAuthServiceSetup } from './oauth-service-setup.js';
import { apiBaseUrl, apiUrl, basicHeaders, bearerHeaders, ProviderUrlError, templateValues } from './provider-endpoints.js';
import { IntegrationTokenError } from './token-manager.js';
import type * as S from './oauth.schemas.js';

/** What a credential test found: the provider's status and time when it answered, and the message shown. */
type TestOutcome = Static<typeof S.TestResult> & {
  status: number | null;
  durationMs: number | null;
};

type Loaded = Awaited<ReturnType<typeof loadForTest>>;

export function createCredentialTest(setup: OAuthServiceSetup) {
  /**
   * One cheap authenticated call (the definition's `test`) with the stored credentials, through the safe
   * HTTP client. OAuth 2 tokens come from the token manager (refreshed if needed; one forced refresh and
   * retry after a 401). Success proves API-key and basic credentials: verified_at is set and an INACTIVE or
   * ERROR integration becomes ACTIVE.
   */
  return async function test(ctx: AuthedContext, orgId: string, id: string): Promise<{ ok: boolean; message: string }> {
    const loaded = await loadForTest(setup, orgId, id);
    const name = loaded.definition.name;
    const secrets: string[] = loaded.secret ? [loaded.secret] : [];
    let outcome: TestOutcome;
    try {
      outcome = describeAnswer(loaded, await sendTest(setup, ctx, orgId, id, loaded, secrets));
    } catch (err) {
      if (err instanceof IntegrationTokenError || err instanceof ProviderUrlError) outcome = failedTest(err.message);
      else if (err instanceof SafeHttpError) outcome = failedTest(`Could not reach ${name}: ${err.message}`);
      else throw err;
    }
    // Belt and braces: whatever went into the message, a credential does not come out.
    for (const s of secrets) if (s.length >= 4) outcome.message = outcome.message.split(s).join('[redacted]');
    await recordTest(setup, ctx, orgId, id, outcome);
    return { ok: outcome.ok, message: outcome.message };
  };
}

function failedTest(message: string): TestOutcome {
  return { ok: false, message, status: null, durationMs: null };
}

/** The integration, its definition, and its API key or password (decrypted; null for OAuth 2). */
function loadForTest({ db, vault, providers }: OAuthServiceSetup, orgId: string, id: string) {
  return inScope(db, { org: orgId }, async (tx) => {
    const integration = await loadIntegration(tx, orgId, id);
    const definition = definitionOf(providers, integration);
    const secret =
      integration.auth_type !== 'oauth2' && integration.secret_encrypted
        ? await vault.decrypt(tx, integrations.secretContext(orgId, id), integration.secret_encrypted)
        : null;
    return { integration, definition, secret };
  });
}

/** The test call with the integration's credentials; every credential used is added to `secrets`. */
async function sendTest(
  setup: OAuthServiceSetup,
  ctx: AuthedContext,
  orgId: string,
  id: string,
  loaded: Loaded,
  secrets: string[],
): Promise<SafeHttpResponse> {
  const { tokens } = setup;
  const { integration, definition, secret } = loaded;
  if (definition.authType === 'oauth2') {
    let creds = await tokens.getCredentials(orgId, id, { ctx });
    secrets.push(creds.accessToken);
    let res = await callTest(setup, loaded, bearerHeaders(definition, creds.accessToken), creds.connectionValues);
    if (res.status === 401) {
      creds = await tokens.getCredentials(orgId, id, { ctx, forceRefresh: true });
      secrets.push(creds.accessToken);
      res = await callTest(setup, loaded, bearerHeaders(definition, creds.accessToken), creds.connectionValues);
    }
    return res;
  }
  if (!secret) {
    throw new ProviderUrlError(
      `${definition.name} needs ${definition.authType === 'api_key' ? 'an API key' : 'a password'} before it can be tested`,
    );
  }
  return callTest(
    setup,
    loaded,
    definition.authType === 'api_key' ? bearerHeaders(definition, secret) : basicHeaders(integration.username ?? '', secret),
    {},
  );
}

async function callTest(
  { http, allowHttp }: OAuthServiceSetup,
  { integration, definition }: Loaded,
  headers: Record<string, string>,
  connectionValues: Record<string, string>,
): Promise<SafeHttpResponse> {
  const settings = integration.settings as Record<string, unknown>;
  const url = apiUrl(
    apiBaseUrl(definition, settings, connectionValues, allowHttp),
    definition.test.path,
    templateValues(definition, settings, connectionValues),
    allowHttp,
  );
  const method = definition.test.method;
  const body =
    definition.test.body === undefined
      ? undefined
      : typeof definition.test.body === 'string'
        ? definition.test.body
        : JSON.stringify(definition.test.body);
  return http.request({
    method,
    url,
    timeoutMs: TEST_TIMEOUT_MS,
    body,
    headers: {
      accept: method === 'PROPFIND' ? 'application/xml, text/xml' : 'application/json',
      ...(method === 'PROPFIND' ? { depth: '0' } : {}),
      ...(body !== undefined && typeof definition.test.body !== 'string' ? { 'content-type': 'application/json' } : {}),
      ...definition.requestHeaders,
      ...headers,
    },
  });
}

/** What the provider's answer says about the credentials. */
function describeAnswer({ definition }: Loaded, res: SafeHttpResponse): TestOutcome {
  const name = definition.name;
  const status = res.status;
  const durationMs = Math.round(res.durationMs);
  const outcome = (ok: boolean, message: string): TestOutcome => ({ ok, message, status, durationMs });
  if (status >= 200 && status < 300) {
    const reported = definition.errorPath
      ? (() => {
          try {
            return readJsonPointer(res.json(), definition.errorPath!);
          } catch {
            return undefined;
          }
        })()
      : undefined;
    if (reported !== undefined && reported !== null && reported !== false) {
      const code = safeErrorCode(reported);
      return outcome(false, `${name} answered HTTP ${status} but reported an error${code ? ` (${code})` : ''}`);
    }
    return outcome(true, `${name} accepted the credentials (HTTP ${status} in ${durationMs} ms)`);
  }
  if (status === 401 || status === 403) return outcome(false, `${name} rejected the credentials (HTTP ${status})`);
  if (status === 404) return outcome(false, `${name} answered HTTP 404: check the API base URL and paths in the integration's settings`);
  return outcome(false, `${name} answered HTTP ${status}`);
}

/** Audits the test; a success verifies API-key and basic credentials (an INACTIVE or ERROR integration becomes ACTIVE). */
async function recordTest({ db }: OAuthServiceSetup, ctx: AuthedContext, orgId: string, id: string, outcome: TestOutcome): Promise<void> {
  const { ok, message, status, durationMs } = outcome;
  await inScope(db, { org: orgId }, async (tx) => {
    const current = await integrations.lockIntegration(tx, orgId, id);
    if (!current) throw new NotFound('Integration');
    let to: IntegrationStatus | null = null;
    if (ok && current.auth_type !== 'oauth2') {
      to = current.status === 'INACTIVE' || current.status === 'ERROR' ? 'ACTIVE' : null;
      await integrations.updateIntegrationState(tx, orgId, id, {
        verified_at: new Date(),
        ...(to ? { status: to, ...(current.status === 'ERROR' ? { error_count: 0, last_error: null, last_error_kind: null } : {}) } : {}),
      });
    }
    await recordAudit(tx, ctx, {
      organizationId: orgId,
      action: 'integration.tested',
      target: { type: 'integration', id },
      metadata: { ok, httpStatus: status, durationMs, message, ...(to ? { from: current.status, to } : {}) },
    });
  });
}
