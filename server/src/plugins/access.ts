import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { defineAbilityFor, subject, type Action, type SubjectName } from '../lib/ability.js';
import {
  actorKeyOf,
  type AccessClaims,
  type Actor,
  type ActorRow,
  type ApiKeyActorRow,
  type AuthedContext,
  type PersonContext,
  type RequestContext,
} from '../lib/context.js';
import { Forbidden, NotFound, Unauthorized } from '../lib/errors.js';
import { enforceLimits } from '../lib/rate-limits.js';
import { isUuid } from '../lib/ids.js';
import type { AccessCache } from '../lib/access-cache.js';
import { createSameOriginChecks, UI_PAGES_ROUTE } from './same-origin.js';
import { looksLikeApiKey } from '../lib/api-key-format.js';

/**
 * What a route requires. Every route must declare one (a test walks all routes to make sure):
 * - 'public': anyone (health, login, OAuth callback), or a route that makes its own check instead of a session's or
 *   an API key's (GET /metrics: the METRICS_TOKEN bearer; provider webhooks: their signatures);
 * - 'authenticated': any signed-in person (e.g. GET /api/auth/me); API keys are refused (403);
 * - { action, subject }: a CASL permission, checked against the organization in the URL if any. People and API keys
 *   of that organization both pass it by their role; `callers: 'people'` refuses API keys (403) where a route needs
 *   a person (a browser-bound OAuth consent).
 */
export type Access = 'public' | 'authenticated' | { action: Action; subject: Exclude<SubjectName, 'all'>; callers?: 'people' };

/** Why API keys get 403 on person-only routes: the key is valid (401 would say "authenticate again"), it is just not a person. */
const PEOPLE_ONLY = 'API keys cannot use this route: it is for people signed in to Linkyard';

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
    /** The same on routes only people may call (the gate refused API keys there); reading it with a key is a programming error. */
    readonly personCtx: PersonContext;
    /** The API key the request presented (`Bearer lyk_…`), once the gate found it valid. */
    apiKey: ApiKeyActorRow | null;
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
  /** API keys (the api-keys service): the key a secret belongs to (never cached), and noting its use. */
  apiKeys: {
    authenticate: (secret: string) => Promise<ApiKeyActorRow | undefined>;
    noteUse: (key: ApiKeyActorRow) => void;
  };
}

/** The token of `Authorization: Bearer <token>`, if the request has one. */
function bearerToken(request: FastifyRequest): string | null {
  const match = /^bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match ? match[1] : null;
}

/** The presented key, or 401 saying why it does not work (it is not recorded anywhere: the secret stays out of logs). */
function checkApiKey(key: ApiKeyActorRow | undefined, now: Date): ApiKeyActorRow {
  if (!key) throw new Unauthorized('This API key is not valid');
  if (key.revoked_at) throw new Unauthorized('This API key was revoked');
  if (key.expires_at && key.expires_at.getTime() <= now.getTime()) {
    throw new Unauthorized(`This API key expired at ${key.expires_at.toISOString()}`);
  }
  return key;
}

/**
 * An API key's actor for this route, or the refusal: it reaches only routes under its own organization (other
 * organizations do not exist for it: 404; the platform and routes without an organization: 403), and never routes
 * only people may call.
 */
function apiKeyActor(key: ApiKeyActorRow, access: Exclude<Access, 'public'>, orgId: string | null): Actor {
  if (access === 'authenticated') throw new Forbidden(PEOPLE_ONLY);
  if (!orgId) throw new Forbidden('API keys can only call routes under /api/orgs/<their organization>');
  if (orgId !== key.organization_id) throw new NotFound('Organization');
  if (access.callers === 'people') throw new Forbidden(PEOPLE_ONLY);
  if (key.org_status === 'suspended') throw new Forbidden('This organization is suspended; contact the platform owner');
  return {
    type: 'api_key',
    apiKeyId: key.id,
    name: key.name,
    keyOrgId: key.organization_id,
    platformRole: null,
    orgId,
    orgStatus: key.org_status,
    role: key.role,
    ability: defineAbilityFor({ platformRole: null, orgId, role: key.role, apiKey: true }),
  };
}

