import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import type { Config } from './config.js';
import { createApiKeysService } from './modules/api-keys/api-keys.service.js';
import { createAuditService } from './modules/audit/audit.service.js';
import { createAuthService } from './modules/auth/auth.service.js';
import { createAccountService } from './modules/auth/account.service.js';
import { createMfaService } from './modules/auth/mfa.service.js';
import { createMembersService } from './modules/organizations/members.service.js';
import { createOrganizationsService } from './modules/organizations/organizations.service.js';
import { createPlatformService } from './modules/platform/platform.service.js';
import { createIntegrationsService } from './modules/integrations/integrations.service.js';
import { createSyncsService } from './modules/syncs/syncs.service.js';
import { createRunsService } from './modules/runs/runs.service.js';
import { createPushService } from './modules/push/push.service.js';
import { createConflictsService } from './modules/conflicts/conflicts.service.js';
import { createConflictResolver } from './modules/sync-engine/conflict-resolver.js';
import { createChangeFeedService } from './modules/change-feed/change-feed.service.js';
import { createRunExecutor } from './modules/sync-engine/run-executor.js';
import { createSourceOpener } from './modules/sync-engine/connectors.js';
import { createOAuthService } from './modules/oauth/oauth.service.js';
import { createExportsService } from './modules/exports/exports.service.js';
import { createPdfRenderer } from './modules/exports/pdf-browser.js';
import { createScheduler } from './modules/scheduler/scheduler.js';
import { createWebhookProcessor } from './modules/webhooks-in/webhook-processor.js';
import { createWebhooksInService } from './modules/webhooks-in/webhooks-in.service.js';
import { createTokenManager } from './modules/oauth/token-manager.js';
import { getProvider } from './providers/catalog.js';
import type { AccessClaims } from './lib/context.js';
import { createUserSecretBox, createVault } from './lib/crypto/index.js';
import { ACCESS_CACHE_TTL_MS, createAccessCache } from './lib/access-cache.js';
import { createSafeHttpClient } from './lib/safe-http/index.js';
import { createWebhooksService } from './modules/webhooks/webhooks.service.js';
import { createDeliveryWorker } from './modules/webhooks/delivery-worker.js';
import { createMetricsService } from './modules/metrics/metrics.service.js';

export interface ServiceDeps {
  db: Db;
  config: Config;
  logger: FastifyBaseLogger;
}

/** What serving the API adds: access tokens are signed by the API's JWT plugin. */
export interface ApiServiceDeps extends ServiceDeps {
  signAccessToken: (claims: AccessClaims) => string;
}

/**
 * The services of a process, wired once and shared by its routes, jobs and scripts; which ones depends on the
 * role (ROLE, docs/architecture.md):
 * - `worker` fires schedules, executes runs and sends webhook deliveries: the sync engine, the scheduler and the
 *   delivery worker, no domain services;
 * - `api` serves the API and only enqueues: every domain service, no run executor or delivery worker (the workers
 *   run them);
 * - `all` is both.
 * `close()` closes everything the process opened, in order: the scheduler drains its running jobs
 * (agenda.drain), runs in flight finish, then the provider HTTP client and the PDF browser close.
 * The caller closes the database.
 */
export function createServices(role: 'worker', deps: ServiceDeps): WorkerServices;
export function createServices(role: 'api' | 'all', deps: ApiServiceDeps): ApiServices;
export function createServices(role: Config['role'], deps: ServiceDeps | ApiServiceDeps): WorkerServices | ApiServices {
  return role === 'worker' ? createWorkerServices(deps) : createApiServices(role, deps as ApiServiceDeps);
}

/** What every role builds: secrets, and outbound HTTP with valid OAuth access tokens. */
function createProviderAccess({ db, config }: ServiceDeps) {
  const vault = createVault({ currentKey: config.encryptionKey, previousKeys: config.encryptionKeysPrevious });
  // Every call to a provider goes through this client: private addresses refused, timeouts everywhere.
  const http = createSafeHttpClient({
    allowPrivateNetworkTargets: config.allowPrivateNetworkTargets,
    requireHttps: config.nodeEnv === 'production',
    userAgent: 'Linkyard/0.1',
  });
  // Valid OAuth access tokens for provider calls (the sync engine's too): refreshes under a row lock.
  const tokens = createTokenManager({ db, config, vault, http, providers: getProvider });
  return { vault, http, tokens };
}

/** Where runs execute: the worker and `all` roles. */
function createExecutor({ db, config, logger }: ServiceDeps, { vault, http, tokens }: ReturnType<typeof createProviderAccess>) {
  return createRunExecutor({
    db,
    logger,
    concurrency: config.worker.concurrency,
    staleRunMs: config.worker.lockLifetimeMs,
    openSource: createSourceOpener({ db, vault, http, tokens, allowHttp: config.allowPrivateNetworkTargets }),
  });
}

/**
 * Where webhook deliveries are sent from: the worker and `all` roles. Its own safe HTTP client, so receivers get the
 * provider calls' address policy but never a redirect followed, and short connections of their own.
 */
