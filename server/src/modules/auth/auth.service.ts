import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { Config } from '../../config.js';
import type { AccessClaims, ActorRow, PersonContext, RequestContext } from '../../lib/context.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { Forbidden, Unauthorized } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { hashPassword, newOpaqueToken, sha256, verifyPassword } from '../../lib/passwords.js';
import { recordAudit } from '../audit/audit.service.js';
import type { AccessCache } from '../../lib/access-cache.js';
import { acceptInvitation, describeInvitation, openInvitation } from '../organizations/invitations.js';
import * as repo from './auth.repo.js';
import type * as S from './auth.schemas.js';
import type { MfaChallenge, MfaService } from './mfa.service.js';

/** The API's answer (auth.schemas.ts), plus the refresh token, which goes only into its httpOnly cookie. */
export type SignedIn = Static<typeof S.SignedIn> & { refreshToken: string };

const INVALID_LOGIN = 'Invalid email or password';

/** An active user and their memberships (Unauthorized for anyone else). */
async function loadProfile(db: Db, userId: string, platformOwnerMfa: Config['platformOwnerMfa']): Promise<Static<typeof S.Profile>> {
  const user = await repo.findUserById(db.kysely, userId);
  if (!user || user.status !== 'active') throw new Unauthorized();
  const memberships = await inScope(db, { user: userId }, (tx) => repo.listMembershipsOfUser(tx, userId));
  const mfaEnabled = user.mfa_enabled_at !== null;
  return {
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      platformRole: user.platform_role,
      timezone: user.timezone,
      mfaEnabled,
      mfaRequired: !mfaEnabled && user.platform_role === 'platform_owner' && platformOwnerMfa === 'required',
    },
    memberships,
  };
}

export interface AuthServiceDeps {
  db: Db;
  config: Pick<Config, 'passwordHashCost' | 'accessTokenTtlSeconds' | 'refreshTokenTtlSeconds' | 'platformOwnerMfa'>;
  /** Signs an access token (the API's JWT plugin): only processes that serve the API sign in anyone. */
  signAccessToken: (claims: AccessClaims) => string;
  /** Forgotten for a user when their sessions end or their memberships change. */
  accessCache: AccessCache;
  /** Two-factor sign-in: a sign-in with it on stops at a challenge, completed by loginMfa. */
  mfa: MfaService;
}

