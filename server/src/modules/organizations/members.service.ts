import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { MemberRole } from '../../../../db/schema.js';
import type { AuthedContext, PersonContext } from '../../lib/context.js';
import { inScope, readInScope, type Tx } from '../../lib/db-scope.js';
import { Conflict, NotFound } from '../../lib/errors.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import { recordAudit } from '../audit/audit.service.js';
import type { AccessCache } from '../../lib/access-cache.js';
import { inviteToOrganization, reissueInvitation } from './invitations.js';
import * as invitationsRepo from './invitations.repo.js';
import * as repo from './members.repo.js';
import type * as S from './organizations.schemas.js';
import { lockOrganization } from './organizations.repo.js';

/** The API's shapes (organizations.schemas.ts is the one definition). */
export type MemberView = Static<typeof S.Member>;
/** Shown once, to the Super Admin who invited: what the person needs to accept (POST /api/auth/accept-invitation). */
export type Invitation = Static<typeof S.Invitation>;
export type PendingInvitationView = Static<typeof S.PendingInvitation>;
export type AddMemberInput = Static<typeof S.AddMemberBody>;
type ListQuery = Static<typeof S.ListQuery>;

type MemberRow = NonNullable<Awaited<ReturnType<typeof repo.findMember>>>;
const toView = (r: MemberRow): MemberView => ({ ...r, joinedAt: r.joinedAt.toISOString() });

/** Runs `then` once `work` has committed, and passes its result through. */
async function afterCommit<T>(then: () => void, work: Promise<T>): Promise<T> {
  const result = await work;
  then();
  return result;
}

export interface MembersServiceDeps {
  db: Db;
  /** PUBLIC_URL: invitation links point at its accept page. */
  publicUrl: string;
  /** Forgotten for a member whose role changes or who leaves, so the change applies at their next request. */
  accessCache: AccessCache;
}

/** Refuses changes that would leave the organization without a Super Admin. */
async function assertNotLastSuperAdmin(tx: Tx, orgId: string, member: MemberRow) {
  if (member.role !== 'super_admin') return;
  await lockOrganization(tx, orgId);
  if ((await repo.countSuperAdmins(tx, orgId)) <= 1) {
    throw new Conflict('This is the last Super Admin of the organization; make someone else Super Admin first');
  }
}

/** An organization's members: listing and inviting them, their pending invitations, and changing or ending their membership. */
export function createMembersService(deps: MembersServiceDeps) {
  return { ...createMemberList(deps), ...createInvitationList(deps), ...createMembershipChanges(deps) };
}

/** Who is a member, and adding one (an invitation). */
function createMemberList({ db, publicUrl }: Pick<MembersServiceDeps, 'db' | 'publicUrl'>) {
  return {
    async list(ctx: AuthedContext, orgId: string, q: ListQuery): Promise<Page<MemberView>> {
      const limit = q.limit ?? 50;
      const after = decodeCursor(q.cursor, ['string'])?.[0] as string | undefined;
      // One round trip: the scope's settings and the page in one message (readInScope), not BEGIN, query, COMMIT.
      const rows = await readInScope(db, { org: orgId }, (q) => repo.listMembersQuery(q, orgId, after, limit));
      return toPage(rows, limit, toView, (r) => [r.email]);
    },

    /** Adding a person is inviting them: they become a member when they accept. */
    async add(ctx: PersonContext, orgId: string, input: AddMemberInput) {
      return inScope(db, { org: orgId }, async (tx) => {
        if (await repo.findMemberByEmail(tx, orgId, input.email))
          throw new Conflict(`${input.email} is already a member of this organization`, '/email');
        const invitation = await inviteToOrganization(tx, orgId, input, ctx.actor.userId, publicUrl);
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'member.invited',
          target: { type: 'invitation', id: invitation.id },
          metadata: { email: input.email, role: input.role },
        });
        return { email: input.email, role: input.role, status: 'invited' as const, invitation };
      });
    },
  };
}

/** Pending invitations: listed for the Super Admin, sent again with a new link, and revoked. */
function createInvitationList({ db, publicUrl }: Pick<MembersServiceDeps, 'db' | 'publicUrl'>) {
  return {
    async listInvitations(ctx: AuthedContext, orgId: string, q: ListQuery): Promise<Page<PendingInvitationView>> {
      const limit = q.limit ?? 50;
      const before = decodeCursor(q.cursor, ['uuid'])?.[0] as string | undefined;
      const rows = await inScope(db, { org: orgId }, (tx) => invitationsRepo.listPendingInvitations(tx, orgId, before, limit));
      const now = Date.now();
      return toPage(
        rows,
        limit,
        (r) => ({
          id: r.id,
          email: r.email,
          role: r.role,
          expiresAt: r.expires_at.toISOString(),
          createdAt: r.created_at.toISOString(),
          expired: r.expires_at.getTime() <= now,
        }),
        (r) => [r.id],
      );
    },

    /** A new link (and expiry) for a pending invitation; the old link stops working. */
    async resendInvitation(ctx: AuthedContext, orgId: string, invitationId: string): Promise<Invitation> {
      return inScope(db, { org: orgId }, async (tx) => {
        const invitation = await reissueInvitation(tx, orgId, invitationId, publicUrl);
        if (!invitation) throw new NotFound('Invitation');
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'member.invitation_resent',
          target: { type: 'invitation', id: invitationId },
          metadata: { expiresAt: invitation.expiresAt },
        });
        return invitation;
      });
    },

    async revokeInvitation(ctx: AuthedContext, orgId: string, invitationId: string): Promise<void> {
      await inScope(db, { org: orgId }, async (tx) => {
        const deleted = await invitationsRepo.deleteInvitation(tx, orgId, invitationId);
        if (!deleted.numDeletedRows) throw new NotFound('Invitation');
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'member.invitation_revoked',
          target: { type: 'invitation', id: invitationId },
          metadata: {},
        });
      });
    },
  };
}

/** A member's role changed or membership ended; the access cache forgets them, so it applies at their next request. */
function createMembershipChanges({ db, accessCache }: MembersServiceDeps) {
  return {
    async changeRole(ctx: AuthedContext, orgId: string, userId: string, role: MemberRole): Promise<MemberView> {
      // After the commit, so no request can cache the old role in between.
      return afterCommit(
        () => accessCache.forgetUser(userId),
        inScope(db, { org: orgId }, async (tx) => {
          const member = await repo.findMember(tx, orgId, userId);
          if (!member) throw new NotFound('Member');
          if (member.role === role) return toView(member);
          if (role !== 'super_admin') await assertNotLastSuperAdmin(tx, orgId, member);
          await repo.updateMembershipRole(tx, orgId, userId, role);
          await recordAudit(tx, ctx, {
            organizationId: orgId,
            action: 'member.role_changed',
            target: { type: 'user', id: userId },
            metadata: { email: member.email, from: member.role, to: role },
          });
          return toView({ ...member, role });
        }),
      );
    },

    async remove(ctx: AuthedContext, orgId: string, userId: string): Promise<void> {
      await inScope(db, { org: orgId }, async (tx) => {
        const member = await repo.findMember(tx, orgId, userId);
        if (!member) throw new NotFound('Member');
        await assertNotLastSuperAdmin(tx, orgId, member);
        await repo.deleteMembership(tx, orgId, userId);
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'member.removed',
          target: { type: 'user', id: userId },
          metadata: { email: member.email, role: member.role },
        });
      });
      accessCache.forgetUser(userId);
    },
  };
}

export type MembersService = ReturnType<typeof createMembersService>;