function createDeliveries({ db, config, logger }: ServiceDeps, { vault }: ReturnType<typeof createProviderAccess>) {
  const http = createSafeHttpClient({
    allowPrivateNetworkTargets: config.allowPrivateNetworkTargets,
    requireHttps: config.nodeEnv === 'production',
    timeoutMs: config.webhooks.timeoutMs,
    connectTimeoutMs: config.webhooks.timeoutMs,
    maxRedirects: 0,
    userAgent: 'Linkyard-Webhooks/0.1',
  });
  const worker = createDeliveryWorker({ db, vault, http, logger, settings: config.webhooks });
  return {
    ...worker,
    async stop(): Promise<void> {
      await worker.stop();
      http.close();
    },
  };
}

function createWorkerServices(deps: ServiceDeps) {
  const access = createProviderAccess(deps);
  const executor = createExecutor(deps, access);
  const scheduler = createScheduler({ ...deps, executor });
  // Accepted webhook events, acted on from their queue table (started by worker.ts).
  const webhookEvents = createWebhookProcessor({ ...deps, dispatcher: executor.dispatcher, pollMs: deps.config.worker.pollMs });
  const deliveries = createDeliveries(deps, access);
  return {
    ...access,
    executor,
    scheduler,
    webhookEvents,
    deliveries,
    metrics: createMetricsService({ db: deps.db, token: deps.config.metrics.token }),
    async close(): Promise<void> {
      await deliveries.stop();
      await webhookEvents.close();
      await scheduler.close();
      await executor.drain();
      await access.http.close();
    },
  };
}

function createApiServices(role: 'api' | 'all', deps: ApiServiceDeps) {
  const { db, config, logger, signAccessToken } = deps;
  const access = createProviderAccess(deps);
  const { vault, http, tokens } = access;
  const executor = role === 'all' ? createExecutor(deps, access) : null;
  const deliveries = role === 'all' ? createDeliveries(deps, access) : null;
  // Schedules live in Agenda's job store; services tell it after each commit that may change them.
  const scheduler = createScheduler({ db, config, logger, executor });
  const accessCache = createAccessCache(ACCESS_CACHE_TTL_MS);
  // A person's own secrets (two-factor) are sealed under the master key, not an organization's data key.
  const mfa = createMfaService({ db, box: createUserSecretBox(config.encryptionKey, config.encryptionKeysPrevious), accessCache });
  const exports = createExportsService({ db, logger, renderer: createPdfRenderer() });
  // `all` acts on accepted webhook events itself once started (main.ts); an API-only process leaves them to the workers.
  const webhookEvents = createWebhookProcessor({
    db,
    logger,
    dispatcher: executor?.dispatcher ?? scheduler.dispatcher,
    pollMs: config.worker.pollMs,
  });
  return {
    ...access,
    executor,
    scheduler,
    deliveries,
    accessCache,
    integrations: createIntegrationsService({ db, config, vault, scheduler }),
    oauth: createOAuthService({ db, config, vault, http, tokens, providers: getProvider }),
    auth: createAuthService({ db, config, signAccessToken, accessCache, mfa }),
    account: createAccountService({ db, config, accessCache }),
    mfa,
    organizations: createOrganizationsService({ db, vault, publicUrl: config.publicUrl, accessCache, scheduler }),
    members: createMembersService({ db, publicUrl: config.publicUrl, accessCache }),
    audit: createAuditService({ db }),
    apiKeys: createApiKeysService({ db, logger }),
    platform: createPlatformService({ db }),
    exports,
    syncs: createSyncsService({ db, scheduler }),
    // An API-only process hands queued runs to the workers; `all` executes them itself.
    runs: createRunsService({ db, dispatcher: executor?.dispatcher ?? scheduler.dispatcher }),
    push: createPushService({ db, dispatcher: executor?.dispatcher ?? scheduler.dispatcher }),
    // Resolving a conflict writes to the provider from the API process: the person waits for the provider's answer.
    conflicts: createConflictsService({
      db,
      writeResolution: createConflictResolver({
        db,
        openWriter: createSourceOpener({ db, vault, http, tokens, allowHttp: config.allowPrivateNetworkTargets }).openWriter,
      }),
    }),
    changeFeed: createChangeFeedService({ db }),
    webhookEvents,
    webhooksIn: createWebhooksInService({ db, config, vault, http, tokens, logger, onAccepted: () => webhookEvents.wake() }),
    webhooks: createWebhooksService({ db, vault, config }),
    metrics: createMetricsService({ db, token: config.metrics.token }),
    async close(): Promise<void> {
      await deliveries?.stop();
      await webhookEvents.close();
      await scheduler.close();
      await executor?.drain();
      await http.close();
      await exports.close();
    },
  };
}

export type WorkerServices = ReturnType<typeof createWorkerServices>;
export type ApiServices = ReturnType<typeof createApiServices>;
