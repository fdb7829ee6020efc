/**
 * The credential test of every auth type: one cheap authenticated call (the provider definition's `test`)
 * with the stored credentials, whose outcome is audited and, for API keys and passwords, verifies them.
 */
import { assertCan, subject } from '../../lib/ability.js';
import type { RequestContext } from '../../lib/context.js';
import { inScope } from '../../lib/db-scope.js';
import { NotFound } from '../../lib/errors.js';
import type { IntegrationStatus } from '../../../../db/schema.js';
import { SafeHttpError, type SafeHttpResponse } from '../../lib/safe-http/index.js';
import { readJsonPointer } from '../../providers/json-pointer.js';
import { recordAudit } from '../audit/audit.service.js';
import * as integrationsRepo from '../integrations/integrations.repo.js';
import { secretContext } from '../integrations/integrations.service.js';
import { safeErrorCode } from './oauth-client.js';
import { definitionOf, loadIntegration, TEST_TIMEOUT_MS, type OAuthServiceSetup } from './oauth-service-setup.js';
import { apiBaseUrl, apiUrl, basicHeaders, bearerHeaders, ProviderUrlError, templateValues } from './provider-endpoints.js';
import { IntegrationTokenError } from './token-manager.js';

export function createCredentialTest({ db, vault, http, tokens, providers, allowHttp }: OAuthServiceSetup) {
  /**
   * One cheap authenticated call (the definition's `test`) with the stored credentials, through the safe
   * HTTP client. OAuth 2 tokens come from the token manager (refreshed if needed; one forced refresh and
   * retry after a 401). Success proves API-key and basic credentials: verified_at is set and an INACTIVE or
   * ERROR integration becomes ACTIVE.
   */
  return async function test(ctx: RequestContext, orgId: string, id: string): Promise<{ ok: boolean; message: string }> {
    assertCan(ctx.actor!.ability, 'update', subject('Integration', { organizationId: orgId }));
    const loaded = await inScope(db, { org: orgId }, async (tx) => {
      const integration = await loadIntegration(tx, orgId, id);
      const definition = definitionOf(providers, integration);
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
  };
}
