import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { ACCESS_COOKIE, REFRESH_COOKIE } from '../../lib/session-cookies.js';
import { Unauthorized } from '../../lib/errors.js';
import { enforceLimits } from '../../lib/rate-limits.js';
import { sha256 } from '../../lib/passwords.js';
import { commonErrors } from '../../lib/schemas.js';
import type { AuthService, SignedIn as SignedInResult } from './auth.service.js';
import type { AccountService } from './account.service.js';
import type { MfaService } from './mfa.service.js';
import { accountRoutes } from './account.routes.js';
import {
  AcceptedInvitation,
  AcceptInvitationBody,
  InvitationPreview,
  InvitationTokenBody,
  LoginBody,
  LoginMfaBody,
  LoginResult,
  Profile,
  RefreshBody,
  SignedIn,
} from './auth.schemas.js';

/**
 * Sets the httpOnly cookies the admin UI authenticates with; the body carries the access token for API clients.
 * The refresh cookie is sent on every same-site path (not only /api/auth) because the admin UI renders on
 * the server: when a page's access token has expired, the UI's loader refreshes it in-process before
 * answering. SameSite=Strict keeps it off every cross-site request.
 */
export function setSessionCookies(reply: FastifyReply, config: Config, s: SignedInResult) {
  const secure = config.publicUrl.startsWith('https://');
  reply.setCookie(ACCESS_COOKIE, s.accessToken, { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: s.expiresIn });
  reply.setCookie(REFRESH_COOKIE, s.refreshToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    maxAge: config.refreshTokenTtlSeconds,
  });
}

function clearSessionCookies(reply: FastifyReply) {
  reply.clearCookie(ACCESS_COOKIE, { path: '/' });
  reply.clearCookie(REFRESH_COOKIE, { path: '/' });
}

const signedInBody = ({ refreshToken: _omitted, ...rest }: SignedInResult) => rest;

type PreHandler = (request: FastifyRequest) => Promise<void>;

/**
 * The auth module's routes: signing in and out, then accepting an invitation. Both sign a person in with a
 * secret they type, so both count against the same per-IP limit (created once, here, so they share it).
 */
export const authRoutes: FastifyPluginAsyncTypebox<{
  auth: AuthService;
  account: AccountService;
  mfa: MfaService;
  config: Config;
}> = async (app, { auth, account, mfa, config }) => {
  const loginPerIp = app.createRateLimit({
    keyGenerator: (req) => `login-ip:${req.ip}`,
    max: config.rateLimit.loginPerIpPerMinute,
    timeWindow: 60_000,
  });
  const loginPerAccount = app.createRateLimit({
    keyGenerator: (req) => `login-account:${String((req.body as { email?: string })?.email ?? '').toLowerCase()}`,
    max: config.rateLimit.loginPerAccountPerMinute,
    timeWindow: 60_000,
  });
  const limitLogin = (request: FastifyRequest) => enforceLimits(request, [loginPerIp, loginPerAccount]);
  // An invitation is guessed or replayed by its token, so that is what the second limit counts (hashed: the
  // limiter's store, Redis included, never holds a usable token).
  const invitationPerToken = app.createRateLimit({
    keyGenerator: (req) => `invitation-token:${sha256(String((req.body as { token?: string })?.token ?? ''))}`,
    max: config.rateLimit.loginPerAccountPerMinute,
    timeWindow: 60_000,
  });
  const limitInvitation = (request: FastifyRequest) => enforceLimits(request, [loginPerIp, invitationPerToken]);

  // The second step of a sign-in is guessed at by its challenge token: that is what its second limit counts.
  const mfaPerToken = app.createRateLimit({
    keyGenerator: (req) => `mfa-token:${sha256(String((req.body as { mfaToken?: string })?.mfaToken ?? ''))}`,
    max: config.rateLimit.loginPerAccountPerMinute,
    timeWindow: 60_000,
  });
  const limitMfa = (request: FastifyRequest) => enforceLimits(request, [loginPerIp, mfaPerToken]);

  await app.register(sessionRoutes, { auth, config, limitLogin, limitMfa });
  await app.register(invitationRoutes, { auth, config, limitInvitation });
  await app.register(accountRoutes, { account, mfa });
};

