import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Config } from '../../config.js';
import { commonErrors, ErrorResponse } from '../../lib/schemas.js';
import { enforceLimits } from '../../lib/rate-limits.js';
import { IntegrationParams } from '../integrations/integrations.schemas.js';
import type { OAuthService } from './oauth.service.js';
import * as S from './oauth.schemas.js';

/**
 * The browser binding of an OAuth attempt: a random value whose SHA-256 is stored with the state.
 * SameSite=Lax because the provider's redirect back is a top-level cross-site GET (Strict would drop it);
 * the path keeps it off every request but the callback.
 */
export const BINDING_COOKIE = 'ly_oauth_binding';
const BINDING_PATH = '/api/oauth';

const tags = ['integrations'];
const base = '/api/orgs/:orgId/integrations/:id';

/** The OAuth module's routes: connecting an integration (start and provider callback), then its connection once made. */
export const oauthRoutes: FastifyPluginAsyncTypebox<{ oauth: OAuthService; config: Config }> = async (app, { oauth, config }) => {
  await app.register(connectRoutes, { oauth, config });
  await app.register(connectionRoutes, { oauth });
};

/**
 * The authorization-code flow: the start, which binds the attempt to this browser with a cookie, and the
 * provider's redirect back, which checks that binding.
 */
const connectRoutes: FastifyPluginAsyncTypebox<{ oauth: OAuthService; config: Config }> = async (app, { oauth, config }) => {
  const secure = config.publicUrl.startsWith('https://');
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure, path: BINDING_PATH };
  // The callback is public and writes an audit event for every refusal: limit it per IP like sign-in.
  const callbackPerIp = app.createRateLimit({
    keyGenerator: (req) => `oauth-callback:${req.ip}`,
    max: config.rateLimit.loginPerIpPerMinute,
    timeWindow: 60_000,
  });

  app.post(
    `${base}/connect`,
    {
      // A person consents at the provider, in the browser this binds the flow to: API keys cannot.
      config: { access: { action: 'update', subject: 'Integration', callers: 'people' } },
      schema: {
        tags,
        summary:
          'Start connecting an OAuth 2 integration: returns the provider URL to send the browser to (PKCE S256, 10-minute single-use state bound to this browser by a cookie)',
        params: IntegrationParams,
        body: S.ConnectBody,
        response: { 200: S.ConnectResponse, ...commonErrors },
      },
      // The body is optional: a POST without one means "no returnTo".
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    },
    async (request, reply) => {
      const started = await oauth.connect(request.personCtx, request.params.orgId, request.params.id, request.body ?? {});
      reply.setCookie(BINDING_COOKIE, started.browserBinding, { ...cookieOptions, maxAge: started.expiresInSeconds });
      reply.header('cache-control', 'no-store');
      return { authorizationUrl: started.authorizationUrl, state: started.state };
    },
  );

  app.get(
    '/api/oauth/callback',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          "The OAuth provider's redirect: connects the integration and redirects to its page in the admin UI (?connected=1, or ?error=… with a readable message)",
        querystring: S.CallbackQuery,
        response: {
          302: Type.Null({ description: 'Redirect to the admin UI' }),
          400: Type.Ref(ErrorResponse),
          429: Type.Ref(ErrorResponse),
        },
      },
    },
    async (request, reply) => {
      await enforceLimits(request, [callbackPerIp]);
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(request.query as Record<string, unknown>)) {
        for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') params.append(key, v);
      }
      let outcome;
      try {
        outcome = await oauth.callback(params, request.cookies[BINDING_COOKIE], request.ctx);
      } catch (err) {
        request.log.error({ err }, 'oauth callback failed');
        outcome = {
          ok: false,
          clearBinding: false,
          location: `/?error=${encodeURIComponent(`Connecting failed on our side; quote request id ${request.id} when reporting it.`)}`,
        };
      }
      if (!outcome.ok) {
        request.log.info(
          { reason: outcome.reason, organizationId: outcome.organizationId, integrationId: outcome.integrationId },
          'oauth connect refused',
        );
      }
      if (outcome.clearBinding) reply.clearCookie(BINDING_COOKIE, cookieOptions);
      reply.header('cache-control', 'no-store');
      return reply.redirect(outcome.location, 302);
    },
  );
};

/** A connected integration: disconnecting it, reading its connection, and testing its credentials. */
const connectionRoutes: FastifyPluginAsyncTypebox<{ oauth: OAuthService }> = async (app, { oauth }) => {
  app.post(
    `${base}/disconnect`,
    {
      config: { access: { action: 'update', subject: 'Integration' } },
      schema: {
        tags,
        summary: 'Disconnect: revoke the tokens at the provider when it supports RFC 7009 (best effort), forget them, status INACTIVE',
        params: IntegrationParams,
        response: { 204: Type.Null(), ...commonErrors },
      },
    },
    async (request, reply) => {
      const result = await oauth.disconnect(request.authedCtx, request.params.orgId, request.params.id);
      if (result.revocation === 'failed') {
        request.log.warn(
          { integrationId: request.params.id, reason: result.revocationError },
          'token revocation failed; disconnected anyway',
        );
      }
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${base}/connection`,
    {
      config: { access: { action: 'read', subject: 'Integration' } },
      schema: {
        tags,
        summary: 'The OAuth connection: status, granted scopes, expiry, connected account, refresh history (never tokens)',
        params: IntegrationParams,
        response: { 200: S.Connection, ...commonErrors },
      },
    },
    async (request) => oauth.connection(request.authedCtx, request.params.orgId, request.params.id),
  );

  app.post(
    `${base}/test`,
    {
      config: { access: { action: 'update', subject: 'Integration' } },
      schema: {
        tags,
        summary:
          'One cheap call to the provider with the stored credentials; success marks API-key and basic integrations verified (ACTIVE)',
        params: IntegrationParams,
        response: { 200: S.TestResult, ...commonErrors },
      },
    },
    async (request) => oauth.test(request.authedCtx, request.params.orgId, request.params.id),
  );
};