export default fp(async function accessPlugin(app: FastifyInstance, { config, accessCache, loadActor, apiKeys }: AccessPluginOptions) {
  app.decorate('routeAccess', []);
  app.decorateRequest('actor', null);
  app.decorateRequest('claims', null);
  app.decorateRequest('apiKey', null);
  // Set by the preHandler hook below, before any route handler runs (the only readers).
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.decorateRequest('authedCtx', {
    getter(this: FastifyRequest): AuthedContext {
      if (!this.ctx?.actor) throw new Error(`${this.method} ${this.routeOptions.url} has no signed-in caller: its route is public`);
      return this.ctx as AuthedContext;
    },
  });
  app.decorateRequest('personCtx', {
    getter(this: FastifyRequest): PersonContext {
      if (this.ctx?.actor?.type !== 'user')
        throw new Error(`${this.method} ${this.routeOptions.url} was reached without a signed-in person`);
      return this.ctx as PersonContext;
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
    keyGenerator: (req) => actorKeyOf((req as FastifyRequest).actor),
    max: config.rateLimit.perUserPerMinute,
    timeWindow: 60_000,
  });
  const perOrg = app.createRateLimit({
    keyGenerator: (req) => `org:${(req as FastifyRequest).actor?.orgId}`,
    max: config.rateLimit.perOrgPerMinute,
    timeWindow: 60_000,
  });

  const sameOrigin = createSameOriginChecks(config.publicUrl);
  const personActor = createPersonActors(config, accessCache, loadActor);

  // Authentication runs before body validation, so an anonymous caller learns nothing but 401.
  app.addHook('onRequest', async (request) => {
    // Every route but the admin UI's pages (which check their own form posts: plugins/admin-ui).
    if (request.routeOptions.url !== UI_PAGES_ROUTE) sameOrigin.refuseForgedApiWrites(request);
    const access = request.routeOptions.config.access;
    if (access === 'public' || !request.routeOptions.url) return;
    const token = bearerToken(request);
    if (token && looksLikeApiKey(token)) {
      request.apiKey = checkApiKey(await apiKeys.authenticate(token), new Date());
      // Where a key may go depends only on the URL, so it is refused here, before the body is even validated.
      const orgId = (request.params as { orgId?: string } | undefined)?.orgId ?? null;
      if (access) request.actor = apiKeyActor(request.apiKey, access, orgId);
      return;
    }
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

    const params = request.params as { orgId?: string } | undefined;
    const orgId = params?.orgId ?? null;
    if (orgId !== null && !isUuid(orgId)) throw new NotFound('Organization');

    if (request.apiKey && request.actor) {
      // Admitted by the onRequest hook above.
      request.ctx = contextOf(request, request.actor);
      apiKeys.noteUse(request.apiKey);
    } else {
      request.actor = await personActor(request, orgId);
      request.ctx = contextOf(request, request.actor);
    }

    await enforceLimits(request, orgId ? [perUser, perOrg] : [perUser]);

    if (typeof access === 'object') {
      const target = orgId ? subject(access.subject, { organizationId: orgId, id: orgId }) : access.subject;
      if (!request.actor.ability.can(access.action, target as never)) throw new Forbidden();
    }
  });
});

/** A signed-in person's actor for the organization in the URL (if any), from the (briefly cached) access lookup. */
function createPersonActors(config: Config, accessCache: AccessCache, loadActor: AccessPluginOptions['loadActor']) {
  return async function personActor(request: FastifyRequest, orgId: string | null): Promise<Actor> {
    const claims = request.claims!;

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

    return {
      type: 'user',
      userId: claims.sub,
      email: row.email,
      platformRole,
      orgId,
      orgStatus: row.org_status,
      role,
      ability: defineAbilityFor({ platformRole, orgId, role }),
    };
  };
}
