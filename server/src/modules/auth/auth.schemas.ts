import { Type } from '@sinclair/typebox';
import { Email, Name, Role, StrictObject, Uuid } from '../../lib/schemas.js';

export const Password = Type.String({ minLength: 1, maxLength: 1024, description: 'The account password' });
export const NewPassword = Type.String({ minLength: 12, maxLength: 1024, description: 'The new password: at least 12 characters' });
export const Timezone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'An IANA time zone name, e.g. Europe/Berlin or UTC',
});

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
  timezone: Type.Union([Type.String(), Type.Null()], {
    description: 'The time zone the person chose for showing times; null follows their browser',
  }),
  mfaEnabled: Type.Boolean({ description: 'Whether two-factor sign-in (TOTP) is on for this account' }),
  mfaRequired: Type.Boolean({
    description:
      'Two-factor sign-in is required for this account (PLATFORM_OWNER_MFA=required) and not on yet: platform powers wait for it',
  }),
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

export const MfaChallenge = Type.Object({
  mfaRequired: Type.Literal(true, { description: 'The password was right; a two-factor code completes the sign-in' }),
  mfaToken: Type.String({ description: 'Send with the code to POST /api/auth/login/mfa; good for a few minutes' }),
  expiresIn: Type.Integer({ description: 'Seconds until mfaToken expires' }),
});
export const LoginResult = Type.Union([SignedIn, MfaChallenge]);

export const UpdateProfileBody = StrictObject({
  name: Type.Optional(Type.String({ maxLength: 120, description: 'Display name, 1–120 characters' })),
  timezone: Type.Optional(Type.Union([Timezone, Type.Null()], { description: 'Time zone for showing times; null follows the browser' })),
});

export const ChangePasswordBody = StrictObject({
  currentPassword: Type.String({ maxLength: 1024, description: 'The password in use now' }),
  newPassword: Type.String({ maxLength: 1024, description: 'The new password: at least 12 characters, different from the current one' }),
});

const TotpCode = Type.String({ maxLength: 20, description: 'The 6-digit code the authenticator app shows now' });
const RecoveryCode = Type.String({ maxLength: 40, description: 'One of the recovery codes shown when two-factor sign-in was turned on' });

export const MfaSetup = Type.Object({
  otpauthUrl: Type.String({ description: 'otpauth:// URL for an authenticator app (as text or a QR code)' }),
  secret: Type.String({ description: 'The same secret in base32, to type into an app by hand' }),
});
export const MfaEnableBody = StrictObject({ code: TotpCode });
export const RecoveryCodes = Type.Object({
  recoveryCodes: Type.Array(Type.String(), {
    description: 'Single-use codes that stand in for the authenticator app; shown only in this response',
  }),
});
export const MfaDisableBody = StrictObject({ code: Type.Optional(TotpCode), recoveryCode: Type.Optional(RecoveryCode) });
export const LoginMfaBody = StrictObject({
  mfaToken: Type.String({ maxLength: 200, description: 'The mfaToken from POST /api/auth/login' }),
  code: Type.Optional(TotpCode),
  recoveryCode: Type.Optional(RecoveryCode),
});

export const InvitationTokenBody = StrictObject({
  token: Type.String({ minLength: 1, maxLength: 200, description: 'The token from the invitation link (/invite/<token>)' }),
});
export const InvitationPreview = Type.Object({
  organizationName: Type.String({ description: 'The organization the person is invited to' }),
  email: Type.String({ description: 'The email the invitation is for' }),
  role: Role,
  expiresAt: Type.String({ format: 'date-time', description: 'Until when the link works' }),
  hasAccount: Type.Boolean({ description: 'That email has a Linkyard account: accept with its current password (or signed in as it)' }),
});
export const AcceptedInvitation = Type.Object({ organizationId: Uuid });
