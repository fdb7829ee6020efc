import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import jwt from '@fastify/jwt';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/client.js';
import type { Config } from './config.js';
import { loggerOptions } from './lib/logger.js';
import accessPlugin from './plugins/access.js';
import { ACCESS_COOKIE } from './lib/session-cookies.js';
import errorsPlugin from './plugins/errors.js';
import openapiPlugin from './plugins/openapi.js';
import adminUiPlugin from './plugins/admin-ui/index.js';
import httpMetricsPlugin from './plugins/http-metrics.js';
import { createServices, type ApiServices } from './services.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { ssoRoutes } from './modules/auth/sso.routes.js';
import { organizationsRoutes } from './modules/organizations/organizations.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { apiKeysRoutes } from './modules/api-keys/api-keys.routes.js';
import { platformRoutes } from './modules/platform/platform.routes.js';
import { providersRoutes } from './modules/providers/providers.routes.js';
import { integrationsRoutes } from './modules/integrations/integrations.routes.js';
import { syncsRoutes } from './modules/syncs/syncs.routes.js';
import { runsRoutes } from './modules/runs/runs.routes.js';
import { pushRoutes } from './modules/push/push.routes.js';
import { conflictsRoutes } from './modules/conflicts/conflicts.routes.js';
import { changeFeedRoutes } from './modules/change-feed/change-feed.routes.js';
import { oauthRoutes } from './modules/oauth/oauth.routes.js';
import { exportsRoutes } from './modules/exports/exports.routes.js';
import { webhooksInRoutes } from './modules/webhooks-in/webhooks-in.routes.js';
import { webhooksRoutes } from './modules/webhooks/webhooks.routes.js';
import { metricsRoutes } from './modules/metrics/metrics.routes.js';
import { createMetricsListener, listenForMetrics } from './modules/metrics/metrics-listener.js';
import { metricsServed } from './modules/metrics/metrics.service.js';
import { collectProcessMetrics } from './lib/metrics.js';
import { DEMO_LOGINS } from './seed/demo.js';
import { lazySchemaCompilers } from './lib/schema-compilers.js';
import { closeUnusedConnectionsOnClose } from './lib/unused-connections.js';

/**
 * Headers on every response. API answers are data, never documents: their CSP allows nothing at all (the admin
 * UI's pages and the API reference send policies of their own). HSTS only where Linkyard is served over https.
 */
function securityHeaders(config: Config): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    ...(config.publicUrl.startsWith('https://') ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

export interface AppDeps {
  config: Config;
  db: Db;
  /** Override the logger (tests capture log lines to prove no secret is written). */
  logger?: FastifyInstance['log'] | boolean;
}

/** Builds the HTTP application without listening, so tests drive it with `inject` or a real port. */
export async function buildApp({ config, db, logger }: AppDeps) {
  const app = Fastify({
    ...(logger === undefined
      ? { logger: loggerOptions(config.logLevel) }
      : typeof logger === 'boolean'
        ? { logger }
        : { loggerInstance: logger }),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    schemaController: lazySchemaCompilers,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<TypeBoxTypeProvider>();
  closeUnusedConnectionsOnClose(app);

  // Loaded only when configured: importing ioredis costs every process (each test file, each worker) about 0.15 s of CPU.
  const redis = config.redisUrl
    ? new (await import('ioredis')).Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false })
    : null;
  if (redis) {
    redis.on('error', (err) => app.log.warn({ err: err.message }, 'redis error'));
    app.addHook('onClose', async () => {
      redis.disconnect();
    });
  }

  const headers = securityHeaders(config);
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers({ 'x-request-id': request.id, ...headers });
    done();
  });

  await app.register(errorsPlugin);
  await app.register(cookie);
  await app.register(jwt, {
    secret: config.jwtSecret,
    sign: { algorithm: 'HS256', iss: config.jwtIssuer, aud: config.jwtAudience, expiresIn: config.accessTokenTtlSeconds },
    // `cache`: a verified token's claims are kept (until it expires), skipping the HMAC on repeat requests.
    verify: {
      algorithms: ['HS256'],
      allowedIss: config.jwtIssuer,
      allowedAud: config.jwtAudience,
      cache: true,
      // A token without an expiry, issuer or audience is refused rather than trusted forever or everywhere.
      requiredClaims: ['exp', 'iat', 'iss', 'aud', 'sub', 'sid'],
    },
    cookie: { cookieName: ACCESS_COOKIE, signed: false },
  });
  // Limits are applied explicitly (per IP on login, per account, per user, per organization) with
  // createRateLimit; the store is Redis when configured so every API instance shares the counters.
  await app.register(rateLimit, { global: false, ...(redis ? { redis, nameSpace: 'linkyard-rl:' } : {}) });
  // An app built from a worker's configuration (tests) still executes runs itself, as `all` does.
  const services = createServices(config.role === 'api' ? 'api' : 'all', {
    db,
    config,
    signAccessToken: (claims) => app.jwt.sign(claims),
    logger: app.log,
  });
  app.decorate('services', services);

  // The access plugin goes first so its onRoute hook sees (and accounts for) every later route.
  await app.register(accessPlugin, {
    config,
    accessCache: services.accessCache,
    loadActor: services.auth.loadActor,
    apiKeys: services.apiKeys,
  });
  await app.register(openapiPlugin, { publicUrl: config.publicUrl });
  // Metrics are collected only where they are served (METRICS_TOKEN or METRICS_PORT); the request histogram's
  // plugin goes before the routes so that each route gets its hook.
  if (metricsServed(config)) {
    collectProcessMetrics();
    await app.register(httpMetricsPlugin);
  }

  await app.register(healthRoutes, { db });
  await app.register(authRoutes, { auth: services.auth, account: services.account, mfa: services.mfa, config });
  if (config.sso) await app.register(ssoRoutes, { auth: services.auth, config, sso: config.sso });
  await app.register(organizationsRoutes, { organizations: services.organizations, members: services.members });
  await app.register(auditRoutes, { audit: services.audit });
  await app.register(apiKeysRoutes, { apiKeys: services.apiKeys });
  await app.register(platformRoutes, { platform: services.platform });
  await app.register(providersRoutes);
  await app.register(integrationsRoutes, { integrations: services.integrations });
  await app.register(syncsRoutes, { syncs: services.syncs });
  await app.register(runsRoutes, { runs: services.runs });
  await app.register(pushRoutes, { push: services.push });
  await app.register(conflictsRoutes, { conflicts: services.conflicts });
  await app.register(changeFeedRoutes, { changeFeed: services.changeFeed });
  await app.register(oauthRoutes, { oauth: services.oauth, config });
  await app.register(exportsRoutes, { exports: services.exports });
  await app.register(webhooksInRoutes, { webhooksIn: services.webhooksIn });
  await app.register(webhooksRoutes, { webhooks: services.webhooks });
  await app.register(metricsRoutes, { metrics: services.metrics });
  if (config.metrics.port !== null) listenForMetrics(app, createMetricsListener(services.metrics, config.metrics.port));
  // Every other path is a page of the admin UI, rendered here; its loaders call the routes above in-process.
  await adminUiPlugin(app, { config, demoLogins: DEMO_LOGINS });
  // The scheduler drains its running jobs (agenda.drain), runs in flight in this process finish, then the provider
  // HTTP client and the PDF browser close (services.ts); main.ts closes the database.
  app.addHook('onClose', async () => services.close());

  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: ApiServices;
  }
}

export type App = Awaited<ReturnType<typeof buildApp>>;
