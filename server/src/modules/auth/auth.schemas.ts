import { Type } from '@sinclair/typebox';
import { Email, Name, Role, StrictObject, Uuid } from '../../lib/schemas.js';

export const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const NewPassword = Type.String({ minLength: 12, maxLength: 1024, description: 'At least 12 characters' });

export const LoginBody = StrictObject({ email: Email, password: Password });
export const RefreshBody = StrictObject({ refreshToken: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) });
export const AcceptInvitationBody = StrictObject({
  token: Type.String({ minLength: 1, maxLength: 200 }),
  password: NewPassword,
  name: Type.Optional(Name),
});

export const UserView = Type.Object({
  id: Uuid,
  email: Type.String(),
  name: Type.String(),
  platformRole: Type.Union([Type.Literal('platform_owner'), Type.Null()]),
});

export const MembershipView = Type.Object({
  organizationId: Uuid,
  organizationSlug: Type.String(),
  organizationName: Type.String(),
  role: Role,
});

export const Profile = Type.Object({ user: UserView, memberships: Type.Array(MembershipView) });

export const SignedIn = Type.Object({
  user: UserView,
  memberships: Type.Array(MembershipView),
  accessToken: Type.String(),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires' }),
});
