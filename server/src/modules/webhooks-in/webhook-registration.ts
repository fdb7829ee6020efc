import { randomBytes } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../../db/client.js';
import type { Config } from '../../config.js';
import type { AuthedContext } from '../../lib/context.js';
import type { Vault } from '../../lib/crypto/index.js';
import { inScope } from '../../lib/db-scope.js';
import { BadRequest, Conflict } from '../../lib/errors.js';
import type { SafeHttpClient } from '../../lib/safe-http/index.js';
import { getProvider } from '../../providers/catalog.js';
import type { ProviderDefinition } from '../../providers/provider-definition.js';
import { renderExpression } from '../../providers/template.js';
import type { WebhookApiRegistration } from '../../providers/webhook-definition.js';
import { recordAudit } from '../audit/audit.service.js';
import { requireIntegration, storeWebhookSecret, webhookSecretContext } from '../integrations/integrations.port.js';
import { apiBaseUrl, bearerHeaders, templateValues } from '../oauth/provider-endpoints.js';
import type { TokenManager } from '../oauth/token-manager.js';
import { ProviderRequestError } from '../sync-engine/connector-errors.js';
import { createRestTransport } from '../sync-engine/rest-transport.js';
import { putHook, registrationError, type HookOutcome } from './hook-calls.js';
import * as repo from './webhooks-in.repo.js';
import type * as S from './webhooks-in.schemas.js';

export type RegistrationView = Static<typeof S.WebhookRegistration>;

export interface WebhookRegistrationDeps {
  db: Db;
  config: Pick<Config, 'publicUrl' | 'allowPrivateNetworkTargets'>;
  vault: Vault;
  http: SafeHttpClient;
  tokens: TokenManager;
  logger: FastifyBaseLogger;
}

/** Bytes of a generated webhook secret (hex in the provider's config and our vault): 256 bits, like a signing key. */
const SECRET_BYTES = 32;
/** A person waits for the answer: a few quick retries, and a provider asking for a longer wait fails the request. */
const RETRY = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 5_000, maxRetryAfterMs: 10_000 };

/** What a registration needs, read and checked before any provider call. */
interface Prepared {
  definition: ProviderDefinition;
  registration: WebhookApiRegistration;
  settings: Record<string, unknown>;
  /** Template values from the settings (connection values are added when the provider is called). */
  values: Record<string, string>;
  target: string;
  storedSecret: string | null;
  knownHookId: string | null;
}

/** The integration's state, checked: 409 or 400 naming what to fix, before anything is sent or stored. */
function prepare(deps: WebhookRegistrationDeps, orgId: string, id: string): Promise<Prepared> {
  return inScope(deps.db, { org: orgId }, async (tx) => {
    const integration = await requireIntegration(tx, orgId, id);
    const definition = getProvider(integration.provider);
    const registration = definition?.webhooks?.apiRegistration;
    if (!definition || !registration) {
      throw new Conflict(
        `${definition?.name ?? integration.provider} webhooks cannot be registered through its API; register the URL by hand with the steps on the integration's Webhooks tab (GET …/webhook lists them)`,
        'params.id',
      );
    }
    if (!integration.connected) throw new Conflict(`${integration.name} is not connected; connect it first`, 'params.id');
    const settings = integration.settings as Record<string, unknown>;
    for (const key of registration.settings) {
      const label = definition.settings.find((s) => s.key === key)?.label ?? key;
      if (typeof settings[key] !== 'string' || settings[key] === '')
        throw new BadRequest(`Set "${label}" in the integration's settings: the webhook is registered there`, `/settings/${key}`);
    }
    const values = templateValues(definition, settings);
    const sealed = integration.webhook_secret_encrypted;
    const storedSecret = sealed === null ? null : await deps.vault.decrypt(tx, webhookSecretContext(orgId, id), sealed);
    const known = await repo.findRegistration(tx, orgId, id);
    const target = renderExpression(registration.target, values);
    return {
      definition,
      registration,
      settings,
      values,
      target,
      storedSecret,
      knownHookId: known?.target === target ? known.provider_hook_id : null,
    };
  });
}

/**
 * `POST …/integrations/:id/webhook/register`: registers the integration's URL through the provider's API with the
 * connection's OAuth token, and keeps the webhook secret (the stored one, else a fresh one) write-only in the vault.
 * The provider is called outside any transaction; only once it answered is anything stored, in one transaction with
 * the audit event (which names the hook, never the secret).
 */
export function createWebhookRegistration(deps: WebhookRegistrationDeps) {
  const { db, vault, tokens, config } = deps;

  async function callProvider(orgId: string, id: string, p: Prepared, secret: string): Promise<HookOutcome> {
    const credentials = await tokens.getCredentials(orgId, id);
    if (!p.registration.anyScope.some((scope) => credentials.scopes.includes(scope))) {
      throw new Conflict(
        `The connection to ${p.definition.name} was not granted ${p.registration.anyScope.join(', ')}; add one to the integration's scopes and reconnect`,
        '/scopes',
      );
    }
    const transport = createRestTransport(
      {
        definition: p.definition,
        http: deps.http,
        retry: RETRY,
        credentials: async () => bearerHeaders(p.definition, await tokens.getAccessToken(orgId, id)),
        onUnauthorized: async () => {
          await tokens.getAccessToken(orgId, id, { forceRefresh: true });
        },
      },
      (level, message, data) => deps.logger[level]({ integrationId: id, ...data }, `webhook registration: ${message}`),
    );
    const allowHttp = config.allowPrivateNetworkTargets;
    const values = templateValues(p.definition, p.settings, credentials.connectionValues);
    try {
      return await putHook(
        {
          registration: p.registration,
          providerName: p.definition.name,
          transport,
          apiBase: apiBaseUrl(p.definition, p.settings, credentials.connectionValues, allowHttp),
          values,
          allowHttp,
          webhookUrl: `${config.publicUrl}/api/webhooks/${id}`,
          secret,
          target: p.target,
        },
        p.knownHookId,
      );
    } catch (err) {
      if (err instanceof ProviderRequestError) throw registrationError(p.definition.name, err);
      throw err;
    }
  }

  return {
    async register(ctx: AuthedContext, orgId: string, id: string): Promise<RegistrationView> {
      const p = await prepare(deps, orgId, id);
      const secret = p.storedSecret ?? randomBytes(SECRET_BYTES).toString('hex');
      const outcome = await callProvider(orgId, id, p, secret);
      return inScope(db, { org: orgId }, async (tx) => {
        await requireIntegration(tx, orgId, id);
        if (p.storedSecret === null) await storeWebhookSecret(tx, vault, orgId, id, secret);
        const row = { integration_id: id, organization_id: orgId, provider: p.definition.key, target: p.target };
        await repo.upsertRegistration(tx, { ...row, provider_hook_id: outcome.hookId });
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'integration.webhook_registered',
          target: { type: 'integration', id },
          metadata: {
            provider: p.definition.key,
            target: p.target,
            hookId: outcome.hookId,
            outcome: outcome.action,
            signingKey: p.storedSecret === null ? 'generated' : 'kept',
          },
        });
        const stored = (await repo.findRegistration(tx, orgId, id))!;
        return {
          registered: outcome.action,
          target: p.target,
          hookId: outcome.hookId,
          url: `${config.publicUrl}/api/webhooks/${id}`,
          registeredAt: stored.registered_at.toISOString(),
          updatedAt: stored.updated_at.toISOString(),
        };
      });
    },
  };
}