/** A session: signing in with a password, refreshing its tokens, signing out, and who is signed in. */
const sessionRoutes: FastifyPluginAsyncTypebox<{
  auth: AuthService;
  config: Config;
  limitLogin: PreHandler;
  limitMfa: PreHandler;
}> = async (app, { auth, config, limitLogin, limitMfa }) => {
  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      preHandler: limitLogin,
      schema: {
        operationId: 'login',
        tags: ['auth'],
        summary: 'Sign in with email and password; with two-factor sign-in on, the answer asks for a code (POST /api/auth/login/mfa)',
        body: LoginBody,
        response: { 200: LoginResult, ...commonErrors },
      },
    },
    async (request, reply) => {
      const result = await auth.login(request.body.email, request.body.password, request.ctx);
      if ('mfaRequired' in result) return result;
      setSessionCookies(reply, config, result);
      return signedInBody(result);
    },
  );

  app.post(
    '/api/auth/login/mfa',
    {
      config: { access: 'public' },
      preHandler: limitMfa,
      schema: {
        operationId: 'loginMfa',
        tags: ['auth'],
        summary: 'Complete a sign-in with a two-factor code or a recovery code (each recovery code works once)',
        body: LoginMfaBody,
        response: { 200: SignedIn, ...commonErrors },
      },
    },
    async (request, reply) => {
      const result = await auth.loginMfa(request.body, request.ctx);
      setSessionCookies(reply, config, result);
      return signedInBody(result);
    },
  );

  app.post(
    '/api/auth/refresh',
    {
      config: { access: 'public' },
      preValidation: emptyBodyAllowed,
      schema: {
        tags: ['auth'],
        summary: 'Exchange a refresh token (cookie or body) for new tokens; each refresh token works once',
        body: RefreshBody,
        response: { 200: SignedIn, ...commonErrors },
      },
    },
    async (request, reply) => {
      const token = request.body?.refreshToken ?? request.cookies[REFRESH_COOKIE];
      if (!token) throw new Unauthorized('No refresh token; sign in again');
      try {
        const result = await auth.refresh(token, request.ctx);
        setSessionCookies(reply, config, result);
        return { ...signedInBody(result) };
      } catch (err) {
        clearSessionCookies(reply);
        throw err;
      }
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'public' },
      preValidation: emptyBodyAllowed,
      schema: { tags: ['auth'], summary: 'Sign out: revokes the session and clears the cookies', body: RefreshBody },
    },
    async (request, reply) => {
      let sessionFamilyId: string | undefined;
      let userId: string | undefined;
      try {
        ({ sid: sessionFamilyId, sub: userId } = await request.jwtVerify<{ sid: string; sub: string }>());
      } catch {
        // An expired access token still lets the refresh token identify the session.
      }
      await auth.logout({ sessionFamilyId, userId, refreshToken: request.body?.refreshToken ?? request.cookies[REFRESH_COOKIE] });
      clearSessionCookies(reply);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'The signed-in user and their organizations', response: { 200: Profile, ...commonErrors } },
    },
    async (request) => auth.profile(request.personCtx.actor.userId),
  );
};

/** Accepting an invitation: the invited person sets a password with its one-time token and is signed in. */
const invitationRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; config: Config; limitInvitation: PreHandler }> = async (
  app,
  { auth, config, limitInvitation },
) => {
  app.post(
    '/api/auth/accept-invitation',
    {
      config: { access: 'public' },
      preHandler: limitInvitation,
      schema: {
        tags: ['auth'],
        summary: 'Set a password with the invitation token from POST /members, and sign in',
        body: AcceptInvitationBody,
        response: { 200: LoginResult, ...commonErrors },
      },
    },
    async (request, reply) => {
      const result = await auth.acceptInvitation(request.body.token, request.body.password, request.body.name, request.ctx);
      if ('mfaRequired' in result) return result;
      setSessionCookies(reply, config, result);
      return signedInBody(result);
    },
  );

  // A POST, so the token stays out of URLs (and logs).
  app.post(
    '/api/auth/invitations/preview',
    {
      config: { access: 'public' },
      preHandler: limitInvitation,
      schema: {
        operationId: 'previewInvitation',
        tags: ['auth'],
        summary: 'What an invitation link is for (organization, email, role), shown on the accept page before accepting',
        body: InvitationTokenBody,
        response: { 200: InvitationPreview, ...commonErrors },
      },
    },
    async (request) => auth.previewInvitation(request.body.token),
  );

  app.post(
    '/api/auth/invitations/accept',
    {
      config: { access: 'authenticated' },
      preHandler: limitInvitation,
      schema: {
        operationId: 'acceptInvitationSignedIn',
        tags: ['auth'],
        summary: 'Accept an invitation to your own email while signed in (no password needed)',
        body: InvitationTokenBody,
        response: { 200: AcceptedInvitation, ...commonErrors },
      },
    },
    async (request) => auth.acceptInvitationSignedIn(request.personCtx, request.body.token),
  );
};

/** Cookie-based callers (the admin UI) send no body at all; validate it as an empty object. */
async function emptyBodyAllowed(request: FastifyRequest) {
  if (request.body === undefined || request.body === null) request.body = {};
}
