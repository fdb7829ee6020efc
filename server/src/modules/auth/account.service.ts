import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { Config } from '../../config.js';
import type { AccessCache } from '../../lib/access-cache.js';
import type { PersonContext } from '../../lib/context.js';
import { inScope } from '../../lib/db-scope.js';
import { BadRequest, Unauthorized } from '../../lib/errors.js';
import { hashPassword, verifyPassword } from '../../lib/passwords.js';
import { isValidTimezone } from '../../lib/timezones.js';
import { recordAudit } from '../audit/audit.service.js';
import * as repo from './auth.repo.js';
import type * as S from './auth.schemas.js';

export type UpdateProfileInput = Static<typeof S.UpdateProfileBody>;
export type ChangePasswordInput = Static<typeof S.ChangePasswordBody>;

const MIN_PASSWORD_LENGTH = 12;

export interface AccountServiceDeps {
  db: Db;
  config: Pick<Config, 'passwordHashCost'>;
  /** Forgotten for a user whose other sessions end, so their access tokens stop at the next request. */
  accessCache: AccessCache;
}

/** A signed-in person's own account: their name, time zone preference and password. */
export function createAccountService({ db, config, accessCache }: AccountServiceDeps) {
  return {
    async updateProfile(ctx: PersonContext, input: UpdateProfileInput): Promise<void> {
      const patch: { name?: string; timezone?: string | null } = {};
      if (input.name !== undefined) {
        const name = input.name.trim();
        if (!name) throw new BadRequest('Enter your name', '/name');
        patch.name = name;
      }
      if (input.timezone !== undefined) {
        if (input.timezone !== null && !isValidTimezone(input.timezone))
          throw new BadRequest(`"${input.timezone}" is not a time zone; choose one from the list (e.g. Europe/Berlin or UTC)`, '/timezone');
        patch.timezone = input.timezone;
      }
      if (!Object.keys(patch).length) throw new BadRequest('Nothing to change: send name or timezone');
      await inScope(db, { platform: true }, async (tx) => {
        await repo.updateProfile(tx, ctx.actor.userId, patch);
        await recordAudit(tx, ctx, {
          organizationId: null,
          action: 'auth.profile_updated',
          target: { type: 'user', id: ctx.actor.userId },
          metadata: { changed: Object.keys(patch) },
        });
      });
    },

    /**
     * Changes the password, proven by the current one. Every other session of the person ends (a password
     * change is what someone does who fears their account is in other hands); the one making the change stays.
     */
    async changePassword(ctx: PersonContext, sessionFamilyId: string, input: ChangePasswordInput): Promise<{ otherSessionsEnded: number }> {
      const user = await repo.findUserById(db.kysely, ctx.actor.userId);
      if (!user || user.status !== 'active') throw new Unauthorized();
      if (Array.from(input.newPassword).length < MIN_PASSWORD_LENGTH)
        throw new BadRequest(`The new password must be at least ${MIN_PASSWORD_LENGTH} characters long`, '/newPassword');
      if (!(await verifyPassword(input.currentPassword, user.password_hash, config.passwordHashCost)))
        throw new BadRequest('The current password is not right', '/currentPassword');
      if (input.newPassword === input.currentPassword)
        throw new BadRequest('The new password must differ from the current one', '/newPassword');
      const hash = await hashPassword(input.newPassword, config.passwordHashCost);
      const ended = await inScope(db, { platform: true }, async (tx) => {
        await repo.updatePasswordHash(tx, user.id, hash);
        const n = await repo.revokeOtherFamilies(tx, user.id, sessionFamilyId);
        await recordAudit(tx, ctx, {
          organizationId: null,
          action: 'auth.password_changed',
          target: { type: 'user', id: user.id },
          metadata: { otherSessionsEnded: n },
        });
        return n;
      });
      accessCache.forgetUser(user.id);
      return { otherSessionsEnded: ended };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
