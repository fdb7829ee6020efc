import { sql } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';
import type { MemberRole } from '../../../../db/schema.js';

export function listMembers(tx: Tx, orgId: string, afterEmail: string | undefined, limit: number) {
  let q = tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id as userId', 'u.email', 'u.name', 'm.role', 'm.created_at as joinedAt', 'u.status'])
    .where('m.organization_id', '=', orgId);
  if (afterEmail) q = q.where(sql`lower(u.email)`, '>', afterEmail.toLowerCase());
  return q.orderBy(sql`lower(u.email)`).limit(limit + 1).execute();
}

export function findMember(tx: Tx, orgId: string, userId: string) {
  return tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id as userId', 'u.email', 'u.name', 'm.role', 'm.created_at as joinedAt', 'u.status'])
    .where('m.organization_id', '=', orgId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
}

export async function countSuperAdmins(tx: Tx, orgId: string): Promise<number> {
  const r = await tx
    .selectFrom('memberships')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('organization_id', '=', orgId)
    .where('role', '=', 'super_admin')
    .executeTakeFirstOrThrow();
  return r.n;
}

export function findUserByEmail(tx: Tx, email: string) {
  return tx.selectFrom('users').select(['id', 'email', 'name', 'status']).where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
}

export async function insertInvitedUser(tx: Tx, u: { id: string; email: string; name: string; invitationTokenHash: string; invitationExpiresAt: Date }) {
  await tx
    .insertInto('users')
    .values({
      id: u.id, email: u.email, name: u.name, status: 'invited', password_hash: null, platform_role: null,
      invitation_token_hash: u.invitationTokenHash, invitation_expires_at: u.invitationExpiresAt, updated_at: new Date(),
    })
    .execute();
}

export async function insertMembership(tx: Tx, orgId: string, userId: string, role: MemberRole) {
  await tx.insertInto('memberships').values({ organization_id: orgId, user_id: userId, role }).execute();
}

export async function updateMembershipRole(tx: Tx, orgId: string, userId: string, role: MemberRole) {
  await tx.updateTable('memberships').set({ role }).where('organization_id', '=', orgId).where('user_id', '=', userId).execute();
}

export async function deleteMembership(tx: Tx, orgId: string, userId: string) {
  await tx.deleteFrom('memberships').where('organization_id', '=', orgId).where('user_id', '=', userId).execute();
}
