import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { OAuth2Namespace } from '@fastify/oauth2';
import type { Config } from '../../config.js';
import type { AuthService } from './auth.service.js';
import { setSessionCookies } from './auth.routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    platformSso: OAuth2Namespace;
  }
}

/**
 * Optional platform sign-in through an OpenID Connect provider (SSO_ISSUER…). The provider's
 * metadata is discovered at start; PKCE and state are handled by @fastify/oauth2. Only an existing,
 * active user whose verified email matches signs in: SSO never creates accounts.
 */
export const ssoRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; config: Config; sso: NonNullable<Config['sso']> }> = async (
  app,
  { auth, config, sso },
) => {
  // Loaded only when SSO is configured: @fastify/oauth2 brings simple-oauth2 and Joi, about 0.3 s of CPU at every start.
  const { default: oauth2 } = await import('@fastify/oauth2');
  await app.register(oauth2, {
    name: 'platformSso',
    scope: ['openid', 'email', 'profile'],
    credentials: { client: { id: sso.clientId, secret: sso.clientSecret } },
    discovery: { issuer: sso.issuer },
    pkce: 'S256',
    callbackUri: `${config.publicUrl}/api/auth/sso/callback`,
    cookie: { secure: config.publicUrl.startsWith('https://'), sameSite: 'lax', httpOnly: true, path: '/' },
  });

  // Declared here rather than through the plugin's `startRedirectPath`, so the route carries its
  // access declaration when it is registered (the route-accounting list is filled at that moment).
  app.get(
    '/api/auth/sso/start',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: `Start single sign-on (${sso.name}): redirects to the identity provider` },
    },
    async (request, reply) => reply.redirect(await app.platformSso.generateAuthorizationUri(request, reply), 302),
  );

  app.get(
    '/api/auth/sso/callback',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'Single sign-on callback: signs in and redirects to the admin UI', hide: false },
    },
    async (request, reply) => {
      try {
        // Passing `reply` clears the state and verifier cookies whatever happens next: they are single-use.
        const { token } = await app.platformSso.getAccessTokenFromAuthorizationCodeFlow(request, reply);
        const info = (await app.platformSso.userinfo(token.access_token)) as { email?: string; email_verified?: boolean };
        if (!info.email) throw new Error('identity provider returned no email');
        const signedIn = await auth.ssoLogin(info.email, info.email_verified === true, request.ctx);
        setSessionCookies(reply, config, signedIn);
        return reply.redirect('/', 302);
      } catch (err) {
        request.log.info({ reason: (err as Error).message }, 'sso sign-in refused');
        return reply.redirect(`/login?error=${encodeURIComponent('Single sign-on failed: no active account matches this identity')}`, 302);
      }
    },
  );
};