export function createAuthService({ db, config, signAccessToken, accessCache, mfa }: AuthServiceDeps) {
  const profile = (userId: string) => loadProfile(db, userId, config.platformOwnerMfa);

  async function issueTokens(userId: string, familyId: string, ctx: RequestContext) {
    const refreshToken = newOpaqueToken();
    await repo.insertSession(db.kysely, {
      id: uuidv7(),
      family_id: familyId,
      user_id: userId,
      token_hash: sha256(refreshToken),
      expires_at: new Date(Date.now() + config.refreshTokenTtlSeconds * 1000),
      ip: ctx.ip,
      user_agent: ctx.userAgent?.slice(0, 500) ?? null,
    });
    return { accessToken: signAccessToken({ sub: userId, sid: familyId }), expiresIn: config.accessTokenTtlSeconds, refreshToken };
  }

  /** Starts a new session family for a user already proven (password or SSO). */
  async function startSession(
    userId: string,
    ctx: RequestContext,
    method: 'password' | 'sso' | 'totp' | 'recovery_code',
  ): Promise<SignedIn> {
    const familyId = uuidv7();
    const tokens = await issueTokens(userId, familyId, ctx);
    const p = await profile(userId);
    await inScope(db, { platform: true }, (tx) =>
      recordAudit(
        tx,
        { ...ctx, actor: actorStub(p.user) },
        {
          organizationId: null,
          action: 'auth.login',
          target: { type: 'user', id: userId },
          metadata: { method },
        },
      ),
    );
    return { ...p, ...tokens };
  }

  return {
    profile,
    startSession,

    /** The access gate's lookup for a verified token (the access plugin caches it briefly). */
    loadActor(userId: string, sessionFamilyId: string, orgId: string | null): Promise<ActorRow | undefined> {
      return repo.loadActor(db.kysely, userId, sessionFamilyId, orgId);
    },

    /** Signs in with a password; with two-factor on, answers a challenge that loginMfa completes. */
    async login(email: string, password: string, ctx: RequestContext): Promise<SignedIn | MfaChallenge> {
      const user = await repo.findUserByEmail(db.kysely, email);
      // Always run the hash, so a missing account answers as slowly as a wrong password.
      const ok = await verifyPassword(password, user?.password_hash ?? null, config.passwordHashCost);
      if (!user || !ok || user.status !== 'active') throw new Unauthorized(INVALID_LOGIN);
      if (user.mfa_enabled_at) return mfa.challenge(user.id);
      return startSession(user.id, ctx, 'password');
    },

    async loginMfa(input: Static<typeof S.LoginMfaBody>, ctx: RequestContext): Promise<SignedIn> {
      const { userId, factor } = await mfa.completeChallenge(input.mfaToken, { code: input.code, recoveryCode: input.recoveryCode }, ctx);
      return startSession(userId, ctx, factor as 'totp' | 'recovery_code');
    },

    async refresh(refreshToken: string, ctx: RequestContext): Promise<SignedIn> {
      const session = await repo.findSessionByTokenHash(db.kysely, sha256(refreshToken));
      if (!session || session.revoked_at) throw new Unauthorized('Session expired; sign in again');
      if (session.rotated_at || !(await repo.markRotated(db.kysely, session.id))) {
        // A refresh token is good once. Seeing it again means it was copied: end the whole family.
        await repo.revokeFamily(db.kysely, session.family_id);
        accessCache.forgetUser(session.user_id);
        await inScope(db, { platform: true }, (tx) =>
          recordAudit(tx, ctx, {
            organizationId: null,
            action: 'auth.refresh_token_reused',
            target: { type: 'user', id: session.user_id },
            metadata: { sessionFamily: session.family_id },
          }),
        );
        throw new Unauthorized('Refresh token was already used; every session from that sign-in has been signed out');
      }
      if (session.expires_at.getTime() <= Date.now()) throw new Unauthorized('Session expired; sign in again');
      const tokens = await issueTokens(session.user_id, session.family_id, ctx);
      return { ...(await profile(session.user_id)), ...tokens };
    },

    async logout(input: { refreshToken?: string; sessionFamilyId?: string; userId?: string }): Promise<void> {
      const session = input.refreshToken ? await repo.findSessionByTokenHash(db.kysely, sha256(input.refreshToken)) : undefined;
      const familyId = input.sessionFamilyId ?? session?.family_id;
      if (!familyId) return;
      await repo.revokeFamily(db.kysely, familyId);
      if (input.userId ?? session?.user_id) accessCache.forgetUser((input.userId ?? session?.user_id)!);
    },

    /** SSO: only an existing, active user whose verified email matches may sign in. */
    async ssoLogin(email: string, emailVerified: boolean, ctx: RequestContext): Promise<SignedIn> {
      const user = emailVerified ? await repo.findUserByEmail(db.kysely, email) : undefined;
      if (!user || user.status !== 'active') {
        throw new Unauthorized('No active Linkyard account matches this single sign-on identity');
      }
      return startSession(user.id, ctx, 'sso');
    },

    ...createInvitationAcceptance({ db, config, accessCache, mfa }, startSession),
  };
}

