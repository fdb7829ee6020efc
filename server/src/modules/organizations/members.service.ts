import type { Db } from '../../../../db/client.js';
import type { MemberRole } from '../../../../db/schema.js';
import { assertCan, subject } from '../../lib/ability.js';
import type { RequestContext } from '../../lib/context.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { Conflict, NotFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import { newOpaqueToken, sha256 } from '../../lib/passwords.js';
import { recordAudit } from '../audit/audit.service.js';
import type { AccessCache } from '../../lib/access-cache.js';
import * as repo from './members.repo.js';
import { lockOrganization } from './organizations.repo.js';

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: MemberRole;
  joinedAt: string;
  status: 'active' | 'invited' | 'disabled';
}

/** Shown once, to the Super Admin who invited: the only way the new user can set a password. */
export interface Invitation {
  token: string;
  expiresAt: string;
}

type MemberRow = NonNullable<Awaited<ReturnType<typeof repo.findMember>>>;
const toView = (r: MemberRow): MemberView => ({ ...r, joinedAt: r.joinedAt.toISOString() });

/** Finds the user with this email, or creates an invited one with a one-time invitation token. */
export async function findOrInviteUser(tx: Tx, email: string, name: string | undefined) {
  const existing = await repo.findUserByEmail(tx, email);
  if (existing) return { userId: existing.id, invitation: null };
  const token = newOpaqueToken();
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  const userId = uuidv7();
  await repo.insertInvitedUser(tx, {
    id: userId, email, name: name ?? email.split('@')[0], invitationTokenHash: sha256(token), invitationExpiresAt: expiresAt,
  });
  return { userId, invitation: { token, expiresAt: expiresAt.toISOString() } as Invitation };
}

/** Runs `then` once `work` has committed, and passes its result through. */
async function afterCommit<T>(then: () => void, work: Promise<T>): Promise<T> {
  const result = await work;
  then();
  return result;
}

export function createMembersService(db: Db, accessCache: AccessCache) {
  /** Refuses changes that would leave the organization without a Super Admin. */
  async function assertNotLastSuperAdmin(tx: Tx, orgId: string, member: MemberRow) {
    if (member.role !== 'super_admin') return;
    await lockOrganization(tx, orgId);
    if ((await repo.countSuperAdmins(tx, orgId)) <= 1) {
      throw new Conflict('This is the last Super Admin of the organization; make someone else Super Admin first');
    }
  }

  return {
    async list(ctx: RequestContext, orgId: string, q: { limit?: number; cursor?: string }): Promise<Page<MemberView>> {
      assertCan(ctx.actor!.ability, 'read', subject('Member', { organizationId: orgId }));
      const limit = q.limit ?? 50;
      const after = decodeCursor(q.cursor, ['string'])?.[0] as string | undefined;
      const rows = await inScope(db, { org: orgId }, (tx) => repo.listMembers(tx, orgId, after, limit));
      return toPage(rows, limit, toView, (r) => [r.email]);
    },

    async add(ctx: RequestContext, orgId: string, input: { email: string; name?: string; role: MemberRole }) {
      assertCan(ctx.actor!.ability, 'create', subject('Member', { organizationId: orgId, role: input.role }));
      return inScope(db, { org: orgId }, async (tx) => {
        const { userId, invitation } = await findOrInviteUser(tx, input.email, input.name);
        if (await repo.findMember(tx, orgId, userId)) throw new Conflict(`${input.email} is already a member of this organization`);
        await repo.insertMembership(tx, orgId, userId, input.role);
        await recordAudit(tx, ctx, {
          organizationId: orgId, action: 'member.added', target: { type: 'user', id: userId },
          metadata: { email: input.email, role: input.role, invited: invitation !== null },
        });
        const member = toView((await repo.findMember(tx, orgId, userId))!);
        return { ...member, invitation };
      });
    },

    async changeRole(ctx: RequestContext, orgId: string, userId: string, role: MemberRole): Promise<MemberView> {
      assertCan(ctx.actor!.ability, 'update', subject('Member', { organizationId: orgId, role }));
      // After the commit, so no request can cache the old role in between.
      return afterCommit(() => accessCache.forgetUser(userId), inScope(db, { org: orgId }, async (tx) => {
        const member = await repo.findMember(tx, orgId, userId);
        if (!member) throw new NotFound('Member');
        if (member.role === role) return toView(member);
        if (role !== 'super_admin') await assertNotLastSuperAdmin(tx, orgId, member);
        await repo.updateMembershipRole(tx, orgId, userId, role);
        await recordAudit(tx, ctx, {
          organizationId: orgId, action: 'member.role_changed', target: { type: 'user', id: userId },
          metadata: { email: member.email, from: member.role, to: role },
        });
        return toView({ ...member, role });
      }));
    },

    async remove(ctx: RequestContext, orgId: string, userId: string): Promise<void> {
      assertCan(ctx.actor!.ability, 'delete', subject('Member', { organizationId: orgId }));
      await inScope(db, { org: orgId }, async (tx) => {
        const member = await repo.findMember(tx, orgId, userId);
        if (!member) throw new NotFound('Member');
        await assertNotLastSuperAdmin(tx, orgId, member);
        await repo.deleteMembership(tx, orgId, userId);
        await recordAudit(tx, ctx, {
          organizationId: orgId, action: 'member.removed', target: { type: 'user', id: userId },
          metadata: { email: member.email, role: member.role },
        });
      });
      accessCache.forgetUser(userId);
    },
  };
}

export type MembersService = ReturnType<typeof createMembersService>;
