import { Type } from '@sinclair/typebox';
import { Email, ListOf, Name, OrgParams, Role, StrictObject, Timestamp, Uuid } from '../../lib/schemas.js';
import { PageQuery } from '../../lib/pagination.js';

export const Slug = Type.String({
  pattern: '^[a-z0-9][a-z0-9-]{1,62}$',
  description: 'Lowercase letters, digits and dashes; 2–63 characters; starts with a letter or digit',
});
export const OrgStatus = Type.Union([Type.Literal('active'), Type.Literal('suspended')]);

export const Organization = Type.Object({
  id: Uuid,
  slug: Type.String(),
  name: Type.String(),
  status: OrgStatus,
  role: Type.Union([Role, Type.Null()]),
  createdAt: Timestamp,
});

export const Invitation = Type.Object({
  token: Type.String({ description: 'One-time invitation token; shown only in this response. POST it to /api/auth/accept-invitation.' }),
  expiresAt: Timestamp,
});

export const CreateOrganizationBody = StrictObject({ name: Name, slug: Slug, superAdminEmail: Email });
export const CreatedOrganization = Type.Intersect([
  Organization,
  Type.Object({
    superAdmin: Type.Object({ userId: Uuid, email: Type.String(), invitation: Type.Union([Invitation, Type.Null()]) }),
  }),
]);
export const UpdateOrganizationBody = StrictObject({ name: Type.Optional(Name), status: Type.Optional(OrgStatus) });
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
export const AddedMember = Type.Intersect([Member, Type.Object({ invitation: Type.Union([Invitation, Type.Null()]) })]);
export const ChangeRoleBody = StrictObject({ role: Role });
export const MemberParams = StrictObject({ orgId: Uuid, userId: Uuid });
export { OrgParams };
