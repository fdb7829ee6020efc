import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import type { Config } from './config.js';
import { createAuditService } from './modules/audit/audit.service.js';
import { createAuthService } from './modules/auth/auth.service.js';
import { createMembersService } from './modules/organizations/members.service.js';
import { createOrganizationsService } from './modules/organizations/organizations.service.js';
import { createPlatformService } from './modules/platform/platform.service.js';
import { createIntegrationsService } from './modules/integrations/integrations.service.js';
import { createSyncsService } from './modules/syncs/syncs.service.js';
import { createRunsService } from './modules/runs/runs.service.js';
import { createRunExecutor } from './modules/sync-engine/run-executor.js';
import { createSourceOpener } from './modules/sync-engine/connectors.js';
import { createOAuthService } from './modules/oauth/oauth.service.js';
import { createExportsService } from './modules/exports/exports.service.js';
import { createScheduler } from './modules/scheduler/scheduler.js';
import { createTokenManager } from './modules/oauth/token-manager.js';
import type { AccessClaims } from './lib/context.js';
import { createVault } from './lib/crypto/index.js';
import { createAccessCache } from './lib/access-cache.js';
import { createSafeHttpClient } from './lib/safe-http/index.js';

/** Every domain service, wired once per process; routes, scripts and jobs share them. */
export interface ServiceDeps {
  db: Db;
  config: Config;
  signAccessToken: (c: AccessClaims) => string;
  logger: FastifyBaseLogger;
}

export function createServices({ db, config, signAccessToken, logger }: ServiceDeps) {
  const vault = createVault({ currentKey: config.encryptionKey, previousKeys: config.encryptionKeysPrevious });
  // Every call to a provider goes through this client: private addresses refused, timeouts everywhere.
  const http = createSafeHttpClient({
    allowPrivateNetworkTargets: config.allowPrivateNetworkTargets,
    requireHttps: config.nodeEnv === 'production',
    userAgent: 'Linkyard/0.1',
  });
  // Valid OAuth access tokens for provider calls (the sync engine's too): refreshes under a row lock.
  const tokens = createTokenManager({ db, config, vault, http });
  const accessCache = createAccessCache();
  const executor = createRunExecutor({
    db,
    logger,
    concurrency: config.worker.concurrency,
    staleRunMs: config.worker.lockLifetimeMs,
    openSource: createSourceOpener({ db, vault, http, tokens, allowHttp: config.allowPrivateNetworkTargets }),
  });
  // Schedules live in Agenda's job store; services tell it after each commit that may change them.
  const scheduler = createScheduler({ db, config, executor, logger });
  return {
    accessCache,
    vault,
    http,
    tokens,
    integrations: createIntegrationsService(db, config, vault, scheduler),
    oauth: createOAuthService({ db, config, vault, http, tokens }),
    auth: createAuthService(db, config, signAccessToken, accessCache),
    organizations: createOrganizationsService(db, accessCache, scheduler),
    members: createMembersService(db, accessCache),
    audit: createAuditService(db),
    platform: createPlatformService(db),
    exports: createExportsService(db, logger),
    syncs: createSyncsService(db, scheduler),
    // An API-only process hands queued runs to the workers; a worker (or `all`) executes them itself.
    runs: createRunsService(db, config.role === 'api' ? scheduler.dispatcher : executor.dispatcher),
    executor,
    scheduler,
  };
}

export type Services = ReturnType<typeof createServices>;
