import { Type } from '@sinclair/typebox';
import { Email, ListOf, Name, OrgParams, Role, StrictObject, Timestamp, Uuid } from '../../lib/schemas.js';
import { PageQuery } from '../../lib/pagination.js';

export const Slug = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{1,62}$',
  description: 'Lowercase letters, digits and dashes; 2–63 characters; starts with a letter or digit',
});
export const OrgStatus = Type.Union([Type.Literal('active'), Type.Literal('suspended')]);

const days = (what: string) => Type.Integer({ description: `Days ${what} are kept before the daily pruning deletes them (1–3650)` });
export const Retention = Type.Object({
  logsDays: days('run log lines'),
  runsDays: days('finished runs (with their logs)'),
  deletedRecordsDays: days('records deleted at the source'),
  webhookDeliveriesDays: days('outbound webhook deliveries'),
});

export const Organization = Type.Object({
  id: Uuid,
  slug: Type.String(),
  name: Type.String(),
  status: OrgStatus,
  role: Type.Union([Role, Type.Null()]),
  createdAt: Timestamp,
  defaultTimezone: Type.String({ description: 'IANA time zone new schedules and the admin UI default to' }),
  retention: Retention,
});

export const Invitation = Type.Object({
  id: Uuid,
  token: Type.String({
    description:
      'One-time invitation token; shown only in this response. The person POSTs it to /api/auth/accept-invitation (with a new password, or their current one if they already have an account).',
  }),
  url: Type.String({ description: 'The invitation link to send the person ($PUBLIC_URL/invite/<token>): it opens the accept page' }),
  expiresAt: Timestamp,
});

export const PendingInvitation = Type.Object({
  id: Uuid,
  email: Type.String(),
  role: Role,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  expired: Type.Boolean({ description: 'Past its expiry: invite the person again for a new token' }),
});
export const PendingInvitationList = ListOf(PendingInvitation);
export const InvitationParams = StrictObject({ orgId: Uuid, invitationId: Uuid });

export const CreateOrganizationBody = StrictObject({ name: Name, slug: Slug, superAdminEmail: Email });
export const CreatedOrganization = Type.Intersect([
  Organization,
  Type.Object({
    superAdmin: Type.Object({ email: Type.String(), invitation: Invitation }),
  }),
]);
export const UpdateOrganizationBody = StrictObject({
  name: Type.Optional(Name),
  status: Type.Optional(OrgStatus),
  defaultTimezone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA time zone, e.g. Europe/Berlin or UTC (Super Admin)' })),
  retention: Type.Optional(
    StrictObject({
      logsDays: Type.Optional(days('run log lines')),
      runsDays: Type.Optional(days('finished runs (with their logs)')),
      deletedRecordsDays: Type.Optional(days('records deleted at the source')),
      webhookDeliveriesDays: Type.Optional(days('outbound webhook deliveries')),
    }),
  ),
});
export const DeleteOrganizationBody = StrictObject({
  confirm: Type.String({ maxLength: 100, description: "The organization's slug, typed to confirm the deletion" }),
});
export const OrganizationList = ListOf(Organization);
export const ListQuery = StrictObject(PageQuery);

export const Member = Type.Object({
  userId: Uuid,
  email: Type.String(),
  name: Type.String(),
  role: Role,
  joinedAt: Timestamp,
  status: Type.Union([Type.Literal('active'), Type.Literal('invited'), Type.Literal('disabled')]),
});
export const MemberList = ListOf(Member);
export const AddMemberBody = StrictObject({ email: Email, name: Type.Optional(Name), role: Role });
/** Adding a person invites them; they are a member once they accept. */
export const AddedMember = Type.Object({ email: Type.String(), role: Role, status: Type.Literal('invited'), invitation: Invitation });
export const ChangeRoleBody = StrictObject({ role: Role });
export const MemberParams = StrictObject({ orgId: Uuid, userId: Uuid });
export { OrgParams };
