import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { defineAbilityFor, subject, type Action, type SubjectName } from '../lib/ability.js';
import type { AccessClaims, Actor, ActorRow, AuthedContext, RequestContext } from '../lib/context.js';
import { Forbidden, NotFound, Unauthorized } from '../lib/errors.js';
import { enforceLimits } from '../lib/rate-limits.js';
import { isUuid } from '../lib/ids.js';
import type { AccessCache } from '../lib/access-cache.js';
import { createSameOriginChecks, UI_PAGES_ROUTE } from './same-origin.js';

/**
 * What a route requires. Every route must declare one (a test walks all routes to make sure):
 * - 'public': anyone (health, login, OAuth callback);
 * - 'authenticated': any signed-in user (e.g. GET /api/auth/me);
 * - { action, subject }: a CASL permission, checked against the organization in the URL if any.
 */
export type Access = 'public' | 'authenticated' | { action: Action; subject: Exclude<SubjectName, 'all'> };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor | null;
    claims: AccessClaims | null;
    /**
     * What services see of this request (who acts, from where), built once by the access plugin's preHandler
     * hook: route handlers pass it on. The actor is null on public routes.
     */
    ctx: RequestContext;
    /**
     * The same for a signed-in caller, on every route that is not public: what services that act for a user take.
     * Reading it on a public route is a programming error (there is no actor).
     */
    readonly authedCtx: AuthedContext;
  }
  interface FastifyInstance {
    /** Every route's method, URL and declared access, in registration order. */
    routeAccess: { method: string; url: string; access: Access | undefined }[];
  }
}

/** The request seen from a service: who acts and from where. */
function contextOf(request: FastifyRequest, actor: Actor | null): RequestContext {
  return {
    actor,
    ip: request.ip ?? null,
    userAgent: (request.headers['user-agent'] ?? '').slice(0, 500) || null,
    requestId: request.id,
  };
}

export interface AccessPluginOptions {
  config: Config;
  accessCache: AccessCache;
  /** The lookup behind a verified token (user, session, membership in the URL's organization): the auth service's. */
  loadActor: (userId: string, sessionFamilyId: string, orgId: string | null) => Promise<ActorRow | undefined>;
}

export default fp(async function accessPlugin(app: FastifyInstance, { config, accessCache, loadActor }: AccessPluginOptions) {
  app.decorate('routeAccess', []);
  app.decorateRequest('actor', null);
  app.decorateRequest('claims', null);
  // Set by the preHandler hook below, before any route handler runs (the only readers).
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.decorateRequest('authedCtx', {
    getter(this: FastifyRequest): AuthedContext {
      if (!this.ctx?.actor) throw new Error(`${this.method} ${this.routeOptions.url} has no signed-in caller: its route is public`);
      return this.ctx as AuthedContext;
    },
  });

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      // Read lazily: hooks of encapsulated plugins (e.g. the docs UI) may set the access after this hook.
      app.routeAccess.push({
        method,
        url: route.url,
        get access() {
          return route.config?.access;
        },
      });
    }
  });

  const perUser = app.createRateLimit({
    keyGenerator: (req) => `user:${(req as FastifyRequest).actor?.userId}`,
    max: config.rateLimit.perUserPerMinute,
    timeWindow: 60_000,
  });
  const perOrg = app.createRateLimit({
    keyGenerator: (req) => `org:${(req as FastifyRequest).actor?.orgId}`,
    max: config.rateLimit.perOrgPerMinute,
    timeWindow: 60_000,
  });

  const sameOrigin = createSameOriginChecks(config.publicUrl);

  // Authentication runs before body validation, so an anonymous caller learns nothing but 401.
  app.addHook('onRequest', async (request) => {
    // Every route but the admin UI's pages (which check their own form posts: plugins/admin-ui).
    if (request.routeOptions.url !== UI_PAGES_ROUTE) sameOrigin.refuseForgedApiWrites(request);
    const access = request.routeOptions.config.access;
    if (access === 'public' || !request.routeOptions.url) return;
    let claims: AccessClaims;
    try {
      claims = await request.jwtVerify<AccessClaims>();
    } catch {
      throw new Unauthorized();
    }
    // exp, iss and aud are required by the verifier (app.ts); a token must also name a user and a session of that user.
    if (!isUuid(claims.sub) || !isUuid(claims.sid)) throw new Unauthorized();
    request.claims = claims;
  });

  app.addHook('preHandler', async (request) => {
    const access = request.routeOptions.config.access;
    if (!request.routeOptions.url) return; // the not-found handler
    if (!access) throw new Forbidden('This route declares no permission');
    if (access === 'public') {
      request.ctx = contextOf(request, null);
      return;
    }

    const claims = request.claims!;
    const params = request.params as { orgId?: string } | undefined;
    const orgId = params?.orgId ?? null;
    if (orgId !== null && !isUuid(orgId)) throw new NotFound('Organization');

    let row = accessCache.get(claims.sub, claims.sid, orgId);
    if (!row) {
      row = await loadActor(claims.sub, claims.sid, orgId);
      if (row) accessCache.set(claims.sub, claims.sid, orgId, row);
    }
    if (!row || row.status !== 'active' || row.session_revoked) throw new Unauthorized('Session expired; sign in again');

    // PLATFORM_OWNER_MFA=required: a Platform Owner without two-factor sign-in acts as a plain user (who can turn it on).
    const platformRole = row.platform_role && (config.platformOwnerMfa !== 'required' || row.mfa_enabled) ? row.platform_role : null;
    const platformOwner = platformRole === 'platform_owner';
    let role = row.role;
    if (orgId) {
      // Not a member (and not the Platform Owner): the organization does not exist for this caller.
      if (!row.org_exists || (!role && !platformOwner)) throw new NotFound('Organization');
      if (row.org_status === 'suspended') {
        if (!platformOwner) throw new Forbidden('This organization is suspended; contact the platform owner');
        role = null; // the Platform Owner still reads (and can reactivate) it, but not as a member
      }
    }

    request.actor = {
      userId: claims.sub,
      email: row.email,
      platformRole,
      orgId,
      orgStatus: row.org_status,
      role,
      ability: defineAbilityFor({ platformRole, orgId, role }),
    };
    request.ctx = contextOf(request, request.actor);

    await enforceLimits(request, orgId ? [perUser, perOrg] : [perUser]);

    if (typeof access === 'object') {
      const target = orgId ? subject(access.subject, { organizationId: orgId, id: orgId }) : access.subject;
      if (!request.actor.ability.can(access.action, target as never)) throw new Forbidden();
    }
  });
});
