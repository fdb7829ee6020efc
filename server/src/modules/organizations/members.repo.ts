import { sql } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';
import type { MemberRole } from '../../../../db/schema.js';

/** A page of members by email (one more than `limit`, to tell whether more follow); a query to run, not its rows. */
export function listMembersQuery(tx: Tx, orgId: string, afterEmail: string | undefined, limit: number) {
  let q = tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id as userId', 'u.email', 'u.name', 'm.role', 'm.created_at as joinedAt', 'u.status'])
    .where('m.organization_id', '=', orgId);
  if (afterEmail) q = q.where(sql`lower(u.email)`, '>', afterEmail.toLowerCase());
  return q.orderBy(sql`lower(u.email)`).limit(limit + 1);
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

export function findMemberByEmail(tx: Tx, orgId: string, email: string) {
  return tx
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.user_id')
    .where('m.organization_id', '=', orgId)
    .where(sql`lower(u.email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

/** Accepting an invitation to an organization one already belongs to keeps the role one has. */
export async function insertMembershipIfAbsent(tx: Tx, orgId: string, userId: string, role: MemberRole) {
  await tx
    .insertInto('memberships')
    .values({ organization_id: orgId, user_id: userId, role })
    .onConflict((oc) => oc.columns(['organization_id', 'user_id']).doNothing())
    .execute();
}

export async function updateMembershipRole(tx: Tx, orgId: string, userId: string, role: MemberRole) {
  await tx.updateTable('memberships').set({ role }).where('organization_id', '=', orgId).where('user_id', '=', userId).execute();
}

export async function deleteMembership(tx: Tx, orgId: string, userId: string) {
  await tx.deleteFrom('memberships').where('organization_id', '=', orgId).where('user_id', '=', userId).execute();
}
