/**
 * Invitations to an organization, inside a transaction of the caller's: issuing one (members, a new organization's
 * first Super Admin) and accepting one (the auth module's sign-up through an invitation). The auth module uses
 * these rather than the organizations repos, which stay private to this module.
 */
import type { Static } from '@sinclair/typebox';
import type { MemberRole } from '../../../../db/schema.js';
import type { Tx } from '../../lib/db-scope.js';
import { BadRequest } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { newOpaqueToken, sha256 } from '../../lib/passwords.js';
import * as invitationsRepo from './invitations.repo.js';
import * as membersRepo from './members.repo.js';
import type * as S from './organizations.schemas.js';

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

/** Shown once, to the Super Admin who invited: what the person needs to accept (POST /api/auth/accept-invitation). */
type Invitation = Static<typeof S.Invitation>;

/**
 * Invites a person to an organization with a role. Whether the email already has a Linkyard account makes no
 * difference here — same answer, same work — so inviting tells nothing about other organizations' people, and
 * nobody becomes a member before accepting (POST /api/auth/accept-invitation). A pending invitation to the same
 * email is replaced (its token stops working).
 */
export async function inviteToOrganization(
  tx: Tx,
  orgId: string,
  input: Static<typeof S.AddMemberBody>,
  invitedBy: string | null,
  publicUrl: string,
): Promise<Invitation> {
  const pending = await invitationsRepo.findPendingInvitation(tx, orgId, input.email);
  if (pending) await invitationsRepo.deleteInvitation(tx, orgId, pending.id);
  const token = newOpaqueToken();
  const invitation = { id: uuidv7(), token, expiresAt: new Date(Date.now() + INVITATION_TTL_MS) };
  await invitationsRepo.insertInvitation(tx, {
    id: invitation.id,
    organizationId: orgId,
    email: input.email,
    name: input.name ?? null,
    role: input.role,
    tokenHash: sha256(token),
    expiresAt: invitation.expiresAt,
    invitedBy,
  });
  return { ...invitation, url: invitationUrl(publicUrl, token), expiresAt: invitation.expiresAt.toISOString() };
}

/** The accept page's address, the link a Super Admin sends: the token is in it, so it is shown once. */
export const invitationUrl = (publicUrl: string, token: string) => `${publicUrl}/invite/${encodeURIComponent(token)}`;

/**
 * Issues a pending invitation a new token (and a new expiry); the old token stops working at once. NotFound
 * when there is no such pending invitation in the organization.
 */
export async function reissueInvitation(tx: Tx, orgId: string, invitationId: string, publicUrl: string): Promise<Invitation | null> {
  const token = newOpaqueToken();
  const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
  const updated = await invitationsRepo.replaceToken(tx, orgId, invitationId, sha256(token), expiresAt);
  if (!updated) return null;
  return { id: invitationId, token, url: invitationUrl(publicUrl, token), expiresAt: expiresAt.toISOString() };
}

/** What the accept page shows before the person accepts: whose invitation, to which organization, as what. */
export async function describeInvitation(tx: Tx, token: string) {
  const invitation = await invitationsRepo.findInvitationWithOrganization(tx, sha256(token));
  if (!invitation || invitation.accepted_at || invitation.expires_at.getTime() <= Date.now()) {
    throw new BadRequest('This invitation is not valid or has expired; ask your administrator for a new one', '/token');
  }
  return invitation;
}

/** The invitation a token stands for, locked for its acceptance; BadRequest when it is unknown, used or expired. */
export async function openInvitation(tx: Tx, token: string) {
  const invitation = await invitationsRepo.lockInvitationByToken(tx, sha256(token));
  if (!invitation || invitation.accepted_at || invitation.expires_at.getTime() <= Date.now()) {
    throw new BadRequest('This invitation is not valid or has expired; ask your administrator for a new one', '/token');
  }
  return invitation;
}

/** Makes the user a member with the invitation's role (one already a member keeps the role they have) and closes it. */
export async function acceptInvitation(tx: Tx, invitation: { id: string; organization_id: string; role: MemberRole }, userId: string) {
  await membersRepo.insertMembershipIfAbsent(tx, invitation.organization_id, userId, invitation.role);
  await invitationsRepo.markAccepted(tx, invitation.id, userId);
}