/** Joining an organization through an invitation: seeing what it is for, and accepting it. */
function createInvitationAcceptance(
  { db, config, accessCache, mfa }: Pick<AuthServiceDeps, 'db' | 'config' | 'accessCache' | 'mfa'>,
  startSession: (userId: string, ctx: RequestContext, method: 'password') => Promise<SignedIn>,
) {
  return {
    /**
     * Accepts an invitation (the token came from POST /members or POST /api/orgs) and signs in. Someone new to
     * Linkyard chooses their password here; someone with an account proves it is theirs with their current one.
     * The membership is created now, in the same transaction as its audit event — never before.
     */
    async acceptInvitation(
      token: string,
      password: string,
      name: string | undefined,
      ctx: RequestContext,
    ): Promise<SignedIn | MfaChallenge> {
      const userId = await inScope(db, { platform: true }, (tx) => joinByInvitation(tx, config, token, password, name, ctx));
      accessCache.forgetUser(userId);
      // The password proves the account but, with two-factor on, does not sign in alone: the code step follows.
      const user = await repo.findUserById(db.kysely, userId);
      if (user?.mfa_enabled_at) return mfa.challenge(userId);
      return startSession(userId, ctx, 'password');
    },

    /** What the accept page shows: the organization, the invited email and role, and whether that email has an account. */
    async previewInvitation(token: string): Promise<Static<typeof S.InvitationPreview>> {
      return inScope(db, { platform: true }, async (tx) => {
        const invitation = await describeInvitation(tx, token);
        const user = await repo.findUserByEmail(tx, invitation.email);
        return {
          organizationName: invitation.organization_name,
          email: invitation.email,
          role: invitation.role,
          expiresAt: invitation.expires_at.toISOString(),
          hasAccount: user?.status === 'active',
        };
      });
    },

    /** A signed-in person accepts an invitation to their own email: no password to type again. */
    async acceptInvitationSignedIn(ctx: PersonContext, token: string): Promise<{ organizationId: string }> {
      const orgId = await inScope(db, { platform: true }, async (tx) => {
        const invitation = await openInvitation(tx, token);
        if (invitation.email.toLowerCase() !== ctx.actor.email.toLowerCase())
          throw new Forbidden(`This invitation is for ${invitation.email}; sign in as ${invitation.email} to accept it`);
        await acceptInvitation(tx, invitation, ctx.actor.userId);
        await recordAudit(tx, ctx, {
          organizationId: invitation.organization_id,
          action: 'member.joined',
          target: { type: 'user', id: ctx.actor.userId },
          metadata: { email: invitation.email, role: invitation.role, invitationId: invitation.id },
        });
        return invitation.organization_id;
      });
      accessCache.forgetUser(ctx.actor.userId);
      return { organizationId: orgId };
    },
  };
}

/**
 * The invitation's acceptance, in one transaction: its person's account (created, activated with the chosen
 * password, or an active one proven by its current password), the membership, the invitation marked accepted,
 * and the audit event. Returns the user's id.
 */
async function joinByInvitation(
  tx: Tx,
  config: AuthServiceDeps['config'],
  token: string,
  password: string,
  name: string | undefined,
  ctx: RequestContext,
): Promise<string> {
  const invitation = await openInvitation(tx, token);
  const existing = await repo.findUserByEmail(tx, invitation.email);
  let userId: string;
  if (!existing) {
    userId = uuidv7();
    await repo.insertActiveUser(tx, {
      id: userId,
      email: invitation.email,
      name: name ?? invitation.name ?? invitation.email.split('@')[0],
      passwordHash: await hashPassword(password, config.passwordHashCost),
    });
  } else if (existing.status === 'invited') {
    userId = existing.id;
    await repo.activateWithPassword(tx, userId, await hashPassword(password, config.passwordHashCost), name);
  } else if (existing.status === 'active' && (await verifyPassword(password, existing.password_hash, config.passwordHashCost))) {
    userId = existing.id;
  } else {
    throw new Unauthorized(`${invitation.email} already has a Linkyard account: enter its current password to accept this invitation`);
  }
  await acceptInvitation(tx, invitation, userId);
  await recordAudit(
    tx,
    { ...ctx, actor: actorStub({ id: userId, email: invitation.email }) },
    {
      organizationId: invitation.organization_id,
      action: 'member.joined',
      target: { type: 'user', id: userId },
      metadata: { email: invitation.email, role: invitation.role, invitationId: invitation.id },
    },
  );
  return userId;
}

function actorStub(user: { id: string; email: string }) {
  return { type: 'user', userId: user.id, email: user.email } as RequestContext['actor'];
}

export type AuthService = ReturnType<typeof createAuthService>;
