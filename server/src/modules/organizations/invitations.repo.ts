import { sql } from 'kysely';
import type { MemberRole } from '../../../../db/schema.js';
import type { Tx } from '../../lib/db-scope.js';

export function insertInvitation(
  tx: Tx,
  i: {
    id: string;
    organizationId: string;
    email: string;
    name: string | null;
    role: MemberRole;
    tokenHash: string;
    expiresAt: Date;
    invitedBy: string | null;
  },
) {
  return tx
    .insertInto('invitations')
    .values({
      id: i.id,
      organization_id: i.organizationId,
      email: i.email,
      name: i.name,
      role: i.role,
      token_hash: i.tokenHash,
      expires_at: i.expiresAt,
      invited_by: i.invitedBy,
    })
    .execute();
}

/** The organization's invitation to this email that nobody has accepted yet (expired or not). */
export function findPendingInvitation(tx: Tx, orgId: string, email: string) {
  return tx
    .selectFrom('invitations')
    .select(['id', 'expires_at'])
    .where('organization_id', '=', orgId)
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
}

export function deleteInvitation(tx: Tx, orgId: string, id: string) {
  return tx
    .deleteFrom('invitations')
    .where('organization_id', '=', orgId)
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
}

/** Pending invitations, newest first (id is a UUID v7, so it orders by creation). */
export function listPendingInvitations(tx: Tx, orgId: string, beforeId: string | undefined, limit: number) {
  let q = tx
    .selectFrom('invitations')
    .select(['id', 'email', 'name', 'role', 'expires_at', 'created_at', 'invited_by'])
    .where('organization_id', '=', orgId)
    .where('accepted_at', 'is', null);
  if (beforeId) q = q.where('id', '<', beforeId);
  return q
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

/** Claims an invitation by its token for acceptance (platform scope: the caller is not a member yet). */
export function lockInvitationByToken(tx: Tx, tokenHash: string) {
  return tx.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst();
}

export function markAccepted(tx: Tx, id: string, userId: string) {
  return tx.updateTable('invitations').set({ accepted_at: new Date(), accepted_user_id: userId }).where('id', '=', id).execute();
}

/** A pending invitation's new token and expiry; false when there is no such pending invitation. */
export async function replaceToken(tx: Tx, orgId: string, id: string, tokenHash: string, expiresAt: Date): Promise<boolean> {
  const r = await tx
    .updateTable('invitations')
    .set({ token_hash: tokenHash, expires_at: expiresAt })
    .where('organization_id', '=', orgId)
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** An invitation by its token, with its organization's name (platform scope: the reader is not a member yet). */
export function findInvitationWithOrganization(tx: Tx, tokenHash: string) {
  return tx
    .selectFrom('invitations as i')
    .innerJoin('organizations as o', 'o.id', 'i.organization_id')
    .select(['i.id', 'i.email', 'i.role', 'i.expires_at', 'i.accepted_at', 'i.organization_id', 'o.name as organization_name'])
    .where('i.token_hash', '=', tokenHash)
    .executeTakeFirst();
}
